"""Idempotency keys as an attacker would try them: someone else's key, with an empty or
another body, from another account or anonymously, through the API and the no-JS form,
and the same key from concurrent requests."""

import io
import json
import re
import threading
import uuid

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.items.models import Item
from tests import images
from tests.conftest import INSIDE, NEAR, csrf_token, make_user, page_text

SECRET_TEXT = "Fuite au 3e étage, entrée 2, chez Mme Secret"


def victim_feature(**properties):
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": list(INSIDE)},
            "properties": {"kind": "gusp", "category": "parties-communes",
                           "description": SECRET_TEXT, "email": "victime@example.org",
                           **properties}}


def post(client, body, key, headers=None):
    return client.post("/api/v1/items", json=body,
                       headers={"Idempotency-Key": key, **(headers or {})})


def post_with_photo(client, body, key, photo):
    return client.post("/api/v1/items", data={
        "item": json.dumps(body), "photo": [(io.BytesIO(photo), "p.jpg")]},
        headers={"Idempotency-Key": key}, content_type="multipart/form-data")


def count_items():
    return db.session.scalar(select(func.count(Item.id)))


def reveals_nothing(response, victim):
    text = response.get_data(as_text=True)
    return (SECRET_TEXT not in text and "victime@example.org" not in text
            and victim["tracking_url"] not in text and str(INSIDE[0]) not in text
            and "/photos/" not in text and f'"id": {victim["id"]}' not in text)


@pytest.fixture
def victim(client):
    """An anonymous resident's pending item with a photo, sent under a random key."""
    key = str(uuid.uuid4())
    response = post_with_photo(client, victim_feature(), key, images.jpeg())
    assert response.status_code == 201
    return {**response.get_json(), "key": key}


@pytest.mark.parametrize("body", [
    {"type": "Feature"},
    victim_feature(description="Autre chose"),
    {"type": "Feature", "geometry": None, "properties": {"kind": "gusp"}},
])
def test_someone_elses_key_with_another_body_is_refused_and_reveals_nothing(
        app, victim, body):
    attacker = app.test_client()
    response = post(attacker, body, victim["key"])
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert list(errors) == ["idempotency_key"]
    assert "déjà servi pour un envoi différent" in errors["idempotency_key"]
    assert reveals_nothing(response, victim)
    assert count_items() == 1


def test_the_same_key_from_an_account_is_its_own_and_never_returns_the_anonymous_item(
        app, victim, auth):
    headers = auth.token("resident")
    response = post(app.test_client(), victim_feature(), victim["key"], headers)
    assert response.status_code == 201  # another caller: another item, not the victim's
    body = response.get_json()
    assert body["id"] != victim["id"] and body["tracking_url"] != victim["tracking_url"]
    assert count_items() == 2


def test_two_accounts_using_one_key_each_get_their_own_item(client, auth):
    key = str(uuid.uuid4())
    first = post(client, victim_feature(), key, auth.token(user=make_user("resident")))
    second = post(client, victim_feature(), key,
                  auth.token(user=make_user("resident", email="autre@example.org")))
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.get_json()["id"] != second.get_json()["id"]
    assert first.get_json()["tracking_url"] != second.get_json()["tracking_url"]


