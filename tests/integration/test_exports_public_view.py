"""The exports read each item's public view as SQL over its prepared columns: on a varied set
of items (generalised positions, a staff-only category, moderated or not, a proposal with
supports, gazetteer places as precise as a door or not, every kind, overdue or not), each
role's export is, row by row, what the item's public view (app/items/public_view) gives."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.committee.filters import clauses, read_filters
from app.evaluation.exports import columns_for, export_blocks, property_keys
from app.extensions import db
from app.items.categories import CATEGORIES
from app.items.models import Item
from app.items.permissions import can_see_exact_location
from app.items.public_view import location_of, public_view
from app.items.services import set_category_publicity
from app.items.status import STATUS_LABELS, Status, Visibility
from app.places.models import Place
from app.proposals.services import support_proposal
from app.triage import services as triage
from app.triage.queries import is_overdue
from tests.conftest import INSIDE, NEAR, make_item, make_user
from tests.integration.test_walks import offset
from tests.workflow import planned_walk, routed_item

DETAILS = {"residence": "Résidence du Parc", "building": "B", "entrance": "3", "floor": "2",
           "spot": "=local poubelles"}


def _place(name, kind, where):
    place = Place(name=name, kind=kind, lon=where[0], lat=where[1], source="tests")
    db.session.add(place)
    db.session.commit()
    return place


def _at(item, place):
    item.place_id = place.id
    db.session.commit()
    return item


def varied_items():
    """Items of every kind and publicity, each in a different state."""
    door = _place("Entrée 3, 12 allée des Tilleuls", "entrance", offset(INSIDE, 5, 5))
    square = _place("Square du Noyer Doré", "square", offset(INSIDE, -20, 10))
    sensitive = _at(routed_item("ville-antony", category="tranquillite", publish=True,
                                where=offset(INSIDE, 12, 40), **DETAILS), door)
    _at(routed_item("hbh", category="tranquillite", publish=True,
                    where=offset(INSIDE, -30, 15), title="Rodéos", **DETAILS), square)
    public = _at(routed_item("ville-antony", category="tags", publish=True,
                             title="=HYPERLINK(\"x\")", description="Tag; « grand »\nmur",
                             severity=2, danger=True, **DETAILS), door)
    routed_item("hbh", category="proprete", email="habitante@example.org",
                description="M. Dupont, bât. B")  # moderation has not read it
    staff_only = routed_item("vsgp", category="dechets", publish=True, where=NEAR)
    make_item(kind="dem", category="eclairage", walk=planned_walk().id)  # a night finding
    proposal = make_item(kind="proposal", category="proposition", title="Un banc",
                         description="Près de l'école", publish=True)
    for n in range(2):
        support_proposal(make_user(email=f"soutien-{n}@example.org"), proposal)
    late = routed_item("hbh", category="proprete", publish=True)
    late.acknowledge_due = late.created_at.date() - timedelta(days=3)
    done = routed_item("vsgp", category="tags", where=offset(INSIDE, 30, 90))
    triage.resolve_item(make_user("agent", "vsgp"), done, "Effacé")
    set_category_publicity(make_user("admin", email="publicite@example.org"), "dechets",
                           "staff")
    db.session.commit()
    assert sensitive.public_generalised and not public.public_generalised
    assert staff_only.visibility == Visibility.PUBLIC.value


def expected_row(item, viewer, today):
    """What an exported row of `item` is by the public view, row by row."""
    staff = can_see_exact_location(viewer, item)
    row = public_view(item)
    if staff:
        row.update(vars(location_of(item, exact=True)))
    if item.visibility != Visibility.PUBLIC.value:
        row.update(title=None, description=None)
    row.update(category_label=str(CATEGORIES[item.category].label),
               status_label=str(STATUS_LABELS[Status(item.status)]),
               lon=round(row["lon"], 6), lat=round(row["lat"], 6))
    if staff:
        row.update(organisation=item.organisation.name if item.organisation else None,
                   routed_at=item.routed_at, acknowledge_due=item.acknowledge_due,
                   resolve_due=item.resolve_due, overdue=is_overdue(item, today),
                   returns=item.return_count, answer_days=item.answer_days,
                   resolve_days=item.resolve_days)
    return {key: row[key] for key, _heading in columns_for(viewer)}


def exported_rows(viewer, args):
    filters = read_filters(args, viewer)
    rows = [dict(zip(block, values, strict=True))
            for block in export_blocks(filters, viewer, chunk=3)
            for values in zip(*block.values(), strict=True)]
    return filters, rows


VIEWERS = [("committee", None), ("coordinator", None), ("admin", None),
           ("agent", "hbh"), ("resident", None), (None, None)]


@pytest.mark.parametrize(("role", "org"), VIEWERS)
def test_each_roles_export_is_the_public_view_row_by_row(app, role, org):
    varied_items()
    viewer = make_user(role, org) if role else None
    overdue = [{"status": "all", "overdue": "1"}] if role not in ("resident", None) else []
    with app.test_request_context():
        for args in ({"status": "all"}, {}, *overdue):
            filters, rows = exported_rows(viewer, args)
            items = db.session.scalars(select(Item).where(*clauses(filters, viewer))
                                       .order_by(Item.id)).all()
            assert [row["id"] for row in rows] == [item.id for item in items]
            assert rows == [expected_row(item, viewer, filters.today) for item in items]
    if role is None:
        assert {row["category"] for row in rows} <= {"tags", "tranquillite", "proposition",
                                                     "proprete"}


def test_the_exports_files_hold_the_public_view(client, auth, app):
    """The files themselves: the GeoJSON's features and the CSV's cells are the rows'."""
    varied_items()
    agent = make_user("agent", "hbh")
    for headers, viewer in ((auth.token(user=agent), agent), ({}, None)):
        answer = client.get("/api/v1/exports/items.geojson?status=all", headers=headers)
        features = answer.get_json()["features"]
        with app.test_request_context():
            _filters, rows = exported_rows(viewer, {"status": "all"})
        keys = property_keys(viewer)
        assert [feature["id"] for feature in features] == [row["id"] for row in rows]
        for feature, row in zip(features, rows, strict=True):
            assert feature["geometry"]["coordinates"] == [row["lon"], row["lat"]]
            assert feature["properties"] == {
                key: row[key].isoformat() if hasattr(row[key], "isoformat") else row[key]
                for key in keys}
        assert any(feature["properties"]["generalised"] for feature in features) == (
            viewer is None)  # staff keep the exact point


def test_overdue_items_are_asked_for_by_staff_only(client, auth):
    """Due dates are staff material: the public cannot select on them either."""
    varied_items()
    resident, agent = make_user("resident"), make_user("agent", "hbh")
    for headers, status in (({}, 403), (auth.token(user=resident), 403),
                            (auth.token(user=agent), 200)):
        answer = client.get("/api/v1/exports/items.csv?status=all&overdue=1", headers=headers)
        assert answer.status_code == status
        if status == 403:
            assert "réservé aux organismes" in answer.get_json()["errors"]["overdue"]
        else:  # the one late at the landlord's
            rows = answer.get_data(as_text=True).strip().splitlines()
            assert len(rows) == 2 and "Hauts-de-Bièvre Habitat" in rows[1]
