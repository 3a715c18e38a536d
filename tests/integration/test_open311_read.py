"""Reading Open311 requests: public items and public fields only, in JSON and in XML."""

from datetime import timedelta

import pytest

from app.clock import utcnow
from app.extensions import db
from app.items.services import set_category_publicity
from app.items.status import transition
from app.moderation import services as moderation
from app.places.models import Place
from app.triage import services as triage
from tests import images
from tests.conftest import INSIDE, make_item, make_user
from tests.open311 import BASE, error_descriptions, read
from tests.workflow import coordinator, routed_item

FORMATS = ["json", "xml"]


def requests(client, fmt, **query):
    response = client.get(f"{BASE}/requests.{fmt}", query_string=query)
    assert response.status_code == 200, response.get_data(as_text=True)
    return read(response, fmt)


def ids(payload):
    return [int(request["service_request_id"]) for request in payload]


def backdate(item, days):
    item.created_at = utcnow() - timedelta(days=days)
    db.session.commit()


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_public_request_carries_every_field_of_the_specification(client, fmt):
    agent = make_user("agent", "ville-antony")
    item = routed_item("ville-antony", publish=True, photos=[("p.jpg", images.jpeg())])
    moderation.moderate_photo(coordinator(), item.photos[0], "publish")
    planned = utcnow().date() + timedelta(days=20)
    triage.plan_item(agent, item, planned, note="Passage de la balayeuse mardi")
    db.session.commit()
    (request,) = requests(client, fmt)
    assert request["service_request_id"] == str(item.id)
    assert request["status"] == "open"
    assert request["status_notes"] == "Passage de la balayeuse mardi"
    assert (request["service_code"], request["service_name"]) == ("proprete", "Propreté")
    assert request["description"] == "Sacs au pied du hall"
    assert request["agency_responsible"] == "Ville d'Antony"
    assert request["expected_datetime"] in (f"{planned}T00:00:00+01:00",
                                            f"{planned}T00:00:00+02:00")
    assert request["requested_datetime"].endswith(("+01:00", "+02:00"))
    assert request["updated_datetime"] >= request["requested_datetime"]
    assert (float(request["long"]), float(request["lat"])) == INSIDE
    assert request["address"]  # the nearest named place
    assert request["media_url"] == f"http://localhost/photos/{item.photos[0].id}"
    with client.get(request["media_url"]) as photo:
        assert photo.status_code == 200
    assert set(request) == {
        "service_request_id", "status", "status_notes", "service_name", "service_code",
        "description", "agency_responsible", "service_notice", "requested_datetime",
        "updated_datetime", "expected_datetime", "address", "address_id", "zipcode", "lat",
        "long", "media_url"}


@pytest.mark.parametrize("fmt", FORMATS)
def test_one_request_by_id_and_404_for_anything_not_public(client, fmt):
    public = make_item(publish=True)
    pending = make_item()
    hidden = make_item()
    moderation.moderate_item(coordinator(), hidden, "hide", "données personnelles")
    db.session.commit()
    assert ids(read(client.get(f"{BASE}/requests/{public.id}.{fmt}"), fmt)) == [public.id]
    for item_id in (pending.id, hidden.id, 424242, 99999999999):
        error_descriptions(client.get(f"{BASE}/requests/{item_id}.{fmt}"), fmt, 404)


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_pending_hidden_or_staff_only_item_is_ever_listed(client, fmt):
    public = make_item(publish=True)
    make_item()
    hidden = make_item()
    moderation.moderate_item(coordinator(), hidden, "hide", "insulte")
    staff_only = make_item(publish=True, category="tags")
    set_category_publicity(make_user("admin"), "tags", "staff")
    db.session.commit()
    listed = requests(client, fmt)
    assert ids(listed) == [public.id]
    every_id = ",".join(str(i) for i in (public.id, hidden.id, staff_only.id))
    assert ids(requests(client, fmt, service_request_id=every_id)) == [public.id]
    error_descriptions(client.get(f"{BASE}/requests/{staff_only.id}.{fmt}"), fmt, 404)


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_personal_field_or_internal_note_ever_appears(client, fmt):
    item = make_item(publish=True, email="habitante@example.org")
    triage.route_item(coordinator(), item, item.suggested_organisation)
    item.events[-1].internal_note = "Mme Martin, 3e étage, appelle souvent"
    db.session.commit()
    for path in (f"requests.{fmt}", f"requests/{item.id}.{fmt}",
                 f"servicerequestupdates.{fmt}"):
        body = client.get(f"{BASE}/{path}").get_data(as_text=True)
        assert str(item.id) in body
        for secret in ("habitante@example.org", "Mme Martin", item.tracking_token,
                       "coordination@example.org"):
            assert secret not in body


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_generalised_item_shows_its_generalised_point_and_the_place_near_it(client, fmt):
    exact = (2.28812, 48.73743)
    item = make_item(category="tranquillite", where=exact, publish=True)
    (request,) = requests(client, fmt)
    shown = (float(request["long"]), float(request["lat"]))
    assert shown != exact
    public = client.get(f"/api/v1/items/{item.id}").get_json()["geometry"]["coordinates"]
    assert list(shown) == public  # the one public view, whatever the door


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_generalised_request_names_no_door_as_its_address(client, fmt):
    db.session.add_all([
        Place(name="Entrée 3, bâtiment B", kind="entrance", lon=INSIDE[0], lat=INSIDE[1],
              source="test"),
        Place(name="Mont Blanc (bus)", kind="stop", lon=2.2890, lat=48.7371, source="test")])
    db.session.commit()
    plain = make_item(publish=True, description="Sacs")
    hidden_door = make_item(category="tranquillite", publish=True, description="Hall squatté",
                            residence="Les Baconnets", building="B", entrance="3",
                            floor="RDC")
    by_id = {int(r["service_request_id"]): r for r in requests(client, fmt)}
    assert by_id[plain.id]["address"] == "Entrée 3, bâtiment B"
    assert by_id[hidden_door.id]["address"] == "Mont Blanc (bus)"
    body = client.get(f"{BASE}/requests/{hidden_door.id}.{fmt}").get_data(as_text=True)
    assert "Entrée 3" not in body and "RDC" not in body


