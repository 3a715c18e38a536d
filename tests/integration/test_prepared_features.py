"""What the public map and list join: each item's public feature, prepared as text when the
item changes. After every kind of change the stored texts are what a fresh build from the
public view gives, and the public answers are, item for item, the features built from the
items as before the texts were stored (generalised positions included)."""

import json

import flask_migrate
import pytest
from sqlalchemy import select, text, update

from app.account.services import delete_account
from app.auth.models import Organisation
from app.extensions import db
from app.geo.files import read_perimeters
from app.items.models import Item, band_of
from app.items.permissions import can_see_exact_location
from app.items.prepared import TEXTS, dumps, map_feature, prepared_texts, support_counts
from app.items.public_view import location_of
from app.items.schemas import feature_collection
from app.items.services import set_category_publicity
from app.moderation.services import edit_text, moderate_item
from app.perimeters.services import save_perimeters
from app.places.models import Place
from app.proposals.services import submit_proposal, support_proposal
from app.triage.services import act_on_item, route_item
from tests.conftest import INSIDE, PASSWORD, PERIMETER_FILE, make_item, make_user
from tests.integration.test_public_view import build_dataset, empty_app  # noqa: F401
from tests.integration.test_walks import MONT_BLANC, make_walk, offset

EVERYWHERE = "-180,-90,180,90"


def assert_prepared_as_built():
    """Every item's stored texts are those a fresh build from its public view gives, and
    its band the one of the latitude it is shown at (what the public map's index finds)."""
    db.session.expire_all()
    items = db.session.scalars(select(Item).order_by(Item.id)).all()
    supports = support_counts([item.id for item in items])
    stored = {row.id: {name: getattr(row, name) for name in TEXTS} for row in
              db.session.execute(select(Item.id, *(getattr(Item, n) for n in TEXTS)))}
    assert items
    for item in items:
        assert stored[item.id] == prepared_texts(item, supports.get(item.id, 0)), item
        assert item.public_band == band_of(item.public_lat), item


def assert_served_as_built(app, client):
    """The public list is, item for item, the features built from the items; the map's
    lean features hold the same positions, codes and titles."""
    answer = client.get(f"/api/v1/items?bbox={EVERYWHERE}")
    lean = client.get(f"/api/v1/items?bbox={EVERYWHERE}&fields=map").get_json()
    assert answer.status_code == 200
    served = answer.get_json()
    with app.test_request_context():
        public = db.session.scalars(select(Item).where(Item.visibility == "public")
                                    .order_by(Item.created_at.desc(), Item.id.desc())).all()
        visible = [item for item in public if item.category != "nuisibles"]
        built = json.loads(json.dumps(feature_collection(visible)))
    assert served["features"] == built["features"]
    assert served["numberMatched"] == served["numberReturned"] == len(visible)
    assert [f["id"] for f in lean["features"]] == [f["id"] for f in built["features"]]
    for thin, full in zip(lean["features"], built["features"], strict=True):
        assert thin["geometry"]["coordinates"] == [round(c, 6) for c in
                                                   full["geometry"]["coordinates"]]
        props = full["properties"]
        assert thin["properties"] == {
            "reference": props["reference"], "category": props["category"],
            "status": props["status"], **({"title": props["title"]} if props["title"] else {})}
        assert lean["labels"]["category"][props["category"]] == props["category_label"]
        assert lean["labels"]["status"][props["status"]] == props["status_label"]
        assert lean["item_url"] + str(thin["id"]) == props["url"]