def test_an_account_replaying_its_own_request_gets_its_item_and_tracking_link(client, auth):
    headers, key = auth.token("resident"), str(uuid.uuid4())
    first = post(client, victim_feature(), key, headers)
    again = post(client, victim_feature(), key, headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json()["id"] == first.get_json()["id"]
    assert again.get_json()["tracking_url"] == first.get_json()["tracking_url"]
    changed = post(client, victim_feature(severity=3), key, headers)
    assert changed.status_code == 422 and "idempotency_key" in changed.get_json()["errors"]
    assert count_items() == 1


def test_an_anonymous_replay_of_the_same_request_keeps_the_tracking_link(app, victim):
    """A phone resending its queued item (same key, same fields, same photo bytes)."""
    again = post_with_photo(app.test_client(), victim_feature(), victim["key"], images.jpeg())
    assert again.status_code == 200
    assert (again.get_json()["id"], again.get_json()["tracking_url"]) == (
        victim["id"], victim["tracking_url"])
    other_photo = post_with_photo(app.test_client(), victim_feature(), victim["key"],
                                  images.png())
    assert other_photo.status_code == 422 and reveals_nothing(other_photo, victim)
    assert count_items() == 1


@pytest.mark.parametrize("key", ["a b", "short-key-0123456789", "x" * 101, "é" * 40])
def test_keys_that_could_be_guessed_or_are_malformed_are_refused(client, key):
    response = client.post("/api/v1/items", json=victim_feature(),
                           headers={"Idempotency-Key": key.encode().decode("latin-1")})
    assert response.status_code == 422
    assert "32 à 100 caractères" in response.get_json()["errors"]["idempotency_key"]
    assert count_items() == 0


def _concurrently(app, bodies, key):
    answers, barrier = [], threading.Barrier(len(bodies))

    def send(body):
        client = app.test_client()
        barrier.wait()
        answers.append(post(client, body, key))

    threads = [threading.Thread(target=send, args=(body,)) for body in bodies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def test_the_same_request_sent_four_times_at_once_creates_one_item(app):
    answers = _concurrently(app, [victim_feature()] * 4, str(uuid.uuid4()))
    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [200, 200, 200, 201]
    assert len({answer.get_json()["id"] for answer in answers}) == 1
    assert len({answer.get_json()["tracking_url"] for answer in answers}) == 1
    assert count_items() == 1


def test_two_different_requests_racing_on_one_key_create_one_item_and_refuse_the_other(app):
    answers = _concurrently(app, [victim_feature(), victim_feature(description="Autre")],
                            str(uuid.uuid4()))
    assert sorted(answer.status_code for answer in answers) == [201, 422]
    refused = next(answer for answer in answers if answer.status_code == 422)
    assert list(refused.get_json()["errors"]) == ["idempotency_key"]
    assert SECRET_TEXT not in refused.get_data(as_text=True)
    assert count_items() == 1


def _form(client, **fields):
    return {"csrf_token": csrf_token(client, "/signaler"), "kind": "gusp",
            "category": "tags", "lon": str(NEAR[0]), "lat": str(NEAR[1]), **fields}


def test_the_no_js_form_with_someone_elses_key_does_not_open_their_tracking_page(
        app, victim):
    attacker = app.test_client()
    response = attacker.post("/signaler", data=_form(attacker, idempotency_key=victim["key"]))
    assert response.status_code == 422 and "Location" not in response.headers
    page = page_text(response)
    assert "déjà été envoyé avec un autre contenu" in page and reveals_nothing(response, victim)
    fresh = re.search(r'name="idempotency_key" type="hidden" value="([^"]+)"', page).group(1)
    assert fresh != victim["key"]  # sent again, the form makes a new item
    again = attacker.post("/signaler", data=_form(attacker, idempotency_key=fresh))
    assert again.status_code == 302 and victim["tracking_url"] != again.headers["Location"]
    assert count_items() == 2


def test_the_no_js_form_replaces_a_key_that_is_not_its_own(client):
    response = client.post("/signaler", data=_form(client, idempotency_key="guessable"))
    assert response.status_code == 302
    assert db.session.scalar(select(Item.idempotency_key)) != "guessable"


def test_demo_data_keys_are_random(app):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    keys = db.session.scalars(select(Item.idempotency_key)
                              .where(Item.idempotency_key.is_not(None))).all()
    assert len(keys) == 2 and all(uuid.UUID(key).version == 4 for key in keys)
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    assert count_items() == len(db.session.scalars(select(Item.id)).all())
    assert db.session.scalar(select(func.count(Item.id)).where(
        Item.idempotency_key.is_not(None))) == 2  # seeding again adds nothing
