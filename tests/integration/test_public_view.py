"""What the public sees of an item: one prepared view, identical to what was served before
it was prepared in columns, generalised in position and in location details.

`tests/data/public_view_before.json` holds the public answers the previous code (which
computed the public point at each read) gave for the dataset below: every item's GeoJSON
Feature and the items found by a set of bbox probes. The same dataset built today must
give the same answers, except the location details a generalised item no longer shows.
"""

import json
from pathlib import Path

import flask_migrate
import pytest
from sqlalchemy import select, text

from app import create_app
from app.extensions import db
from app.geo.files import read_perimeters
from app.geo.projection import metres_between
from app.items.models import CategoryPublicity, Item
from app.items.services import set_category_publicity
from app.moderation.services import moderate_item
from app.perimeters.services import save_perimeters
from app.places.models import Place
from app.walks import services as walk_services
from config import TestingConfig
from tests.conftest import (
    INSIDE,
    NEAR,
    PERIMETER_FILE,
    IsolatedClient,
    csrf_token,
    make_item,
    make_user,
    page_text,
)
from tests.integration.test_walks import (
    CENTRE_COMMERCIAL,
    MONT_BLANC,
    make_walk,
    offset,
)

BEFORE = Path(__file__).parent.parent / "data" / "public_view_before.json"
DETAILS = {"residence": "Résidence du Parc", "building": "B", "entrance": "3", "floor": "RDC",
           "spot": "hall"}
DOOR_DETAILS = ("building", "entrance", "floor", "spot")
SCHEMA = "public_view_migration"
# (key, walk type or None, index of the chosen stop or None, point, fields)
DATASET = [
    ("night-near-stop", "nuit", None, offset(MONT_BLANC, 12, 45), {"category": "eclairage"}),
    ("night-far-from-its-stop", "nuit", 0, offset(MONT_BLANC, 20, 200),
     {"category": "eclairage"}),
    ("night-tranquillite-with-details", "nuit", None, offset(CENTRE_COMMERCIAL, 30, 10),
     {"category": "tranquillite", **DETAILS}),
    ("women-walk", "marche-exploratoire-femmes", None, offset(CENTRE_COMMERCIAL, 60, 90),
     {"category": "proprete"}),
    ("day-walk-plain", "jour", None, offset(MONT_BLANC, 12, 45),
     {"category": "eclairage", **DETAILS}),
    ("day-walk-tranquillite-near-stop", "jour", None, offset(MONT_BLANC, 40, 300),
     {"category": "tranquillite"}),
    ("day-walk-tranquillite-far-from-its-stop", "jour", 0, offset(MONT_BLANC, 30, 250),
     {"category": "tranquillite"}),
    ("report-plain", None, None, INSIDE, {"category": "proprete", **DETAILS}),
    ("report-near-the-perimeter", None, None, NEAR, {"category": "voirie"}),
    ("report-tranquillite-with-details", None, None, offset(INSIDE, 10, 10),
     {"category": "tranquillite", **DETAILS}),
    ("report-tags-before-the-change", None, None, offset(INSIDE, 70, 160), {"category": "tags"}),
    ("report-nuisibles-staff-only", None, None, offset(INSIDE, 30, 270),
     {"category": "nuisibles"}),
]
AFTER_THE_CHANGE = ("report-tags-after-the-change", None, None, offset(INSIDE, 90, 20),
                    {"category": "tags"})


def _walks():
    return {kind: make_walk(type=kind, title=f"Marche {kind}")
            for kind in {walk for _key, walk, _stop, _point, _fields in DATASET if walk}}


def _build(spec, walks, moderator):
    key, walk_type, stop, point, fields = spec
    extra = {}
    if walk_type:
        walk = walks[walk_type]
        extra = {"kind": "dem", "walk": walk.id,
                 "stop": walk.stops[stop].id if stop is not None else None}
    item = make_item(where=point, description=key, **fields, **extra)
    moderate_item(moderator, item, "publish")
    db.session.commit()
    return item


def build_dataset():
    """The items of DATASET, published; then tags becomes generalised and nuisibles
    staff-only (an administrator's change), and one more tags item is filed."""
    walks, moderator = _walks(), make_user("moderator", email="public-view@x.org")
    items = {spec[0]: _build(spec, walks, moderator) for spec in DATASET}
    admin = make_user("admin", email="public-view-admin@x.org")
    set_category_publicity(admin, "tags", "generalised")
    set_category_publicity(admin, "nuisibles", "staff")
    db.session.commit()
    items[AFTER_THE_CHANGE[0]] = _build(AFTER_THE_CHANGE, walks, moderator)
    return items