def test_every_writer_leaves_the_stored_features_as_a_fresh_build(app, client, auth):
    items = build_dataset()  # walks, generalised categories, a staff-only one, publicity
    assert_prepared_as_built()
    assert_served_as_built(app, client)
    coordinator = make_user("coordinator", email="prepared-coord@x.org")
    moderator = make_user("moderator", email="prepared-modo@x.org")
    report = items["report-plain"]
    hbh, city = (db.session.scalar(select(Organisation).where(Organisation.code == code))
                 for code in ("hbh", "ville-antony"))
    route_item(coordinator, report, hbh, reason="Parties communes")
    db.session.commit()
    route_item(coordinator, report, city, reason="Voirie en fait")  # re-routing
    act_on_item(make_user("agent", org="ville-antony"), report, "acknowledged")
    db.session.commit()
    assert_prepared_as_built()
    edit_text(moderator, report, "title", "Sacs d'ordures — hall B", "Titre plus clair")
    moderate_item(moderator, items["report-near-the-perimeter"], "hide", "Hors sujet")
    db.session.commit()
    assert_prepared_as_built()
    place = Place(name="Square Mont-Blanc", kind="square", lon=INSIDE[0], lat=INSIDE[1],
                  source="test")
    db.session.add(place)
    db.session.commit()
    named = make_item(place=place.id, publish=True, title="Banc cassé")
    place.name = "Square du Mont-Blanc"  # an administrator renames the place
    db.session.commit()
    assert_prepared_as_built()
    author = make_user("resident", email="prepared-author@x.org")
    proposal, _token, _created = submit_proposal(
        author, {"title": "Des bancs", "description": "Des bancs sur la dalle", "lon": INSIDE[0],
                 "lat": INSIDE[1]}, theme="cadre-de-vie")
    moderate_item(moderator, proposal, "publish")
    db.session.commit()
    for number in range(2):
        support_proposal(make_user("resident", email=f"supporter-{number}@x.org"), proposal)
        db.session.commit()
    assert_prepared_as_built()
    walk = make_walk(type="nuit", title="Marche de nuit")
    finding = make_item(actor=author, where=offset(MONT_BLANC, 12, 45), kind="dem",
                        walk=walk.id, category="eclairage", publish=True)
    moved = client.patch(f"/api/v1/walks/{walk.id}/findings/{finding.id}",
                         json={"stop": walk.stops[2].id},
                         headers=auth.token(user=coordinator))
    assert moved.status_code == 200
    admin = make_user("admin", email="prepared-admin@x.org")
    set_category_publicity(admin, "eclairage", "generalised")
    db.session.commit()
    assert_prepared_as_built()
    delete_account(author, PASSWORD)  # the author's items stay, anonymous
    db.session.commit()
    assert_prepared_as_built()
    assert_served_as_built(app, client)
    assert named.id in [f["id"] for f in client.get(
        f"/api/v1/items?bbox={EVERYWHERE}").get_json()["features"]]


def test_items_inserted_outside_the_app_are_served_and_prepared_by_the_command(app, client):
    items = [make_item(publish=True, title=f"Constat {n}", where=offset(INSIDE, 10 * n, 45))
             for n in range(3)]
    make_item(publish=True, category="tranquillite", where=offset(INSIDE, 20, 120))
    before = client.get(f"/api/v1/items?bbox={EVERYWHERE}").get_data(as_text=True)
    db.session.execute(update(Item).values(public_feature=None, map_feature=None)
                       .execution_options(synchronize_session=False))
    db.session.commit()
    assert json.loads(client.get(f"/api/v1/items?bbox={EVERYWHERE}").get_data()) == (
        json.loads(before))  # built at the read meanwhile, never skipped
    db.session.execute(update(Item).values(public_band=0)  # bands of another band height
                       .execution_options(synchronize_session=False))
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["items", "prepare", "--batch", "2"])
    assert result.exit_code == 0, result.output
    assert "4 item(s) prepared" in result.output
    assert db.session.scalar(select(Item.id).where(Item.public_feature.is_(None))) is None
    assert_prepared_as_built()
    assert_served_as_built(app, client)
    assert len(items) == 3


def test_the_prepare_command_says_when_to_run_it(app):
    result = app.test_cli_runner().invoke(args=["items", "prepare", "--help"])
    assert result.exit_code == 0
    assert "after an upgrade that changed what the public is shown" in result.output
    refused = app.test_cli_runner().invoke(args=["items", "prepare", "--batch", "0"])
    assert refused.exit_code != 0


def test_staff_get_the_lean_map_at_the_exact_point(client, auth):
    item = make_item(category="tranquillite", publish=True, where=offset(INSIDE, 13, 77))
    public = client.get(f"/api/v1/items?bbox={EVERYWHERE}&fields=map").get_json()
    staff = client.get(f"/api/v1/items?bbox={EVERYWHERE}&fields=map",
                       headers=auth.token("coordinator")).get_json()
    shown = location_of(item)
    assert public["features"][0]["geometry"]["coordinates"] == [
        round(shown.lon, 6), round(shown.lat, 6)]
    assert staff["features"][0]["geometry"]["coordinates"] == [
        round(item.lon, 6), round(item.lat, 6)]
    assert shown.generalised and shown.lon != item.lon


