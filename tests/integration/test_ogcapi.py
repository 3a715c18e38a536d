"""OGC API – Features: the public map as QGIS and GDAL read it, public items only."""

import json
import os
from datetime import timedelta

import pyogrio
import pytest

from app.clock import paris_date, paris_isoformat, utcnow
from app.extensions import db
from app.moderation import services as moderation
from tests.conftest import INSIDE, NEAR, make_item
from tests.live import flask_server
from tests.workflow import coordinator

BASE = "/ogcapi"
ITEMS = f"{BASE}/collections/public-items/items"


def ids(collection):
    return [feature["id"] for feature in collection["features"]]


def rels(document):
    return {link["rel"]: link for link in document["links"]}


def test_the_landing_page_links_the_description_conformance_and_data(client):
    response = client.get(f"{BASE}/")
    assert response.status_code == 200 and response.mimetype == "application/json"
    links = rels(response.get_json())
    assert links["self"]["href"] == "http://localhost/ogcapi/"
    assert links["service-desc"]["href"] == "http://localhost/api/v1/openapi.json"
    assert client.get("/api/v1/openapi.json").get_json()["paths"][
        "/ogcapi/collections/{collection_id}/items"]
    assert links["conformance"]["href"] == "http://localhost/ogcapi/conformance"
    assert links["data"]["href"] == "http://localhost/ogcapi/collections"


