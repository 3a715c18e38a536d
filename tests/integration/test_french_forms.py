"""French plurals, numbers and dates on the pages, and e-mails in the language each person
used: the item's author, a follower, an agent."""

import subprocess
import sys
import uuid
from pathlib import Path

from babel.messages.pofile import read_po
from sqlalchemy import select

from app.auth.models import User
from app.extensions import db
from app.items.models import Item
from app.items.services import follow_item
from app.moderation.services import moderate_item
from app.notifications.models import OutboxMessage
from app.proposals import services as proposals
from app.triage import services as triage
from config import BASE_DIR
from tests.conftest import csrf_token, make_item, make_user, page_text
from tests.integration.test_proposals import make_proposal
from tests.integration.test_registration import forgot, sign_up
from tests.workflow import coordinator

FRENCH = BASE_DIR / "app" / "translations" / "fr" / "LC_MESSAGES" / "messages.po"


def test_french_says_zero_and_one_in_the_singular(client):
    item = make_proposal()
    assert "0 soutien" in page_text(client.get("/propositions"))
    proposals.support_proposal(make_user("resident"), item)
    db.session.commit()
    assert "1 soutien" in page_text(client.get(f"/propositions/{item.id}"))
    proposals.support_proposal(make_user("resident", email="deux@example.org"), item)
    db.session.commit()
    assert "2 soutiens" in page_text(client.get(f"/propositions/{item.id}"))
    client.get("/langue/en")
    assert "2 supports" in page_text(client.get(f"/propositions/{item.id}"))


def test_followers_are_counted_in_words(client):
    item = make_item(publish=True)
    assert "Aucune personne ne suit encore ce signalement." in page_text(
        client.get(f"/signalements/{item.id}"))
    followed = client.post(f"/signalements/{item.id}/moi-aussi", data={
        "csrf_token": csrf_token(client, f"/signalements/{item.id}")}, follow_redirects=True)
    page = page_text(followed)
    assert "(1 personne concernée)" in page and "1 personne suit ce signalement." in page
    follow_item(None, item, "voisine@example.org")
    db.session.commit()
    assert "2 personnes suivent ce signalement." in page_text(
        client.get(f"/signalements/{item.id}"))


def test_due_dates_follow_the_reader_s_language(client, auth):
    item = make_item(category="tags")
    triage.route_item(coordinator(), item, item.suggested_organisation)
    db.session.commit()
    auth.login("agent", "ville-antony")
    due = item.acknowledge_due
    assert f"{due:%d/%m/%Y}" in page_text(client.get(f"/gestion/signalements/{item.id}"))
    client.get("/langue/en")
    english = page_text(client.get(f"/gestion/signalements/{item.id}"))
    assert f"{due.month}/{due.day}/{due:%y}" in english


def test_every_plural_message_has_its_french_forms():
    """French is the source language: its catalogue holds the plural forms (0 and 1 take
    the singular), written by `make translations`."""
    template = BASE_DIR / "app" / "translations" / "messages.pot"
    extracted = Path(template.parent / "check.pot")
    try:
        subprocess.run([str(Path(sys.executable).parent / "pybabel"), "extract", "-F",
                        str(BASE_DIR / "babel.cfg"), "-k", "_l", "-k", "N_", "--ignore-dirs",
                        ".* __pycache__", "-o", str(extracted), str(BASE_DIR / "app")],
                       check=True, cwd=BASE_DIR, capture_output=True)
        with extracted.open("rb") as handle:
            wanted = {m.id for m in read_po(handle) if m.id and m.pluralizable}
    finally:
        extracted.unlink(missing_ok=True)
    with FRENCH.open("rb") as handle:
        french = {m.id: m.string for m in read_po(handle) if m.id}
    missing = sorted(str(msgid) for msgid in wanted if not all(french.get(msgid) or ()))
    assert missing == [], "run `make translations`: " + "; ".join(missing[:5])


def outbox(address):
    db.session.expire_all()
    return db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.to_address == address).order_by(OutboxMessage.id)).all()


def test_each_person_gets_e_mails_in_the_language_they_used(client):
    client.set_cookie("lang", "en")
    feature = {"type": "Feature", "geometry": {"type": "Point",
                                               "coordinates": [2.288496, 48.737178]},
               "properties": {"kind": "gusp", "category": "tags", "email": "author@example.org",
                              "description": "Tag on the wall"}}
    created = client.post("/api/v1/items", json=feature,
                          headers={"Idempotency-Key": str(uuid.uuid4())})
    assert created.status_code == 201
    (received,) = outbox("author@example.org")
    assert received.subject.startswith("Arpenteur: your report no.")
    assert "tracking link" in received.body

    item = db.session.get(Item, created.get_json()["id"])
    moderate_item(make_user("moderator"), item, "publish")
    follow_item(None, item, "voisine@example.org", locale="fr")
    agent = make_user("agent", "ville-antony", email="agent@ville.example")
    agent.locale = "en"
    db.session.commit()
    triage.route_item(coordinator(), item, item.suggested_organisation)
    db.session.commit()
    assert outbox("agent@ville.example")[-1].subject.startswith("Arpenteur: report no.")
    assert outbox("author@example.org")[-1].subject.endswith("— Routed")
    assert "— Transmis" in outbox("voisine@example.org")[-1].subject


def test_sign_up_and_reset_e_mails_follow_the_page_s_language(client):
    client.set_cookie("lang", "en")
    sign_up(client, "new-resident@example.org")
    forgot(client, "nobody@example.org")
    assert outbox("new-resident@example.org")[-1].subject == (
        "Arpenteur: confirm your address to create your account")
    assert outbox("nobody@example.org")[-1].subject == "Arpenteur: no account for this address"


def test_an_account_s_language_is_the_one_it_signs_in_with_or_switches_to(client, auth):
    client.set_cookie("lang", "en")
    user = auth.login("agent", "hbh")
    db.session.expire_all()
    assert db.session.get(User, user.id).locale == "en"
    client.get("/langue/fr")
    db.session.expire_all()
    assert db.session.get(User, user.id).locale == "fr"