def bbox_probes(items, answers):
    """{name: bbox}: a 2 m box on each exact point and on each shown point, and wide ones."""
    probes = {"everything": (2.27, 48.72, 2.31, 48.75), "west": (2.27, 48.72, 2.2865, 48.75),
              "east": (2.2865, 48.72, 2.31, 48.75)}
    d = 0.00002
    for key, item in items.items():
        probes[f"exact:{key}"] = (item.lon - d, item.lat - d, item.lon + d, item.lat + d)
        shown = answers[key]["geometry"]["coordinates"] if answers[key] else None
        if shown:
            probes[f"shown:{key}"] = (shown[0] - d, shown[1] - d, shown[0] + d, shown[1] + d)
    return probes


def comparable(feature):
    """A public Feature without what differs between two runs (ids, times, URLs)."""
    if feature is None:
        return None
    props = {k: v for k, v in feature["properties"].items()
             if k not in ("id", "reference", "url", "created_at", "photos")}
    props["history"] = [{k: v for k, v in row.items() if k != "at"}
                        for row in props.get("history", [])]
    return {"geometry": feature["geometry"], "properties": props}


def public_answers(client, items):
    answers = {}
    for key, item in items.items():
        response = client.get(f"/api/v1/items/{item.id}")
        answers[key] = comparable(response.get_json()) if response.status_code == 200 else None
    by_id = {item.id: key for key, item in items.items()}
    found = {}
    for name, box in bbox_probes(items, answers).items():
        features = client.get("/api/v1/items?bbox=" + ",".join(map(str, box))).get_json()
        found[name] = sorted(by_id[f["id"]] for f in features["features"])
    return {"items": answers, "bboxes": found}


def as_before(answer):
    """Today's answer in the shape the previous code gave: the door details a generalised
    item no longer shows were shown then, and `generalised` was not said."""
    if answer is None:
        return None
    props = dict(answer["properties"])
    generalised = props.pop("generalised")
    assert isinstance(generalised, bool)
    return {"geometry": answer["geometry"], "properties": props}, generalised


def assert_served_as_before(client, items):
    before = json.loads(BEFORE.read_text())
    now = public_answers(client, items)
    assert now["bboxes"] == before["bboxes"]
    assert set(now["items"]) == set(before["items"])
    for key, answer in now["items"].items():
        expected = before["items"][key]
        if answer is None:
            assert expected is None, key
            continue
        shape, generalised = as_before(answer)
        assert shape["geometry"] == expected["geometry"], key
        assert generalised == (expected["geometry"]["coordinates"] != exact(items[key]))
        if generalised:
            for name in DOOR_DETAILS:
                assert shape["properties"].pop(name) is None, (key, name)
                expected["properties"].pop(name)
        assert shape["properties"] == expected["properties"], key


def test_every_public_answer_is_the_one_served_before(client):
    assert_served_as_before(client, build_dataset())