@pytest.mark.parametrize("query", ["", "&clusters=50", "&limit=2"])
def test_a_staff_lean_map_shows_each_item_where_its_reader_sees_it(client, auth, query):
    """Staff's lean features are built from columns: each is the item's map feature at the
    point that reader is shown (an agent: its organisation's items exactly, the others as
    the public sees them), newest first, over every page."""
    hbh, ville = (db.session.scalar(select(Organisation).where(Organisation.code == code))
                  for code in ("hbh", "ville-antony"))
    items = [make_item(category="tranquillite", publish=True, where=offset(INSIDE, 13, 77)),
             make_item(category="tranquillite", publish=True, where=offset(INSIDE, 31, 10)),
             make_item(title="En attente, à HBH", where=offset(INSIDE, 9, 200)),
             make_item(title="Public, sans organisme", publish=True, where=offset(INSIDE, 3, 5))]
    router = make_user("coordinator", email="lean-router@x.org")
    for item, organisation in zip(items[:3], (hbh, ville, hbh), strict=True):
        route_item(router, item, organisation, "test")
    db.session.commit()
    for role, org in (("agent", "hbh"), ("coordinator", None)):
        viewer = make_user(role, org, email=f"lean-{role}@x.org")
        features = []
        url = f"/api/v1/items?bbox={EVERYWHERE}&fields=map{query}"
        while url:
            answer = client.get(url, headers=auth.token(user=viewer)).get_json()
            features += answer["features"]
            url = next((link["href"] for link in answer["links"]), None)
        visible = [item for item in sorted(items, key=lambda i: (i.created_at, i.id),
                                           reverse=True)
                   if role == "coordinator" or item.is_public or item.organisation == hbh]
        expected = []
        for item in visible:
            shown = location_of(item, exact=can_see_exact_location(viewer, item))
            expected.append(json.loads(dumps(map_feature(item, shown.lon, shown.lat))))
        assert features == expected, role
        assert len(features) == 4  # the agent's own pending item included
        ville_item = next(f for f in features if f["id"] == items[1].id)
        exact = [round(items[1].lon, 6), round(items[1].lat, 6)]
        assert (ville_item["geometry"]["coordinates"] == exact) == (role == "coordinator")


def test_an_unknown_representation_is_a_clear_422(client):
    response = client.get("/api/v1/items?fields=tout")
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == {"fields"}


def test_a_lean_answer_over_the_cap_says_it_is_partial(client):
    ids = [make_item(publish=True, where=offset(INSIDE, 5 * n, 90)).id for n in range(5)]
    first = client.get(f"/api/v1/items?bbox={EVERYWHERE}&fields=map&limit=2").get_json()
    assert (first["numberMatched"], first["numberReturned"]) == (5, 2)
    rest = client.get(first["links"][0]["href"]).get_json()
    assert [f["id"] for f in first["features"] + rest["features"]][:4] == ids[::-1][:4]
    assert "fields=map" in first["links"][0]["href"]


def test_an_uncompressed_answer_is_the_same_body(client):
    for n in range(3):
        make_item(publish=True, title="Éclairage « rue »", where=offset(INSIDE, 7 * n, 10))
    for query in ("", "&fields=map"):
        plain = client.get(f"/api/v1/items?bbox={EVERYWHERE}{query}",
                           headers={"Accept-Encoding": "identity"})
        zipped = client.get(f"/api/v1/items?bbox={EVERYWHERE}{query}",
                            headers={"Accept-Encoding": "gzip"})
        assert "Content-Encoding" not in plain.headers
        assert zipped.headers.get("Content-Encoding") == "gzip"
        assert plain.get_json()["numberReturned"] == 3
        assert plain.get_json()["features"][0]["properties"]["title"] == "Éclairage « rue »"


def test_the_migration_prepares_the_features_of_existing_items(empty_app):  # noqa: F811
    with empty_app.app_context():
        flask_migrate.upgrade()
        save_perimeters(read_perimeters(PERIMETER_FILE), source=PERIMETER_FILE.name)
        db.session.commit()
        build_dataset()
        expected = dict(db.session.execute(select(Item.id, Item.public_feature)).all())
        db.session.remove()
        flask_migrate.downgrade(revision="0016")
        flask_migrate.upgrade()
        assert dict(db.session.execute(select(Item.id, Item.public_feature)).all()) == expected
        assert db.session.scalar(text("SELECT count(*) FROM item WHERE map_feature IS NULL")) == 0
        assert_prepared_as_built()
