import re

from app import create_app
from config import TestingConfig
from tests.conftest import make_item, page_text


def test_health_answers_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_health_answers_503_when_the_database_is_down():
    class Down(TestingConfig):
        SQLALCHEMY_DATABASE_URI = "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2"

    response = create_app(Down()).test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable"}


def test_pages_answer_503_in_french_when_the_database_is_down():
    class Down(TestingConfig):
        SQLALCHEMY_DATABASE_URI = "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2"

    response = create_app(Down()).test_client().get("/")
    assert response.status_code == 503
    assert "momentanément indisponible" in page_text(response)


def test_the_home_page_invites_to_report_and_lists_what_its_map_shows(client):
    public = make_item(description="Banc cassé près du square", publish=True)
    make_item(description="Pas encore relu par le conseil citoyen")
    page = page_text(client.get("/"))
    assert 'class="button button-large" href="/signaler">Signaler</a>' in page
    assert 'data-src="/api/v1/perimeters"' in page and 'data-items="/api/v1/items"' in page
    assert f'href="/signalements/{public.id}"' in page and "Banc cassé près du square" in page
    assert "Pas encore relu" not in page  # the list, like the map, is the public items
    assert "Noyer Doré (QN09203M) : 13,90 ha, Antony." in page
    assert '<html lang="fr">' in page


def test_the_home_page_uses_the_local_leaflet_in_tests(client):
    page = page_text(client.get("/"))
    found = re.search(r'src="(/vendor/leaflet/leaflet\.[0-9a-f]{12}\.js)"', page)
    assert found and "unpkg" not in page
    with client.get(found.group(1)) as script:
        assert script.status_code == 200


def test_production_pages_take_leaflet_from_the_cdn_with_integrity(app, monkeypatch):
    monkeypatch.setitem(app.config, "LEAFLET_SOURCE", "cdn")
    page = app.test_client().get("/").get_data(as_text=True)
    assert 'src="https://unpkg.com/leaflet@1.9.3/dist/leaflet.js"' in page
    assert 'integrity="sha256-' in page and 'crossorigin="anonymous"' in page


def test_every_page_carries_a_strict_content_security_policy(client):
    policy = client.get("/").headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy


def test_the_perimeters_api_is_geojson(client):
    collection = client.get("/api/v1/perimeters").get_json()
    assert collection["type"] == "FeatureCollection"
    (feature,) = collection["features"]
    assert feature["properties"]["code"] == "QN09203M"
    assert feature["properties"]["name"] == "Noyer Doré"
    assert feature["geometry"]["type"] == "Polygon"


def test_the_perimeters_are_kept_an_hour_and_then_confirmed_without_being_sent_again(client):
    first = client.get("/api/v1/perimeters")
    assert first.cache_control.public and first.cache_control.max_age == 3600
    again = client.get("/api/v1/perimeters", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    changed = client.get("/api/v1/perimeters", headers={"If-None-Match": '"an-older-file"'})
    assert changed.status_code == 200 and changed.get_json() == first.get_json()


def test_an_unknown_page_is_a_french_404(client):
    response = client.get("/nulle-part")
    assert response.status_code == 404
    assert "n'existe pas" in page_text(response)


def test_an_unknown_api_path_answers_json(client):
    response = client.get("/api/v1/nulle-part")
    assert response.status_code == 404
    assert "errors" in response.get_json()
