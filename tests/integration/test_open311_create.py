"""POST /open311/v2/requests: an API key, the same capture rules as every other door, the
specification's errors, a rate limit per key, every use logged."""

import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from sqlalchemy import func, select

from app.api.open311.models import Open311Request
from app.apikeys import services as keys
from app.apikeys.models import ApiKeyUse
from app.extensions import db
from app.items.models import Item
from app.notifications.models import OutboxMessage
from app.places.queries import all_places
from tests.conftest import INSIDE, NEAR, OUTSIDE
from tests.open311 import BASE, api_key, error_descriptions, read

FORMATS = ["json", "xml"]


def params(key, **extra):
    base = {"api_key": key, "service_code": "depots-sauvages", "lat": str(INSIDE[1]),
            "long": str(INSIDE[0]), "description": "Matelas devant l'entrée"}
    base.update(extra)
    return {name: value for name, value in base.items() if value is not None}


def count_items():
    return db.session.scalar(select(func.count(Item.id)))


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_request_creates_a_pending_item_routed_like_any_other(client, fmt):
    key = api_key("Outil de suivi HBH")
    response = client.post(f"{BASE}/requests.{fmt}", data=params(
        key, **{"attribute[residence]": "Résidence du Noyer", "attribute[building]": "B",
                "attribute[severity]": "2", "attribute[danger]": "true",
                "attribute[subcategory]": "encombrants"}))
    assert response.status_code == 201, response.get_data(as_text=True)
    (answer,) = read(response, fmt)
    item = db.session.get(Item, int(answer["service_request_id"]))
    assert (item.kind, item.category, item.subcategory) == ("gusp", "depots-sauvages",
                                                            "encombrants")
    assert (item.status, item.visibility, item.position) == ("new", "pending", "inside")
    assert (item.residence, item.building, item.severity, item.danger) == (
        "Résidence du Noyer", "B", 2, True)
    assert item.suggested_organisation is not None and item.author_id is None
    assert "conseil citoyen" in answer["service_notice"]
    received = db.session.get(Open311Request, item.id)
    assert received.token == answer["token"] and received.key.name == "Outil de suivi HBH"
    assert "Outil de suivi HBH" in item.events[0].internal_note
    assert item.events[0].note == ""


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_token_gives_the_request_id(client, fmt):
    (answer,) = read(client.post(f"{BASE}/requests.{fmt}", data=params(api_key())), fmt)
    (found,) = read(client.get(f"{BASE}/tokens/{answer['token']}.{fmt}"), fmt)
    assert found == {"service_request_id": answer["service_request_id"],
                     "token": answer["token"]}
    error_descriptions(client.get(f"{BASE}/tokens/inconnu.{fmt}"), fmt, 404)


def test_a_place_of_the_list_or_its_exact_name_gives_the_point(client):
    key = api_key()
    mont_blanc = next(p for p in all_places() if p.name.startswith("Mont Blanc"))
    by_id = params(key, lat=None, long=None, address_id=str(mont_blanc.id))
    by_attribute = params(key, lat=None, long=None, **{"attribute[place]": str(mont_blanc.id)})
    by_name = params(key, lat=None, long=None, address_string=mont_blanc.name.upper())
    for data in (by_id, by_attribute, by_name):
        (answer,) = read(client.post(f"{BASE}/requests.json", data=data), "json")
        item = db.session.get(Item, int(answer["service_request_id"]))
        assert (item.place_id, item.lon, item.lat) == (mont_blanc.id, mont_blanc.lon,
                                                       mont_blanc.lat)


def test_a_point_in_the_band_is_accepted_as_abords(client):
    (answer,) = read(client.post(f"{BASE}/requests.json", data=params(
        api_key(), lat=str(NEAR[1]), long=str(NEAR[0]))), "json")
    assert db.session.get(Item, int(answer["service_request_id"])).position == "near"


def test_a_proposal_needs_its_title_and_theme_and_becomes_a_proposal(client):
    key = api_key()
    data = params(key, service_code="proposition", description="Des bancs à l'ombre",
                  **{"attribute[title]": "Bancs", "attribute[theme]": "cadre-de-vie"})
    (answer,) = read(client.post(f"{BASE}/requests.json", data=data), "json")
    item = db.session.get(Item, int(answer["service_request_id"]))
    assert (item.kind, item.title, item.proposal.theme) == ("proposal", "Bancs", "cadre-de-vie")
    missing = client.post(f"{BASE}/requests.json", data=params(key, service_code="proposition"))
    descriptions = error_descriptions(missing, "json", 400)
    assert any("attribute[title]" in d for d in descriptions)
    assert any("attribute[theme]" in d for d in descriptions)


def test_an_email_gets_the_tracking_link_and_names_and_phone_are_not_kept(client):
    client.post(f"{BASE}/requests.json", data=params(
        api_key(), email="habitante@example.org", first_name="Awa", last_name="Diallo",
        phone="0600000000", device_id="phone-1", account_id="compte-7"))
    (item,) = db.session.scalars(select(Item)).all()
    assert item.author_email == "habitante@example.org"
    (message,) = db.session.scalars(select(OutboxMessage)).all()
    assert message.to_address == "habitante@example.org" and "/suivi/" in message.body
    stored = " ".join(str(value) for value in vars(item).values())
    assert "Awa" not in stored and "Diallo" not in stored and "0600000000" not in stored


