"""POST/GET /api/v1/items: atomic, idempotent capture; visibility; bad input."""

import io
import json
import math
import uuid
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select

from app.auth.services import find_organisation
from app.extensions import db
from app.items.models import Item, Photo
from app.items.status import transition
from app.places.queries import all_places
from tests import images
from tests.conftest import INSIDE, NEAR, OUTSIDE, make_item, make_user


def feature(where=INSIDE, **properties):
    props = {"kind": "gusp", "category": "depots-sauvages",
             "description": "Matelas devant l'entrée", **properties}
    geometry = None if where is None else {"type": "Point", "coordinates": list(where)}
    return {"type": "Feature", "geometry": geometry, "properties": props}


def post(client, body, key=None, **kwargs):
    headers = {"Idempotency-Key": key} if key else {}
    headers.update(kwargs.pop("headers", {}))
    return client.post("/api/v1/items", json=body, headers=headers, **kwargs)


def count_items():
    return db.session.scalar(select(func.count(Item.id)))


def test_an_anonymous_resident_creates_an_item_and_gets_a_tracking_link(client):
    response = post(client, feature(), key=str(uuid.uuid4()))
    assert response.status_code == 201
    body = response.get_json()
    assert response.headers["Location"].endswith(f"/api/v1/items/{body['id']}")
    props = body["properties"]
    assert props["status"] == "new" and props["visibility"] == "pending"
    assert props["position"] == "inside" and props["reference"].endswith(f"{body['id']:05d}")
    assert props["history"][0]["status"] == "new"
    assert "/suivi/" in body["tracking_url"]
    # pending: invisible to the public, visible through the tracking link
    assert client.get(f"/api/v1/items/{body['id']}").status_code == 404
    token = body["tracking_url"].rsplit("/", 1)[1]
    assert client.get(f"/api/v1/items/{body['id']}?suivi={token}").status_code == 200
    assert client.get(body["tracking_url"]).status_code == 200


def test_a_point_in_the_band_is_accepted_as_abords(client):
    response = post(client, feature(NEAR))
    assert response.status_code == 201
    assert response.get_json()["properties"]["position"] == "near"


def test_a_point_outside_is_refused_with_where_to_report_instead(client):
    response = post(client, feature(OUTSIDE))
    assert response.status_code == 422
    message = response.get_json()["errors"]["location"]
    assert "hors du quartier du Noyer Doré" in message and "services de la ville" in message
    assert count_items() == 0


def test_a_place_from_the_list_gives_the_point(client):
    mont_blanc = next(p for p in all_places() if p.name.startswith("Mont Blanc"))
    response = post(client, feature(None, place=mont_blanc.id))
    assert response.status_code == 201
    props = response.get_json()["properties"]
    assert props["place"] == mont_blanc.name
    assert response.get_json()["geometry"]["coordinates"] == [mont_blanc.lon, mont_blanc.lat]


@pytest.mark.parametrize("body, field", [
    (feature(category=None), "category"),
    (feature(category="licornes"), "category"),
    (feature(kind="proposal", category="tags"), "category"),
    (feature(kind="proposal", category="proposition"), "title"),
    (feature(None), "location"),
    (feature([math.nan, 48.73]), "location"),
    (feature([2.28, math.inf]), "location"),
    (feature([200, 48.73]), "location"),
    (feature(["2.28", 48.73]), "location"),
    (feature(description="x" * 4001), "description"),
    (feature(severity=7), "severity"),
    (feature(danger="oui"), "danger"),
    (feature(place=999999), "place"),
    ({"type": "FeatureCollection"}, "item"),
    ("not json at all", "item"),
])
def test_bad_input_is_refused_field_by_field_in_french(client, body, field):
    if isinstance(body, str):
        response = client.post("/api/v1/items", data=body, content_type="application/json")
    else:
        response = client.post("/api/v1/items", data=json.dumps(body, allow_nan=True),
                               content_type="application/json")
    assert response.status_code == 422
    assert field in response.get_json()["errors"]
    assert count_items() == 0