@pytest.fixture
def empty_app(app, tmp_path):
    """A second application on an empty database of its own: a SQLite file, or a schema of
    its own in the PostgreSQL test database."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    postgresql = url.startswith("postgresql")

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = url if postgresql else f"sqlite:///{tmp_path / 'empty.db'}"
        SQLALCHEMY_ENGINE_OPTIONS = {"connect_args": {"options": f"-csearch_path={SCHEMA}"}} if (
            postgresql) else {}
        UPLOAD_DIR = str(tmp_path / "uploads")

    if postgresql:
        with db.engine.begin() as connection:
            connection.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
            connection.execute(text(f"CREATE SCHEMA {SCHEMA}"))
    other = create_app(Config())
    other.test_client_class = IsolatedClient
    yield other
    with other.app_context():
        db.session.remove()
        db.engine.dispose()
    if postgresql:
        with db.engine.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {SCHEMA} CASCADE"))


def _counts():
    return {table: db.session.scalar(text(f"SELECT count(*) FROM {table}"))  # noqa: S608
            for table in ("item", "item_event", "walk_finding", "moderation_event")}


def test_the_migration_prepares_existing_items_as_the_public_was_shown_them(empty_app):
    """Items stored before the public view was prepared in columns (revision 0007, with
    real rows: history, walk findings, moderation log) are prepared by the migration
    exactly as they were shown. Every migration since 0007 runs down and up again over
    those rows, and none loses a row that refers to an item (SQLite rebuilds tables)."""
    with empty_app.app_context():
        flask_migrate.upgrade()
        save_perimeters(read_perimeters(PERIMETER_FILE), source=PERIMETER_FILE.name)
        db.session.commit()
        items = build_dataset()
        ids = {key: item.id for key, item in items.items()}
        counts = _counts()
        db.session.remove()
        flask_migrate.downgrade(revision="0007")
        flask_migrate.upgrade()
        assert _counts() == counts
        items = {key: db.session.get(Item, item_id) for key, item_id in ids.items()}
        assert_served_as_before(empty_app.test_client(), items)
        if db.engine.dialect.name == "sqlite":  # the rebuild left the foreign keys enforced
            assert db.session.scalar(text("PRAGMA foreign_keys")) == 1
            assert db.session.execute(text("PRAGMA foreign_key_check")).all() == []


def exact(item):
    return [item.lon, item.lat]


def test_the_public_never_sees_door_details_of_a_generalised_item_anywhere(client, auth):
    walk = make_walk(type="nuit", title="Marche de nuit")
    entrance = Place(name="Entrée 3, bâtiment B", kind="entrance", lon=INSIDE[0],
                     lat=INSIDE[1], source="test")
    db.session.add(entrance)
    db.session.commit()
    finding = make_item(where=offset(MONT_BLANC, 12, 45), kind="dem", walk=walk.id,
                        category="tranquillite", description="Recoin sombre", publish=True,
                        **DETAILS)
    report = make_item(category="tranquillite", place=entrance.id, description="Hall squatté",
                       publish=True, **DETAILS)
    walk_id = walk.id
    walk_services.change_walk_status(None, walk, "closed")
    walk_services.publish_report(None, walk, "Synthèse")
    db.session.commit()
    shown = [client.get(f"/api/v1/items/{i.id}").get_json()["properties"]
             for i in (finding, report)]
    assert all(p["residence"] == DETAILS["residence"] and p["generalised"] for p in shown)
    assert all(p[name] is None for p in shown for name in DOOR_DETAILS)
    assert shown[1]["place"] is None  # an entrance of the gazetteer is as precise as a door
    pages = [client.get(path).get_data(as_text=True) for path in (
        f"/signalements/{finding.id}", f"/signalements/{report.id}", "/signalements",
        f"/marches/{walk_id}/compte-rendu", f"/marches/{walk_id}/constats.csv",
        f"/api/v1/walks/{walk_id}", "/api/v1/items?bbox=2.27,48.72,2.31,48.75")]
    for page in pages:
        assert "Bâtiment B" not in page and "Entrée 3" not in page and "RDC" not in page
        assert str(round(finding.lat, 6)) not in page and str(round(report.lat, 6)) not in page
    assert "Position approximative" in pages[0]
    # Staff keep every detail and the exact point.
    staff = client.get(f"/api/v1/items/{report.id}",
                       headers=auth.token("coordinator")).get_json()
    assert staff["properties"]["building"] == "B" and staff["properties"]["place"] == (
        "Entrée 3, bâtiment B")
    assert staff["geometry"]["coordinates"] == list(INSIDE)


def test_changing_a_category_prepares_its_items_again_without_touching_their_version(client):
    item = make_item(category="tags", publish=True, where=offset(INSIDE, 17, 33))
    version = item.version
    assert client.get(f"/api/v1/items/{item.id}").get_json()["geometry"]["coordinates"] == (
        exact(item))
    admin = make_user("admin", email="again-admin@x.org")
    set_category_publicity(admin, "tags", "generalised")
    db.session.commit()
    answer = client.get(f"/api/v1/items/{item.id}").get_json()
    assert answer["properties"]["generalised"] is True
    assert 0 < metres_between(item.lon, item.lat, *answer["geometry"]["coordinates"]) <= 36
    assert answer["properties"]["version"] == version  # a person editing it is not refused
    set_category_publicity(admin, "tags", "public")
    db.session.commit()
    back = client.get(f"/api/v1/items/{item.id}").get_json()
    assert back["geometry"]["coordinates"] == exact(item)
    assert back["properties"]["generalised"] is False


def test_a_finding_moved_to_another_stop_is_shown_at_that_stop(client, auth):
    walk = make_walk(type="nuit", title="Marche de nuit")
    item = make_item(where=offset(MONT_BLANC, 12, 45), kind="dem", walk=walk.id,
                     category="eclairage", publish=True)
    assert client.get(f"/api/v1/items/{item.id}").get_json()["geometry"]["coordinates"] == (
        list(MONT_BLANC))
    headers = auth.token(user=make_user("coordinator", email="moves@x.org"))
    moved = client.patch(f"/api/v1/walks/{walk.id}/findings/{item.id}",
                         json={"stop": walk.stops[2].id}, headers=headers)
    assert moved.status_code == 200
    # The new stop is 260 m away: too far to stand for the point, so the 50 m grid.
    shown = client.get(f"/api/v1/items/{item.id}").get_json()["geometry"]["coordinates"]
    assert shown not in (list(MONT_BLANC), list(CENTRE_COMMERCIAL), exact(item))
    assert metres_between(item.lon, item.lat, *shown) <= 36


def test_small_boxes_never_find_an_exact_point_the_public_is_not_shown(client, auth):
    """Probing with 2 m boxes over a 100 m square around a generalised item finds it only
    where it is shown, never at its exact point."""
    item = make_item(category="tranquillite", publish=True, where=offset(INSIDE, 13, 77))
    shown = client.get(f"/api/v1/items/{item.id}").get_json()["geometry"]["coordinates"]
    step, hits = 0.00003, []
    for i in range(-25, 26, 5):
        for j in range(-25, 26, 5):
            lon, lat = item.lon + i * step, item.lat + j * step
            box = f"{lon - step},{lat - step},{lon + step},{lat + step}"
            if client.get(f"/api/v1/items?bbox={box}").get_json()["features"]:
                hits.append((lon, lat))
    assert all(abs(lon - shown[0]) <= step and abs(lat - shown[1]) <= step for lon, lat in hits)
    exact = f"{item.lon - 1e-6},{item.lat - 1e-6},{item.lon + 1e-6},{item.lat + 1e-6}"
    assert client.get(f"/api/v1/items?bbox={exact}").get_json()["features"] == []
    staff = client.get(f"/api/v1/items?bbox={exact}", headers=auth.token("coordinator"))
    assert [f["id"] for f in staff.get_json()["features"]] == [item.id]


def test_nearby_is_measured_to_the_shown_position(client):
    item = make_item(category="tranquillite", publish=True, where=offset(INSIDE, 13, 77))
    shown = client.get(f"/api/v1/items/{item.id}").get_json()["geometry"]["coordinates"]
    # Standing on the exact point does not tell the public it is 0 m away.
    found = client.get(f"/api/v1/items/nearby?lon={item.lon}&lat={item.lat}"
                       "&category=tranquillite").get_json()["features"]
    expected = round(metres_between(item.lon, item.lat, *shown))
    assert [f["properties"]["distance_m"] for f in found] == (
        [expected] if expected <= 50 else [])
    assert db.session.scalar(select(Item.public_generalised).where(Item.id == item.id))


def test_an_unknown_publicity_is_refused_clearly_and_changes_nothing(client, auth):
    item = make_item(category="tags", publish=True)
    auth.login("admin")
    answer = client.post("/admin/publicite", data={
        "csrf_token": csrf_token(client, "/admin/publicite"), "proprete": "generalised",
        "tags": "secret-defense"})
    assert answer.status_code == 422
    assert "Choisissez une publicité parmi celles proposées." in page_text(answer)
    assert db.session.scalars(select(CategoryPublicity)).all() == []  # not even proprete
    assert client.get(f"/api/v1/items/{item.id}").get_json()["properties"]["generalised"] is (
        False)


def test_an_item_filed_under_the_old_publicity_is_prepared_again_as_it_goes_public(client,
                                                                                   auth):
    """Filed while an administrator made its category generalised (the change committed
    between the item's reading of the rule and its insert), it still goes public
    generalised."""
    item = make_item(category="tags", where=offset(INSIDE, 17, 33))
    db.session.add(CategoryPublicity(category="tags", publicity="generalised"))
    db.session.commit()
    assert not item.public_generalised  # as the race left it
    moderator = auth.token(user=make_user("moderator", email="race@x.org"))
    published = client.post(f"/api/v1/items/{item.id}/moderation", json={"action": "publish"},
                            headers=moderator)
    assert published.status_code == 200
    answer = client.get(f"/api/v1/items/{item.id}").get_json()
    assert answer["properties"]["generalised"] is True
    assert answer["geometry"]["coordinates"] != exact(item)


def test_a_card_of_the_lists_names_the_place_the_reader_is_shown(client, auth):
    """The cards of the public list and of the home page name an item's place as its page
    does: a street for everyone, an entrance only for those who keep exact locations."""
    street, entrance = (Place(name=name, kind=kind, lon=INSIDE[0], lat=INSIDE[1],
                              source="test")
                        for name, kind in (("Rue des Tilleuls", "street"),
                                           ("Entrée 3, bâtiment B", "entrance")))
    db.session.add_all([street, entrance])
    db.session.commit()
    make_item(category="tranquillite", place=street.id, description="Hall sombre",
              publish=True)
    make_item(category="tranquillite", place=entrance.id, description="Hall squatté",
              publish=True)
    make_item(category="proprete", place=entrance.id, description="Sacs devant l'entrée",
              publish=True)
    for path in ("/", "/signalements"):
        cards = page_text(client.get(path))
        assert cards.count("Rue des Tilleuls") == 1
        assert cards.count("Entrée 3, bâtiment B") == 1  # the ordinary item's only
    auth.login("coordinator")
    assert page_text(client.get("/signalements")).count("Entrée 3, bâtiment B") == 2