class Recorder(BaseHTTPRequestHandler):
    hits = []

    def do_GET(self):  # noqa: N802 (http.server's name)
        Recorder.hits.append(self.path)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_a_media_url_is_kept_as_a_link_and_never_fetched(client):
    server = HTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/photo.jpg"
        response = client.post(f"{BASE}/requests.json", data=params(api_key(), media_url=url))
        assert response.status_code == 201
    finally:
        server.shutdown()
        server.server_close()
    (received,) = db.session.scalars(select(Open311Request)).all()
    assert received.media_url == url and url in received.item.events[0].internal_note
    assert received.item.photos == [] and Recorder.hits == []


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("key", [None, "", "o311_not-a-key"])
def test_a_missing_or_unknown_key_is_a_403(client, fmt, key):
    response = client.post(f"{BASE}/requests.{fmt}", data=params(key))
    (description,) = error_descriptions(response, fmt, 403)
    assert "api_key" in description
    assert count_items() == 0


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_revoked_key_is_refused_from_the_next_request(client, fmt):
    raw = api_key()
    assert client.post(f"{BASE}/requests.{fmt}", data=params(raw)).status_code == 201
    keys.revoke_key(None, keys.active_key(raw))
    db.session.commit()
    error_descriptions(client.post(f"{BASE}/requests.{fmt}", data=params(raw)), fmt, 403)
    assert count_items() == 1


BAD_INPUT = [
    ({"service_code": None}, "service_code"),
    ({"service_code": "licornes"}, "licornes"),
    ({"lat": None, "long": None}, "endroit"),
    ({"lat": "quarante-huit"}, "lat et long"),
    ({"lat": "nan", "long": "nan"}, "coordonnées"),
    ({"lat": str(OUTSIDE[1]), "long": str(OUTSIDE[0])}, "hors du quartier"),
    ({"address_id": "999999"}, "lieu"),
    ({"lat": None, "long": None, "address_id": "1x"}, "address_id"),
    ({"lat": None, "long": None, "address_string": "10 rue de Rivoli"}, "address_string"),
    ({"description": "x" * 4001}, "4000"),
    ({"description": "Voir <a href='http://x'>ici</a>"}, "balises"),
    ({"description": "<script>alert(1)</script>"}, "balises"),
    ({"email": "pas-une-adresse"}, "e-mail"),
    ({"media_url": "javascript:alert(1)"}, "media_url"),
    ({"attribute[severity]": "9"}, "attribute[severity]"),
    ({"attribute[danger]": "peut-être"}, "attribute[danger]"),
    ({"attribute[couleur]": "rouge"}, "couleur"),
    ({"attribute[place][]": "1"}, "attribute[code]"),
    ({"attribute": "x"}, "attribute[code]"),
    ({"attribute[building]": "B" * 61}, "60"),
    ({"attribute[title]": "Pas pour ce service"}, "title"),
    ({"attribute[subcategory]": "hall"}, "attribute[subcategory]"),
    ({"description": "nul\x00"}, "description"),
]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("change, expected", BAD_INPUT)
def test_bad_input_is_a_400_that_says_what_is_wrong(client, fmt, change, expected):
    response = client.post(f"{BASE}/requests.{fmt}", data=params(api_key(), **change))
    descriptions = error_descriptions(response, fmt, 400)
    assert any(expected in d for d in descriptions), descriptions
    assert count_items() == 0


def test_a_repeated_parameter_is_refused(client):
    data = {**params(api_key()), "description": ["une fois", "deux fois"]}
    response = client.post(f"{BASE}/requests.json", data=data)
    assert "description" in error_descriptions(response, "json", 400)[0]


@pytest.mark.parametrize("fmt", FORMATS)
def test_another_jurisdiction_is_a_404_even_with_a_good_key(client, fmt):
    response = client.post(f"{BASE}/requests.{fmt}",
                           data=params(api_key(), jurisdiction_id="paris.fr"))
    error_descriptions(response, fmt, 404)
    assert count_items() == 0


def test_requests_count_against_the_key_never_against_the_address(app, client):
    app.config.update(OPEN311_RATE_LIMIT="3 per minute", SUBMISSION_RATE_LIMIT="1 per minute")
    try:
        first, second = api_key("Première"), api_key("Seconde")
        answers = [client.post(f"{BASE}/requests.json", data=params(first)).status_code
                   for _ in range(4)]
        assert answers == [201, 201, 201, 429]
        assert "Trop de tentatives" in error_descriptions(
            client.post(f"{BASE}/requests.xml", data=params(first)), "xml", 429)[0]
        # another key from the same address has its own allowance...
        assert client.post(f"{BASE}/requests.json", data=params(second)).status_code == 201
        # ...and the address's own allowance for residents is untouched
        resident = client.post("/api/v1/items", json={
            "type": "Feature", "geometry": {"type": "Point", "coordinates": list(INSIDE)},
            "properties": {"kind": "gusp", "category": "tags"}})
        assert resident.status_code == 201
    finally:
        app.config.update(OPEN311_RATE_LIMIT="30 per minute;500 per hour",
                          SUBMISSION_RATE_LIMIT="10 per minute;60 per hour")


def test_every_use_of_a_key_is_logged_with_its_answer(client):
    raw = api_key()
    client.post(f"{BASE}/requests.json", data=params(raw))
    client.post(f"{BASE}/requests.xml", data=params(raw, service_code="licornes"))
    client.post(f"{BASE}/requests.json", data=params("o311_unknown"))
    key = keys.active_key(raw)
    uses = db.session.scalars(select(ApiKeyUse).order_by(ApiKeyUse.id)).all()
    assert [(u.key_id, u.method, u.path, u.status) for u in uses] == [
        (key.id, "POST", f"{BASE}/requests.json", 201),
        (key.id, "POST", f"{BASE}/requests.xml", 400)]
    assert key.last_used_at == uses[-1].used_at
