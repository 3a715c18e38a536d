"""An agent reading an item routed to another organisation is shown what the public is:
no exact point of a sensitive item (not even by probing the map with small boxes), no door
details, no routing, delays or e-mail flag. The agents of the organisation the item is
routed to keep all of it, in every read: the item, the lists, the map's counts per area,
the "moi aussi" search and the item's page."""

import pytest

from app.extensions import db
from tests.conftest import Auth, make_user, page_text
from tests.integration.test_walks import offset
from tests.workflow import routed_item

STAFF_FIELDS = ("organisation", "acknowledge_due", "resolve_due", "disputed", "email_given")


@pytest.fixture
def sensitive(app):
    """A public tranquillité report (shown generalised) with door details, routed to the
    Ville; and a public report routed to nobody yet."""
    item = routed_item("ville-antony", category="tranquillite", publish=True,
                       building="Bâtiment B", entrance="Entrée 3", email="x@example.org")
    db.session.commit()
    assert item.public_generalised and (item.lon, item.lat) != (item.public_lon, item.public_lat)
    return item


def _as_agent(client, organisation):
    user = make_user("agent", organisation)
    Auth(client).login(user=user)
    return Auth(client).token(user=user)


def _box(lon, lat, half=0.00002):
    return f"{lon - half},{lat - half},{lon + half},{lat + half}"


def _ids(answer):
    return [feature["id"] for feature in answer["features"]]


@pytest.mark.parametrize("organisation, staff_view", [("ville-antony", True), ("hbh", False)])
def test_an_item_read_by_an_agent(client, sensitive, organisation, staff_view):
    headers = _as_agent(client, organisation)
    exact = [sensitive.lon, sensitive.lat]
    public = [round(sensitive.public_lon, 6), round(sensitive.public_lat, 6)]

    answer = client.get(f"/api/v1/items/{sensitive.id}", headers=headers).get_json()
    shown = answer["geometry"]["coordinates"]
    assert (shown == exact) == staff_view
    props = answer["properties"]
    assert all((name in props) == staff_view for name in STAFF_FIELDS)
    assert (props.get("building") == "Bâtiment B") == staff_view

    near_exact = client.get(f"/api/v1/items?bbox={_box(*exact)}", headers=headers).get_json()
    assert _ids(near_exact) == ([sensitive.id] if staff_view else [])
    near_public = client.get(f"/api/v1/items?bbox={_box(*public)}&fields=map",
                             headers=headers).get_json()
    assert _ids(near_public) == ([] if staff_view else [sensitive.id])
    if not staff_view:
        assert [round(c, 6) for c in near_public["features"][0]["geometry"]["coordinates"]] \
            == public

    nearby = client.get(f"/api/v1/items/nearby?lon={exact[0]}&lat={exact[1]}"
                        f"&category=tranquillite", headers=headers).get_json()
    distances = {f["id"]: f["properties"]["distance_m"] for f in nearby["features"]}
    assert (distances.get(sensitive.id) == 0) == staff_view

    page = page_text(client.get(f"/signalements/{sensitive.id}"))
    assert ("Bâtiment B" in page) == staff_view


def test_the_map_counts_an_agents_own_items_at_their_exact_point(client, sensitive):
    """Counts per area put the agent's own items where they are, another organisation's
    where the public is shown them."""
    away = offset((sensitive.lon, sensitive.lat), 150, 45)
    routed_item("hbh", category="proprete", publish=True, where=away)
    db.session.commit()
    box = _box(sensitive.lon, sensitive.lat, half=0.004)
    public = (sensitive.public_lon, sensitive.public_lat)
    for organisation, shown in (("ville-antony", (sensitive.lon, sensitive.lat)),
                                ("hbh", public)):
        headers = _as_agent(client, organisation)
        answer = client.get(f"/api/v1/items?bbox={box}&clusters=1", headers=headers).get_json()
        assert answer["clustered"] is True and answer["numberMatched"] == 2
        means = [f["geometry"]["coordinates"] for f in answer["features"]]
        assert any(abs(lon - shown[0]) < 1e-9 and abs(lat - shown[1]) < 1e-9
                   for lon, lat in means), (organisation, means, shown)