@pytest.mark.parametrize("fmt", FORMATS)
def test_verified_rejected_and_duplicate_are_closed_everything_else_open(client, fmt):
    open_item = make_item(publish=True)
    rejected = make_item(publish=True)
    triage.act_on_item(coordinator(), rejected, "rejected", note="Hors périmètre d'action")
    db.session.commit()
    assert ids(requests(client, fmt, status="open")) == [open_item.id]
    assert ids(requests(client, fmt, status="closed")) == [rejected.id]
    assert set(ids(requests(client, fmt, status="open,closed"))) == {open_item.id, rejected.id}
    closed = requests(client, fmt, service_request_id=str(rejected.id))[0]
    assert (closed["status"], closed["status_notes"]) == ("closed", "Hors périmètre d'action")


@pytest.mark.parametrize("fmt", FORMATS)
def test_filters_by_service_code_and_date_window(client, fmt):
    tags = make_item(publish=True, category="tags")
    old = make_item(publish=True)
    backdate(old, 100)
    recent = make_item(publish=True)
    assert ids(requests(client, fmt)) == [recent.id, tags.id]  # the last 90 days by default
    assert ids(requests(client, fmt, service_code="tags")) == [tags.id]
    assert set(ids(requests(client, fmt, service_code="tags,proprete"))) == {tags.id, recent.id}
    start = (utcnow() - timedelta(days=120)).isoformat() + "Z"
    end = (utcnow() - timedelta(days=60)).isoformat() + "+00:00"
    assert ids(requests(client, fmt, start_date=start, end_date=end)) == [old.id]
    assert ids(requests(client, fmt, start_date=start)) == [old.id]  # 90 days from start
    assert ids(requests(client, fmt, end_date=end)) == [old.id]  # 90 days until end


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("query, expected", [
    ({"start_date": "2026-01-01T00:00:00+01:00", "end_date": "2026-04-02T00:00:00+01:00"},
     "90 jours"),
    ({"start_date": "2026-03-01T00:00:00Z", "end_date": "2026-02-01T00:00:00Z"}, "postérieure"),
    ({"start_date": "hier"}, "ISO 8601"),
    ({"end_date": "0001-01-01T00:00:00+14:00"}, "ISO 8601"),
    ({"status": "ouvert"}, "status"),
    ({"service_code": "licornes"}, "service_code"),
    ({"service_request_id": "12,abc"}, "service_request_id"),
    ({"service_request_id": "99999999999"}, "service_request_id"),
])
def test_malformed_filters_are_a_400(client, fmt, query, expected):
    response = client.get(f"{BASE}/requests.{fmt}", query_string=query)
    assert any(expected in d for d in error_descriptions(response, fmt, 400))


@pytest.mark.parametrize("fmt", FORMATS)
def test_updates_let_a_client_follow_every_public_move_in_a_window(client, fmt):
    item = routed_item("hbh", publish=True)
    agent = make_user("agent", "hbh")
    transition(item, "acknowledged", agent, note="Vu, passage prévu")
    make_item()  # pending: its moves stay unseen
    db.session.commit()
    updates = read(client.get(f"{BASE}/servicerequestupdates.{fmt}"), fmt)
    assert [u["update_id"] for u in updates] == [f"{item.id}_{n}" for n in (1, 2, 3)]
    assert [u["external_status_code"] for u in updates] == ["new", "routed", "acknowledged"]
    assert {u["service_request_id"] for u in updates} == {str(item.id)}
    assert updates[-1]["description"] == "Vu, passage prévu"
    assert all(u["status"] == "open" and u["updated_datetime"].endswith(("+01:00", "+02:00"))
               for u in updates)
    later = (utcnow() + timedelta(hours=1)).isoformat() + "Z"
    assert read(client.get(f"{BASE}/servicerequestupdates.{fmt}",
                           query_string={"start_date": later}), fmt) in ([], None)
    too_long = {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"}
    error_descriptions(client.get(f"{BASE}/servicerequestupdates.{fmt}",
                                  query_string=too_long), fmt, 400)


def test_a_published_request_created_through_open311_is_then_readable(client):
    from tests.open311 import api_key

    created = client.post(f"{BASE}/requests.json", data={
        "api_key": api_key(), "service_code": "eclairage", "lat": "48.737178",
        "long": "2.288496", "description": "Lampadaire éteint"}).get_json()[0]
    request_id = int(created["service_request_id"])
    error_descriptions(client.get(f"{BASE}/requests/{request_id}.json"), "json", 404)
    from app.items.models import Item

    moderation.moderate_item(coordinator(), db.session.get(Item, request_id), "publish")
    db.session.commit()
    (request,) = read(client.get(f"{BASE}/requests/{request_id}.json"), "json")
    assert request["description"] == "Lampadaire éteint"


@pytest.mark.parametrize("fmt", FORMATS)
def test_text_from_the_other_doors_comes_out_escaped_and_well_formed(client, fmt):
    text = 'Tags <b>"énormes"</b> & </description><x>\x01 fin'
    make_item(publish=True, description=text)
    (request,) = requests(client, fmt)  # read() parses the XML: it must be well formed
    assert request["description"] == (text if fmt == "json" else text.replace("\x01", ""))
