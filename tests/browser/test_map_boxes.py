"""The public map asks for the view widened to a grid of its zoom level, so that phones
framing the same part of the neighbourhood ask the same question (which the server keeps
answered), and a move that stays within the box asked for asks nothing."""

import pytest

pytestmark = pytest.mark.browser

ITEMS_API = "/api/v1/items?"


def test_the_map_asks_for_grid_boxes_and_not_again_within_one(page):
    asked = []
    page.on("request", lambda request: asked.append(request.url)
            if ITEMS_API in request.url else None)
    page.goto("/signalements")
    page.wait_for_selector("[data-map][data-ready=true][data-drawn]")
    view = page.evaluate("""() => {
        const map = document.querySelector("[data-map]").arpenteurMap, b = map.getBounds();
        return {zoom: map.getZoom(), west: b.getWest(), south: b.getSouth(),
                east: b.getEast(), north: b.getNorth()};
    }""")
    assert len(asked) == 1
    bbox = asked[0].split("bbox=")[1].split("&")[0].split(",")
    west, south, east, north = (float(value) for value in bbox)
    step = 90 / 2 ** view["zoom"]  # a quarter of a map tile
    for value in (west, south, east, north):
        assert abs(value / step - round(value / step)) < 1e-3, (value, step)
    assert west <= view["west"] and south <= view["south"]
    assert east >= view["east"] and north >= view["north"]
    assert east - west < view["east"] - view["west"] + 2 * step + 1e-6
    drawn = page.get_attribute("[data-map]", "data-drawn")
    # A move that ends within the box asked for, then one that leaves it.
    page.evaluate("""() => {
        const map = document.querySelector("[data-map]").arpenteurMap;
        map.fire("moveend");
        map.panBy([600, 0], {animate: false});
    }""")
    page.wait_for_selector(f"[data-map][data-ready=true]:not([data-drawn='{drawn}'])")
    assert len(asked) == 2, asked