def test_hostile_text_is_stored_as_typed_and_escaped_on_every_page(client):
    script = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    item = make_item(description=script, publish=True)
    api = client.get(f"/api/v1/items/{item.id}").get_json()
    assert api["properties"]["description"] == script  # JSON carries text; JS uses textContent
    for path in (f"/signalements/{item.id}", "/signalements"):
        page = client.get(path).get_data(as_text=True)
        assert "<script>alert" not in page and "&lt;script&gt;" in page


def _multipart(client, photos, key=None, item=None):
    data = {"item": json.dumps(item or feature())}
    data["photo"] = [(io.BytesIO(content), name) for name, content in photos]
    headers = {"Idempotency-Key": key} if key else {}
    return client.post("/api/v1/items", data=data, headers=headers,
                       content_type="multipart/form-data")


def test_multipart_with_photos_strips_their_metadata_and_serves_them_by_visibility(app, client):
    response = _multipart(client, [("IMG_0001.jpg", images.jpeg()), ("plan.png", images.png())])
    assert response.status_code == 201
    body = response.get_json()
    photos = body["properties"]["photos"]
    assert len(photos) == 2 and all("suivi=" in p["url"] for p in photos)
    stored = db.session.scalars(select(Photo)).all()
    for photo in stored:
        path = Path(app.config["UPLOAD_DIR"]) / photo.stored_name
        with Image.open(path) as stored_image:
            assert dict(stored_image.getexif()) == {}
        assert "static" not in str(path)
    url = photos[0]["url"]
    with client.get(url) as own:
        assert own.status_code == 200  # the author, through the tracking link
    assert client.get(url.split("?")[0]).status_code == 404  # anyone else, before moderation


def test_a_bad_photo_refuses_the_whole_item_atomically(client):
    response = _multipart(client, [("ok.jpg", images.jpeg()), ("faux.jpg", b"MZ\x90 not")])
    assert response.status_code == 422
    assert "faux.jpg" in response.get_json()["errors"]["photo"]
    assert count_items() == 0 and db.session.scalar(select(func.count(Photo.id))) == 0


def test_a_fourth_photo_is_refused(client):
    response = _multipart(client, [(f"p{i}.jpg", images.jpeg(gps=False)) for i in range(4)])
    assert response.status_code == 422
    assert response.get_json()["errors"]["photo"] == "Trois photos au plus."


def test_a_flood_from_one_address_is_rate_limited_but_not_staff_entering_for_residents(client,
                                                                                      auth):
    answers = [post(client, feature()).status_code for _ in range(11)]
    assert answers[:10] == [201] * 10 and answers[10] == 429
    assert "Trop de tentatives" in post(client, feature()).get_json()["errors"]["_"]
    staff = auth.token("coordinator")
    assert post(client, feature(on_behalf=True), headers=staff).status_code == 201


def test_the_bbox_list_shows_public_items_only_without_personal_data(client, auth):
    public = make_item(publish=True, email="habitant@example.org")
    make_item(description="en attente")
    body = client.get("/api/v1/items?bbox=2.28,48.73,2.30,48.75").get_json()
    assert [f["id"] for f in body["features"]] == [public.id]
    assert "author_email" not in json.dumps(body) and "habitant@" not in json.dumps(body)
    staff = client.get("/api/v1/items", headers=auth.token("moderator")).get_json()
    assert len(staff["features"]) == 2


def test_the_bbox_filters_by_place_kind_and_category(client):
    make_item(publish=True)
    make_item(publish=True, where=NEAR, category="transports")
    north = client.get("/api/v1/items?bbox=2.28,48.739,2.30,48.75").get_json()["features"]
    assert [f["properties"]["category"] for f in north] == ["transports"]
    only = client.get("/api/v1/items?category=proprete&kind=gusp").get_json()["features"]
    assert [f["properties"]["category"] for f in only] == ["proprete"]


@pytest.mark.parametrize("query", ["bbox=1,2,3", "bbox=a,b,c,d", "bbox=3,48,2,49",
                                   "bbox=nan,1,2,3", "status=flying"])
def test_a_malformed_filter_is_422(client, query):
    assert client.get(f"/api/v1/items?{query}").status_code == 422


