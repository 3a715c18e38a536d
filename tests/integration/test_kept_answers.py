"""Answers to anonymous readers kept by the worker until an item changes: the item stamp
changes with any write to the item table, whoever makes it; a kept answer is served
without reading the items, compressed, and with a validator; nobody else is served it."""

import brotli
import pytest
from flask import Response
from sqlalchemy import select, text, update

from app import stamps
from app.extensions import db
from app.items import kept_answers
from app.items.models import Item, ItemStamp
from app.items.services import set_category_publicity
from app.main.views import LANGUAGE_COOKIE
from app.moderation.services import moderate_item
from tests.conftest import INSIDE, make_item, make_user
from tests.statements import counted_statements

MAP = "/api/v1/items?bbox=2.28,48.73,2.30,48.75&fields=map&clusters=300"
BROTLI = {"Accept-Encoding": "br"}


def current_stamp():
    db.session.commit()  # a new transaction: what others committed
    return db.session.scalar(select(ItemStamp.stamp))


def test_every_write_to_the_items_changes_the_stamp_whoever_makes_it():
    seen = [current_stamp()]
    item = make_item()  # the app's capture: an insert
    seen.append(current_stamp())
    item.title = "Un autre titre"  # the ORM's update
    db.session.commit()
    seen.append(current_stamp())
    db.session.execute(update(Item).values(title="En masse"))  # a bulk statement
    db.session.commit()
    seen.append(current_stamp())
    db.session.execute(text("UPDATE item SET description = 'psql' WHERE id = :id"),
                       {"id": item.id})  # beside the app altogether
    db.session.commit()
    seen.append(current_stamp())
    db.session.execute(text("DELETE FROM item_event"))
    db.session.execute(text("DELETE FROM item"))
    db.session.commit()
    seen.append(current_stamp())
    assert len(set(seen)) == len(seen), seen


def test_a_read_or_a_rolled_back_write_leaves_the_stamp():
    make_item()
    before = current_stamp()
    db.session.scalars(select(Item)).all()
    assert current_stamp() == before
    db.session.execute(update(Item).values(title="Jamais validé"))
    db.session.rollback()
    assert current_stamp() == before


def test_a_truncated_item_table_changes_the_stamp(postgresql_only):
    make_item()
    before = current_stamp()
    db.session.execute(text("TRUNCATE item CASCADE"))
    db.session.commit()
    assert current_stamp() != before


def test_another_transaction_sees_the_new_stamp_only_once_the_items_are_committed(app):
    make_item()
    before = current_stamp()
    with db.engine.connect() as writer:
        writer.execute(text("UPDATE item SET title = 'En cours'"))
        # PostgreSQL changes it at commit; SQLite's writer holds the file until then.
        if db.engine.dialect.name == "postgresql":
            assert current_stamp() == before
        writer.commit()
    assert current_stamp() != before


def test_an_anonymous_map_read_is_served_again_without_reading_the_items(client):
    make_item(publish=True)
    first = client.get(MAP)
    assert first.status_code == 200 and len(first.get_json()["features"]) == 1
    assert first.headers["Cache-Status"] == "Arpenteur; fwd=miss; stored"
    with counted_statements() as statements:
        again = client.get(MAP)
    assert again.get_data() == first.get_data()
    assert again.headers["Cache-Status"] == "Arpenteur; hit"
    assert len(statements) == 1 and "item_stamp" in statements[0], statements
    assert "item " not in statements[0].replace("item_stamp", "")


@pytest.mark.parametrize("change", ["publish", "hide", "raw"])
def test_the_read_after_a_change_answers_afresh(client, change):
    shown = make_item(publish=True, title="Déjà public")
    waiting = make_item(title="En attente")
    client.get(MAP)
    if change == "publish":
        moderate_item(make_user("moderator", email="kept-modo@x.org"), waiting, "publish")
        expected = {shown.id, waiting.id}
    elif change == "hide":
        moderate_item(make_user("moderator", email="kept-modo@x.org"), shown, "hide",
                      "Adresse personnelle")
        expected = set()
    else:  # written beside the app: the stored text says so, the trigger tells the workers
        db.session.execute(text("UPDATE item SET visibility = 'hidden' WHERE id = :id"),
                           {"id": shown.id})
        expected = set()
    db.session.commit()
    afresh = client.get(MAP)
    assert {f["id"] for f in afresh.get_json()["features"]} == expected
    assert afresh.headers["Cache-Status"] == "Arpenteur; fwd=miss; stored"


def test_a_category_made_staff_only_leaves_the_answer_though_no_item_is_written(client):
    shown = make_item(publish=True, category="tags")
    assert [f["id"] for f in client.get(MAP).get_json()["features"]] == [shown.id]
    before = current_stamp()
    set_category_publicity(make_user("admin", email="kept-admin@x.org"), "tags", "staff")
    db.session.commit()
    assert current_stamp() == before  # no public position moved: no item was written
    assert client.get(MAP).get_json()["features"] == []


