"""Suggestions from category × land tenure, the tenure import, and the routing admin."""

import json

import geopandas
import pytest
from shapely.geometry import shape
from sqlalchemy import select

from app.auth.services import find_organisation
from app.extensions import db
from app.items.categories import CATEGORIES
from app.routing.models import RoutingRule, TenureZone
from tests.conftest import INSIDE, NEAR, csrf_token, make_item, page_text
from tests.workflow import landlord_zone, square

POINT = '{"type": "Point", "coordinates": [2, 48]}'


@pytest.fixture
def cli(app):
    return app.test_cli_runner()


def test_public_land_follows_the_domain_table():
    assert make_item(category="proprete").suggested_organisation.code == "ville-antony"
    assert make_item(category="dechets").suggested_organisation.code == "vsgp"
    assert make_item(category="parties-communes").suggested_organisation is None


def test_landlord_land_goes_to_the_landlord_and_waste_still_to_vsgp():
    landlord_zone()
    assert make_item(category="proprete").suggested_organisation.code == "hbh"
    assert make_item(category="dechets").suggested_organisation.code == "vsgp"
    assert make_item(category="proprete", where=NEAR).suggested_organisation.code == \
        "ville-antony"


def test_the_suggestion_is_in_the_json_for_staff_only(client, auth):
    item = make_item(category="tags", publish=True)
    assert "suggested_organisation" not in client.get(f"/api/v1/items/{item.id}").get_json()[
        "properties"]
    body = client.get(f"/api/v1/items/{item.id}",
                      headers=auth.token("coordinator")).get_json()["properties"]
    assert body["suggested_organisation"] == "ville-antony" and body["organisation"] is None


def _write(tmp_path, features, crs="EPSG:4326", name="zones.geojson"):
    frame = geopandas.GeoDataFrame(
        [{"name": n} for n, _g in features], geometry=[shape(g) for _n, g in features], crs=crs)
    path = tmp_path / name
    frame.to_file(path, driver="GPKG" if name.endswith(".gpkg") else "GeoJSON")
    return path


def test_import_tenure_reads_any_crs_and_reports_overlaps(cli, tmp_path):
    landlord_zone()
    zones = [("Résidence A", square(*INSIDE, 0.0003)), ("Loin", square(2.28, 48.73, 0.0003))]
    frame = geopandas.GeoDataFrame([{"name": n} for n, _g in zones],
                                   geometry=[shape(g) for _n, g in zones], crs="EPSG:4326")
    path = tmp_path / "zones.gpkg"
    frame.to_crs("EPSG:2154").to_file(path, driver="GPKG")
    result = cli.invoke(args=["geodata", "import-tenure", str(path), "--owner", "hbh"])
    assert result.exit_code == 0, result.output
    assert "2 zone(s) for hbh from zones.gpkg" in result.output
    assert "overlap: Résidence test" in result.output and "Résidence A" in result.output
    stored = db.session.scalars(select(TenureZone).where(TenureZone.name == "Résidence A")).one()
    lon, lat = shape(stored.geometry).centroid.coords[0]
    assert abs(lon - INSIDE[0]) < 1e-6 and abs(lat - INSIDE[1]) < 1e-6  # back in WGS84


@pytest.mark.parametrize(("geometry", "expected"), [
    ({"type": "LineString", "coordinates": [[2.28, 48.73], [2.29, 48.74]]},
     "Chemin est un LineString, pas un polygone"),
    ({"type": "Polygon", "coordinates": [[[2.28, 48.73], [2.29, 48.74], [2.29, 48.73],
                                          [2.28, 48.74], [2.28, 48.73]]]},
     "Chemin a une géométrie invalide (Self-intersection"),
])
def test_import_tenure_refuses_non_polygons_and_invalid_ones_naming_them(cli, tmp_path,
                                                                         geometry, expected):
    path = _write(tmp_path, [("Bonne", square(*INSIDE, 0.0003)), ("Chemin", geometry)])
    result = cli.invoke(args=["geodata", "import-tenure", str(path), "--owner", "hbh"])
    assert result.exit_code == 1 and expected in result.output
    assert db.session.scalar(select(db.func.count(TenureZone.id))) == 0


def test_import_tenure_refuses_an_unknown_owner(cli, tmp_path):
    path = _write(tmp_path, [("A", square(*INSIDE, 0.0003))])
    result = cli.invoke(args=["geodata", "import-tenure", str(path), "--owner", "nobody"])
    assert result.exit_code == 1 and "Organisme inconnu : nobody" in result.output