def test_an_agent_sees_public_items_and_those_routed_to_their_organisation_only(client, auth):
    mine = make_item()
    theirs = make_item()
    coordinator = make_user("coordinator")
    for item, code in ((mine, "hbh"), (theirs, "vsgp")):
        item.organisation = find_organisation(code)
        transition(item, "routed", coordinator)
    db.session.commit()
    headers = auth.token("agent", "hbh")
    assert client.get(f"/api/v1/items/{mine.id}", headers=headers).status_code == 200
    assert client.get(f"/api/v1/items/{theirs.id}", headers=headers).status_code == 404
    ids = [f["id"] for f in client.get("/api/v1/items", headers=headers).get_json()["features"]]
    assert ids == [mine.id]


def test_nearby_items_of_the_same_category_within_50_m(client):
    near = make_item(publish=True, where=(2.2885, 48.7372))
    make_item(publish=True, where=(2.2885, 48.7380))  # ~90 m north
    make_item(publish=True, where=(2.2886, 48.7372), category="tags")
    found = client.get("/api/v1/items/nearby?lon=2.28855&lat=48.7372&category=proprete")
    features = found.get_json()["features"]
    assert [f["id"] for f in features] == [near.id]
    assert features[0]["properties"]["distance_m"] <= 5


def test_moi_aussi_follows_a_public_item_once_per_person(client, auth):
    item = make_item(publish=True)
    assert client.post(f"/api/v1/items/{item.id}/followers", json={}).status_code == 201
    headers = auth.token("resident")
    assert client.post(f"/api/v1/items/{item.id}/followers", headers=headers).status_code == 201
    assert client.post(f"/api/v1/items/{item.id}/followers", headers=headers).status_code == 200
    pending = make_item()
    assert client.post(f"/api/v1/items/{pending.id}/followers").status_code == 404


def test_only_moderators_publish(client, auth):
    item = make_item()
    assert client.post(f"/api/v1/items/{item.id}/moderation",
                       json={"action": "publish"}).status_code == 401
    assert client.post(f"/api/v1/items/{item.id}/moderation", json={"action": "publish"},
                       headers=auth.token("agent", "hbh")).status_code == 403
    response = client.post(f"/api/v1/items/{item.id}/moderation", json={"action": "publish"},
                           headers=auth.token("moderator"))
    assert response.status_code == 200 and response.get_json()["properties"]["visibility"] == (
        "public")


def test_a_signed_in_resident_is_the_author(client, auth):
    user = make_user("resident", email="moi@example.org")
    response = post(client, feature(), headers=auth.token(user=user))
    item = db.session.get(Item, response.get_json()["id"])
    assert item.author_id == user.id


def test_an_email_given_at_capture_receives_the_tracking_link(client):
    from app.notifications.models import OutboxMessage

    body = post(client, feature(email="habitante@example.org"), key=str(uuid.uuid4())).get_json()
    (message,) = db.session.scalars(select(OutboxMessage)).all()
    assert message.to_address == "habitante@example.org"
    assert body["tracking_url"].split("/suivi/")[1] in message.body
    assert f"n° {body['properties']['reference']}" in message.subject


def test_a_bbox_cannot_find_the_exact_point_of_a_generalised_item(client, auth):
    exact = (2.28812, 48.73743)
    item = make_item(category="tranquillite", where=exact, publish=True)
    shown = client.get(f"/api/v1/items/{item.id}").get_json()["geometry"]["coordinates"]
    assert shown != list(exact)
    tiny = 0.00003  # a box of a few metres around the exact point only
    around_exact = f"{exact[0] - tiny},{exact[1] - tiny},{exact[0] + tiny},{exact[1] + tiny}"
    around_shown = f"{shown[0] - tiny},{shown[1] - tiny},{shown[0] + tiny},{shown[1] + tiny}"
    assert client.get(f"/api/v1/items?bbox={around_exact}").get_json()["features"] == []
    assert [f["id"] for f in client.get(f"/api/v1/items?bbox={around_shown}").get_json()[
        "features"]] == [item.id]
    staff = client.get(f"/api/v1/items?bbox={around_exact}", headers=auth.token("coordinator"))
    assert [f["id"] for f in staff.get_json()["features"]] == [item.id]