def test_conformance_declares_core_and_geojson(client):
    assert set(client.get(f"{BASE}/conformance").get_json()["conformsTo"]) == {
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson"}


def test_the_collection_gives_its_extent_and_items_link(client):
    first = make_item(publish=True)
    (collection,) = client.get(f"{BASE}/collections").get_json()["collections"]
    assert collection == client.get(f"{BASE}/collections/public-items").get_json()
    assert collection["id"] == "public-items" and collection["itemType"] == "feature"
    minlon, minlat, maxlon, maxlat = collection["extent"]["spatial"]["bbox"][0]
    for lon, lat in (INSIDE, NEAR):  # the perimeter and its band
        assert minlon < lon < maxlon and minlat < lat < maxlat
    assert collection["extent"]["spatial"]["crs"].endswith("/CRS84")
    assert collection["extent"]["temporal"]["interval"][0][0] == paris_isoformat(
        first.created_at)
    assert rels(collection)["items"]["href"] == "http://localhost" + ITEMS
    assert rels(collection)["items"]["type"] == "application/geo+json"


def test_items_are_public_items_only_as_geojson_without_personal_data(client):
    public = make_item(publish=True, email="habitante@example.org", building="B",
                       entrance="3")
    make_item()
    hidden = make_item()
    moderation.moderate_item(coordinator(), hidden, "hide", "visage")
    db.session.commit()
    response = client.get(ITEMS)
    assert response.status_code == 200 and response.mimetype == "application/geo+json"
    body = response.get_json()
    assert body["type"] == "FeatureCollection" and ids(body) == [public.id]
    assert (body["numberMatched"], body["numberReturned"]) == (1, 1)
    (feature,) = body["features"]
    assert feature["geometry"] == {"type": "Point", "coordinates": list(INSIDE)}
    assert feature["properties"]["category"] == "proprete"
    assert feature["properties"]["open"] is True
    assert feature["properties"]["url"] == f"http://localhost/signalements/{public.id}"
    assert feature["properties"]["created_at"].endswith(("+01:00", "+02:00"))
    text = json.dumps(body)
    for secret in ("habitante@example.org", public.tracking_token, "author", "email",
                   "internal_note"):
        assert secret not in text
    assert client.get(f"{ITEMS}/{public.id}").get_json()["id"] == public.id
    for other in (hidden.id, 424242, "abc", 99999999999):
        response = client.get(f"{ITEMS}/{other}")
        assert response.status_code == 404 and response.get_json()["code"] == "NotFound"


def test_a_generalised_item_is_found_only_where_it_is_shown(client):
    exact = (2.28812, 48.73743)
    item = make_item(category="tranquillite", where=exact, publish=True)
    (feature,) = client.get(ITEMS).get_json()["features"]
    shown = feature["geometry"]["coordinates"]
    assert shown != list(exact)
    tiny = 0.00003
    around = "{},{},{},{}".format
    assert ids(client.get(ITEMS, query_string={"bbox": around(
        exact[0] - tiny, exact[1] - tiny, exact[0] + tiny, exact[1] + tiny)}).get_json()) == []
    assert ids(client.get(ITEMS, query_string={"bbox": around(
        shown[0] - tiny, shown[1] - tiny, shown[0] + tiny, shown[1] + tiny)}).get_json()) == [
        item.id]


def test_bbox_limit_and_paging_links(client):
    items = [make_item(publish=True) for _ in range(5)]
    near = make_item(publish=True, where=NEAR)
    box = f"{INSIDE[0] - 0.0001},{INSIDE[1] - 0.0001},{INSIDE[0] + 0.0001},{INSIDE[1] + 0.0001}"
    first = client.get(ITEMS, query_string={"bbox": box, "limit": 2}).get_json()
    assert ids(first) == [items[0].id, items[1].id]
    assert (first["numberMatched"], first["numberReturned"]) == (5, 2)
    assert "prev" not in rels(first)
    second = client.get(rels(first)["next"]["href"]).get_json()
    assert ids(second) == [items[2].id, items[3].id]
    last = client.get(rels(second)["next"]["href"]).get_json()
    assert ids(last) == [items[4].id] and "next" not in rels(last)
    assert ids(client.get(rels(last)["prev"]["href"]).get_json()) == ids(second)
    everything = client.get(ITEMS, query_string={"limit": 50000}).get_json()
    assert near.id in ids(everything) and everything["numberReturned"] == 6
    with_heights = f"{box.split(',')[0]},{box.split(',')[1]},0,{box.split(',')[2]}," \
                   f"{box.split(',')[3]},100"
    assert len(ids(client.get(ITEMS, query_string={"bbox": with_heights}).get_json())) == 5


def test_datetime_instants_dates_and_intervals(client):
    old, recent = make_item(publish=True), make_item(publish=True)
    old.created_at = utcnow() - timedelta(days=30)
    db.session.commit()
    yesterday = (utcnow() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert ids(client.get(ITEMS, query_string={"datetime": f"{yesterday}/.."}).get_json()) == [
        recent.id]
    assert ids(client.get(ITEMS, query_string={"datetime": f"../{yesterday}"}).get_json()) == [
        old.id]
    day = paris_date(old.created_at).isoformat()  # a bare date is a day in Paris
    assert ids(client.get(ITEMS, query_string={"datetime": day}).get_json()) == [old.id]
    instant = old.created_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert ids(client.get(ITEMS, query_string={"datetime": instant}).get_json()) == [old.id]


@pytest.mark.parametrize("query", [
    {"limit": "0"}, {"limit": "dix"}, {"offset": "-1"}, {"bbox": "1,2,3"},
    {"bbox": "2.28,48.73,2.30,nan"}, {"bbox": "2.28,91,2.30,92"}, {"bbox": "a,b,c,d"},
    {"bbox-crs": "http://www.opengis.net/def/crs/EPSG/0/2154", "bbox": "1,2,3,4"},
    {"datetime": "hier"}, {"datetime": "../.."}, {"datetime": "2026-03-02/2026-03-01"},
    {"f": "html"}, {"couleur": "rouge"},
])
def test_bad_parameters_are_a_400_exception(client, query):
    response = client.get(ITEMS, query_string=query)
    assert response.status_code == 400
    assert response.get_json()["code"] == "InvalidParameterValue"
    assert response.get_json()["description"]


def test_an_unknown_collection_or_path_is_a_404_exception(client):
    for path in (f"{BASE}/collections/licornes", f"{BASE}/collections/licornes/items",
                 f"{BASE}/nothing"):
        response = client.get(path)
        assert response.status_code == 404 and response.get_json()["code"] == "NotFound"


@pytest.fixture
def live_base(app, tmp_path):
    """A real server process on this test's database, for a client outside the process
    (GDAL holds the interpreter while it reads, so it cannot share one with the server)."""
    env = {**os.environ, "ARPENTEUR_CONFIG": "development", "SECRET_KEY": "ogc-tests",
           "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
           "UPLOAD_DIR": app.config["UPLOAD_DIR"]}
    with flask_server(env, tmp_path / "server.log") as base:
        yield base


def test_gdal_reads_the_public_map_page_by_page(live_base, tmp_path):
    published = [make_item(publish=True, category=c) for c in ("proprete", "tags", "voirie")]
    make_item()  # pending: never read
    generalised = make_item(publish=True, category="tranquillite", where=(2.28812, 48.73743))
    source = f"OAPIF:{live_base}/ogcapi/"
    assert pyogrio.list_layers(source)[0][0] == "public-items"
    frame = pyogrio.read_dataframe(source, layer="public-items", PAGE_SIZE="2")
    assert len(frame) == 4
    assert "items?limit=2&offset=2 " in (tmp_path / "server.log").read_text()  # `next` link
    assert sorted(frame["reference"]) == sorted(i.reference for i in
                                                [*published, generalised])
    assert set(frame["category"]) == {"proprete", "tags", "voirie", "tranquillite"}
    assert frame.crs.to_epsg() == 4326
    shown = frame[frame["category"] == "tranquillite"].geometry.iloc[0]
    assert (round(shown.x, 5), round(shown.y, 5)) != (2.28812, 48.73743)
    boxed = pyogrio.read_dataframe(source, layer="public-items",
                                   bbox=(INSIDE[0] - 0.0001, INSIDE[1] - 0.0001,
                                         INSIDE[0] + 0.0001, INSIDE[1] + 0.0001))
    assert sorted(boxed["category"]) == ["proprete", "tags", "voirie"]


def test_location_details_are_generalised_with_the_position(client):
    plain = make_item(publish=True, residence="Résidence du Noyer", building="B", entrance="3")
    sensitive = make_item(publish=True, category="tranquillite", residence="Résidence du Noyer",
                          building="B", entrance="3", floor="RDC")
    features = {f["id"]: f["properties"] for f in client.get(ITEMS).get_json()["features"]}
    assert (features[plain.id]["building"], features[plain.id]["entrance"]) == ("B", "3")
    assert features[plain.id]["generalised"] is False
    generalised = features[sensitive.id]
    assert generalised["generalised"] is True  # GIS users know the point is approximate
    assert generalised["residence"] == "Résidence du Noyer"
    assert (generalised["building"], generalised["entrance"], generalised["floor"]) == (
        None, None, None)