def test_the_routing_table_is_one_small_form_per_category(client, auth):
    auth.login("admin")
    page = page_text(client.get("/admin/routage"))
    assert page.count('<details class="disclosure" id="categorie-') == len(CATEGORIES)
    assert "<table" not in page  # no wide table on a phone
    tags = page[page.index('id="categorie-tags"'):page.index("</details>", page.index(
        'id="categorie-tags"'))]
    assert '<span class="hint">Domaine public : Ville d\'Antony</span>' in tags
    assert '<label for="rule-tags-public">Domaine public</label>' in tags
    token = csrf_token(client, "/admin/routage")
    refused = page_text(client.post("/admin/routage", data={
        "csrf_token": token, "rule-tags-public": "mairie-de-paris"}))
    assert '<details class="disclosure" id="categorie-tags" open>' in refused
    assert '<a href="#categorie-tags">Tags, graffitis : Organisme inconnu' in refused
    assert '<details class="disclosure" id="categorie-proprete">' in refused


def test_the_admin_edits_the_routing_table_and_an_unknown_organisation_is_refused(client, auth):
    auth.login("admin")
    token = csrf_token(client, "/admin/routage")
    rule = db.session.scalars(select(RoutingRule).where(
        RoutingRule.category == "tags", RoutingRule.land == "public")).one()
    form = {"csrf_token": token, **{f"rule-{r.category}-{r.land}": r.organisation.code
                                    for r in db.session.scalars(select(RoutingRule))}}
    refused = client.post("/admin/routage", data={**form, "rule-tags-public": "mairie-de-paris"})
    assert refused.status_code == 422
    assert "Organisme inconnu : mairie-de-paris" in page_text(refused)
    try:
        saved = client.post("/admin/routage", data={**form, "rule-tags-public": "cd92"})
        assert saved.status_code == 303
        db.session.expire_all()
        assert db.session.get(RoutingRule, rule.id).organisation.code == "cd92"
        assert make_item(category="tags").suggested_organisation.code == "cd92"
    finally:
        rule = db.session.get(RoutingRule, rule.id)
        rule.organisation = find_organisation("ville-antony")
        db.session.commit()


def test_the_admin_draws_edits_and_deletes_a_zone(client, auth):
    auth.login("admin")
    page = client.get("/admin/zones")
    assert page.status_code == 200 and "data-zone-map" in page_text(page)
    token = csrf_token(client, "/admin/zones")
    point = '{"type": "Point", "coordinates": [2, 48]}'
    bad = client.post("/admin/zones", data={"csrf_token": token, "owner": "hbh", "name": "Z",
                                            "geometry": point})
    assert bad.status_code == 422 and "l'objet Z est un Point, pas un polygone" in page_text(bad)
    created = client.post("/admin/zones", data={
        "csrf_token": token, "owner": "hbh", "name": "Résidence B", "source": "plan",
        "geometry": json.dumps(square(*INSIDE, 0.0004))})
    assert created.status_code == 303
    zone = db.session.scalars(select(TenureZone)).one()
    assert make_item().suggested_organisation.code == "hbh"
    features = client.get("/admin/zones.geojson").get_json()["features"]
    assert [f["properties"]["owner"] for f in features] == ["hbh"]
    edited = client.post(f"/admin/zones/{zone.id}", data={
        "csrf_token": token, "owner": "vsgp", "name": "Résidence B", "source": "plan",
        "geometry": json.dumps(square(*INSIDE, 0.0004))})
    assert edited.status_code == 303
    assert make_item(category="proprete").suggested_organisation.code == "vsgp"
    deleted = client.post(f"/admin/zones/{zone.id}/supprimer", data={"csrf_token": token})
    assert deleted.status_code == 303
    assert make_item().suggested_organisation.code == "ville-antony"


def test_the_admin_imports_a_file_and_sees_overlaps(client, auth, tmp_path):
    landlord_zone()
    auth.login("admin")
    path = _write(tmp_path, [("Résidence C", square(*INSIDE, 0.0002))])
    with path.open("rb") as upload:
        response = client.post("/admin/zones/importer", data={
            "csrf_token": csrf_token(client, "/admin/zones"), "owner": "hbh",
            "file": (upload, "zones.geojson")}, follow_redirects=True)
    text = page_text(response)
    assert "1 zone importée depuis zones.geojson" in text
    assert "Chevauchement : Résidence test" in text


@pytest.mark.parametrize("role", ["resident", "moderator", "coordinator", "agent"])
def test_only_administrators_manage_routing(client, auth, role):
    auth.login(role, "hbh" if role == "agent" else None)
    assert client.get("/admin/zones").status_code == 403
    assert client.get("/admin/routage").status_code == 403
