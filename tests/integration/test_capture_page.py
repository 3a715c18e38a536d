"""The capture page's server side: what capture.js and the service worker rely on."""

import re

from app.items.categories import CATEGORIES
from config import BASE_DIR
from tests.conftest import page_text

SPRITE = BASE_DIR / "app" / "static" / "img" / "categories.svg"


def test_the_service_worker_is_served_for_the_whole_site_and_never_cached(client):
    with client.get("/sw.js") as response:
        assert response.status_code == 200 and response.mimetype == "text/javascript"
        assert response.headers["Service-Worker-Allowed"] == "/"
        assert response.headers["Cache-Control"] == "no-cache"
        assert b'var PAGE = "/signaler"' in response.data


def test_every_category_has_a_pictogram_tile_and_a_symbol_in_the_sprite(client):
    page = page_text(client.get("/signaler"))
    symbols = set(re.findall(r'<symbol id="([^"]+)"', SPRITE.read_text()))
    for category in CATEGORIES.values():
        assert category.pictogram in symbols
        # the sprite's name carries its content hash (app/static_files.py)
        assert re.search(rf'categories\.[0-9a-f]{{12}}\.svg#{category.pictogram}"', page)
        assert f'value="{category.code}"' in page


def test_places_carry_their_point_for_the_map_and_anonymous_people_use_the_api(client, auth):
    page = page_text(client.get("/signaler"))
    options = re.findall(r'<option value="(\d+)" data-lon="([-\d.]+)" data-lat="([-\d.]+)"', page)
    assert len(options) >= 9  # the real public-transport stops
    assert all(2.27 < float(lon) < 2.30 and 48.73 < float(lat) < 48.75 for _, lon, lat in options)
    assert 'data-anonymous="true"' in page
    assert "Conservée 12 mois au plus après la clôture du signalement" in page
    auth.login("coordinator")
    assert 'data-anonymous="false"' in page_text(client.get("/signaler"))
