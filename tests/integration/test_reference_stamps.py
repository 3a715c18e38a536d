"""What each worker keeps prepared between requests (perimeters, land tenure zones, the
publicity of categories) is checked against stamps read in one statement, so a change made
by another worker or the CLI is seen at the next request, and one made in the same
session at its next read."""

from sqlalchemy import delete, insert, update

from app.auth.services import find_organisation
from app.extensions import db
from app.items.models import CategoryPublicity, Item
from app.items.public_view import publicity_of
from app.routing.models import RoutingRule, TenureZone
from tests.conftest import INSIDE
from tests.statements import counted_statements
from tests.workflow import square


def report(client, category="tags"):
    """A new item at INSIDE, through the JSON API; the item as stored."""
    response = client.post("/api/v1/items", json={
        "type": "Feature", "geometry": {"type": "Point", "coordinates": list(INSIDE)},
        "properties": {"kind": "gusp", "category": category, "description": "Encore"}})
    assert response.status_code == 201, response.get_json()
    db.session.expire_all()
    return db.session.get(Item, response.get_json()["id"])


def elsewhere(statement):
    """Run `statement` on a connection of its own, committed: another worker's change."""
    with db.engine.begin() as connection:
        connection.execute(statement)


def test_a_publicity_changed_by_another_worker_is_followed_at_the_next_item(client):
    assert report(client).public_generalised is False
    table = CategoryPublicity.__table__
    elsewhere(insert(table).values(category="tags", publicity="generalised"))
    assert report(client).public_generalised is True
    # Changed back: the same number of rows, the same second, only the value differs.
    elsewhere(update(table).where(table.c.category == "tags").values(
        publicity="public", updated_at=CategoryPublicity.updated_at))
    assert report(client).public_generalised is False


def test_a_tenure_zone_drawn_by_another_worker_routes_the_next_item(client):
    assert report(client, "proprete").suggested_organisation.code == "ville-antony"
    elsewhere(insert(TenureZone.__table__).values(
        owner_id=find_organisation("hbh").id, name="Résidence", source="tests",
        geometry=square(*INSIDE, 0.0005)))
    assert report(client, "proprete").suggested_organisation.code == "hbh"


def test_an_item_entered_by_staff_costs_one_statement_for_their_token(client, auth):
    staff = auth.token("coordinator")
    body = {"type": "Feature", "geometry": {"type": "Point", "coordinates": list(INSIDE)},
            "properties": {"kind": "gusp", "category": "proprete", "on_behalf": True}}
    assert client.post("/api/v1/items", json=body, headers=staff).status_code == 201
    with counted_statements() as statements:  # the token's use is noted once a minute
        created = client.post("/api/v1/items", json=body, headers=staff)
    assert created.status_code == 201
    assert created.get_json()["properties"]["suggested_organisation"] == "ville-antony"
    # the token with its user, the stamps, the item, its history row, its prepared texts
    assert len(statements) == 5, "\n".join(s[:60] for s in statements)
    assert "api_token" in statements[0]


def test_a_routing_rule_changed_by_another_worker_routes_the_next_item(client):
    assert report(client, "proprete").suggested_organisation.code == "ville-antony"
    table = RoutingRule.__table__
    rule = (table.c.category == "proprete") & (table.c.land == "public")
    city = find_organisation("ville-antony").id
    try:
        elsewhere(update(table).where(rule).values(organisation_id=find_organisation("vsgp").id))
        assert report(client, "proprete").suggested_organisation.code == "vsgp"
        elsewhere(delete(table).where(rule))
        assert report(client, "proprete").suggested_organisation is None
    finally:  # the routing table is reference data the other tests start from
        elsewhere(delete(table).where(rule))
        elsewhere(insert(table).values(category="proprete", land="public",
                                       organisation_id=city))


def test_a_change_in_the_same_session_is_seen_at_its_next_read():
    assert publicity_of("tags") == "public"
    db.session.add(CategoryPublicity(category="tags", publicity="staff"))
    db.session.flush()
    assert publicity_of("tags") == "staff"
    db.session.execute(update(CategoryPublicity).values(publicity="generalised"))
    assert publicity_of("tags") == "generalised"
    db.session.rollback()
    assert publicity_of("tags") == "public"


def test_creating_an_item_reads_the_reference_stamps_once(client):
    report(client)
    with counted_statements() as statements:
        created = client.post("/api/v1/items", json={
            "type": "Feature", "geometry": {"type": "Point", "coordinates": list(INSIDE)},
            "properties": {"kind": "gusp", "category": "tags", "description": "Encore"}})
    assert created.status_code == 201
    stamps = [s for s in statements if "category_publicity" in s]
    assert len(stamps) == 1
    assert "perimeter" in stamps[0] and "tenure_zone" in stamps[0]
    assert "routing_rule" in stamps[0]
    # the stamps (the routing table with them), the item, its first history row, its
    # prepared texts
    assert len(statements) == 4, "\n".join(s[:60] for s in statements)