def test_a_kept_answer_is_compressed_once_and_validated(client):
    for n in range(30):
        make_item(publish=True, where=(INSIDE[0] + n * 1e-5, INSIDE[1]))
    plain = client.get(MAP, headers={"Accept-Encoding": "identity"})
    packed = client.get(MAP, headers=BROTLI)
    assert "Content-Encoding" not in plain.headers
    assert packed.headers["Content-Encoding"] == "br"
    assert brotli.decompress(packed.get_data()) == plain.get_data()
    assert packed.headers["Cache-Control"] == "no-cache"
    assert packed.headers["ETag"] != plain.headers["ETag"]  # another representation
    unchanged = client.get(MAP, headers={**BROTLI, "If-None-Match": packed.headers["ETag"]})
    assert unchanged.status_code == 304 and unchanged.get_data() == b""
    assert unchanged.headers["Cache-Status"] == "Arpenteur; hit"
    make_item(publish=True, where=(INSIDE[0], INSIDE[1] + 1e-5))
    changed = client.get(MAP, headers={**BROTLI, "If-None-Match": packed.headers["ETag"]})
    assert changed.status_code == 200
    assert len(client.get(MAP).get_json()["features"]) == 31


def test_an_unrelated_write_changes_the_stamp_but_not_the_validator(client):
    make_item(publish=True)
    waiting = make_item()
    first = client.get(MAP)
    waiting.description = "Précisé par l'auteur"  # not public: the answer stays the same
    db.session.commit()
    again = client.get(MAP, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_a_signed_in_caller_is_never_served_the_anonymous_answer(client, auth):
    resident = make_user(email="kept-resident@x.org")
    make_item(publish=True)
    own = make_item(actor=resident, title="Le mien, en attente")
    anonymous = client.get(MAP).get_json()
    assert own.id not in {f["id"] for f in anonymous["features"]}
    mine = client.get(MAP, headers=auth.token(user=resident)).get_json()
    assert own.id in {f["id"] for f in mine["features"]}
    staff = client.get(MAP, headers=auth.token("coordinator"))
    assert own.id in {f["id"] for f in staff.get_json()["features"]}
    assert "Cache-Status" not in staff.headers  # read for them alone, never kept


def test_each_language_and_question_has_its_own_answer(client):
    make_item(publish=True)
    french = client.get(MAP).get_json()
    client.set_cookie(LANGUAGE_COOKIE, "en")
    english = client.get(MAP).get_json()
    assert french["labels"]["category"] != english["labels"]["category"]
    elsewhere = client.get("/api/v1/items?bbox=2.0,48.0,2.01,48.01&fields=map").get_json()
    assert elsewhere["features"] == []


def test_a_malformed_question_is_refused_and_not_kept(client):
    for _ in range(2):
        answer = client.get("/api/v1/items?bbox=2.3,48.7,2.2,48.6")
        assert answer.status_code == 422 and "bbox" in answer.get_json()["errors"]


def test_an_answer_other_than_200_is_never_kept(app):
    """A fault while the items are read is answered as it is, and asked afresh next time."""
    built = []

    def failing():
        built.append(1)
        return Response('{"errors": {}}', status=503, mimetype="application/json")

    for _ in range(2):
        with app.test_request_context(MAP):
            answer = kept_answers.kept_answer(failing)
            db.session.rollback()  # the stamps are read per transaction
        assert answer.status_code == 503
        assert answer.headers["Cache-Status"] == "Arpenteur; fwd=miss"
    assert len(built) == 2


def test_two_transactions_writing_items_at_once_never_wait_for_the_stamp(postgresql_only):
    first, second = make_item(), make_item()
    before = current_stamp()
    with db.engine.connect() as one, db.engine.connect() as other:
        one.execute(text("UPDATE item SET title = 'Un' WHERE id = :id"), {"id": first.id})
        # Were the stamp changed at each write, this one would wait for the first's commit.
        other.execute(text("SET LOCAL lock_timeout = '2s'"))
        other.execute(text("UPDATE item SET title = 'Deux' WHERE id = :id"), {"id": second.id})
        other.commit()
        one.commit()
    assert current_stamp() != before


def test_a_worker_keeps_its_answers_within_its_bytes(client, monkeypatch):
    make_item(publish=True)
    questions = [MAP, MAP + "&category=proprete"]
    sizes = [len(client.get(question).get_data()) for question in questions]
    # Room for one answer (asked uncompressed: its body alone), not two: the older one goes.
    monkeypatch.setattr(kept_answers, "KEPT_BYTES", max(sizes) + 1)
    monkeypatch.delitem(stamps._KEPT, "public_items")  # a worker starting afresh
    for question in questions:
        client.get(question)
    for question, kept in ((questions[1], True), (questions[0], False)):
        with counted_statements() as statements:
            client.get(question)
        assert (len(statements) == 1) is kept, (question, statements)
