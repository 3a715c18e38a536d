"""The public map with more items in view than a phone should draw: counts per area from
the server, and the items themselves once zoomed in."""

import re
import secrets
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from app.items.models import band_of
from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.browser

# A category no other browser test files or counts, so these items stay among themselves.
CATEGORY = "stationnement"
ITEMS = 320  # over the map's cluster threshold (map.js CLUSTER_OVER)


@pytest.fixture(scope="module")
def crowded(live_env):
    """ITEMS public items around the perimeter's centre, written to the live database as an
    outside tool would (with their latitude band, which the map's index leads with) and
    removed afterwards (new items: they would otherwise fill the triage queue of the
    browser tests that follow)."""
    engine = sa.create_engine(live_env["DATABASE_URL"])
    item = sa.Table("item", sa.MetaData(), autoload_with=engine)
    now = datetime.now(UTC).replace(tzinfo=None)  # naive UTC, as the app stores times
    rows = [{"kind": "gusp", "category": CATEGORY, "description": f"Voiture ventouse {n}",
             "lon": 2.2875 + (n % 20) * 1e-4, "lat": 48.7365 + (n // 20) * 1e-4,
             "public_lon": 2.2875 + (n % 20) * 1e-4, "public_lat": 48.7365 + (n // 20) * 1e-4,
             "public_band": band_of(48.7365 + (n // 20) * 1e-4),
             "public_generalised": False, "sensitive": False, "danger": False,
             "strong_point": False,
             "position": "inside", "status": "new", "visibility": "public", "version": 1,
             "return_count": 0, "tracking_digest": secrets.token_hex(32),
             "created_at": now, "updated_at": now} for n in range(ITEMS)]
    with engine.begin() as connection:
        connection.execute(item.insert(), rows)
    yield
    with engine.begin() as connection:
        connection.execute(item.delete().where(item.c.category == CATEGORY))
    engine.dispose()


def test_a_crowded_map_shows_counts_per_area_then_items_when_zoomed_in(page, crowded):
    page.goto(f"/signalements?category={CATEGORY}")
    page.wait_for_selector("[data-map][data-ready=true]")
    clusters = page.locator(".map-cluster")
    expect(clusters.first).to_be_visible()
    assert page.locator(".map-pin").count() == 0
    counts = [int(text) for text in clusters.all_inner_texts()]
    assert sum(counts) == ITEMS
    assert_accessible(page)
    for _click in range(3):  # each click zooms in two levels on the busiest area
        drawn = page.get_attribute("[data-map]", "data-drawn")
        clusters.nth(counts.index(max(counts))).click()
        page.wait_for_selector(f"[data-map][data-ready=true]:not([data-drawn='{drawn}'])")
        if page.get_attribute("[data-map]", "data-view") == "items":
            break
        counts = [int(text) for text in clusters.all_inner_texts()]
    expect(page.locator(".map-pin").first).to_be_visible()
    assert page.locator(".map-cluster").count() == 0
    # The map reads the lean features: their labels and page address come once per answer.
    # The box asked for is wider than the view (map.js gridBox): a pin inside the map.
    page.evaluate("""() => {
        const map = document.querySelector("[data-map]").getBoundingClientRect();
        const inside = [...document.querySelectorAll(".map-pin")].find(pin => {
            const r = pin.getBoundingClientRect();
            return r.left > map.left && r.right < map.right && r.top > map.top
                && r.bottom < map.bottom;
        });
        inside.dataset.inView = "true";
    }""")
    page.locator(".map-pin[data-in-view]").click()
    popup = page.locator(".leaflet-popup-content")
    expect(popup.locator("p")).to_have_text(re.compile(r"^Nouveau · n° \d{4}-\d{5}$"))
    expect(popup.locator("strong")).to_have_text("Stationnement gênant")
    expect(popup.locator("a")).to_have_attribute("href", re.compile(r"^/signalements/\d+$"))
