"""Reading many items: answers that say when they are cut, keyset pages that neither skip
nor repeat, and a bbox selection the database serves from an index."""

import html
import random
import re
import secrets
from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import event, func, select, text, update

from app.auth.services import find_organisation
from app.extensions import db
from app.items import queries
from app.items.models import BANDS_PER_DEGREE, Item, band_of
from app.items.pagination import cursor_of, newest_first
from app.items.views import PUBLIC_PAGE_SIZE
from app.proposals.models import Support
from tests.conftest import INSIDE, make_item, make_user
from tests.statements import counted_statements, planned_selects, query_plan

CARD = r'<h3 class="card-title"><a href="/signalements/(\d+)"'
# Three items share each creation time: the id must settle their order.
START = datetime(2026, 3, 1, 9, 0)


def insert_public_items(count, kind="gusp", category="proprete"):
    """`count` public items inserted in bulk (as years of use leave them), returned newest
    first, the order of every list."""
    rows = [{"kind": kind, "category": category, "description": f"Constat {n}",
             "lon": INSIDE[0] + n * 1e-5, "lat": INSIDE[1], "public_lon": INSIDE[0] + n * 1e-5,
             "public_lat": INSIDE[1], "position": "inside", "status": "new",
             "visibility": "public", "version": 1, "tracking_digest": secrets.token_hex(32),
             "created_at": START + timedelta(minutes=n // 3)} for n in range(count)]
    db.session.execute(db.insert(Item), rows)
    db.session.commit()
    items = db.session.scalars(db.select(Item)).all()
    return [item.id for item in sorted(items, key=lambda i: (i.created_at, i.id), reverse=True)]


def insert_items_over_the_town(count):
    """`count` public items inserted in bulk at random points of the whole town, so that a
    street-sized box holds a handful of them."""
    rng = random.Random(12)
    rows = [{"kind": "gusp", "category": "proprete", "description": "",
             "lon": lon, "lat": lat, "public_lon": lon, "public_lat": lat,
             "position": "inside", "status": "new", "visibility": "public", "version": 1,
             "tracking_digest": secrets.token_hex(32)}
            for lon, lat in ((rng.uniform(2.2, 2.4), rng.uniform(48.7, 48.8))
                             for _ in range(count))]
    db.session.execute(db.insert(Item), rows)
    db.session.commit()


def follow_pages(client, url):
    """Every page from `url` on, by its next links: (ids in order, the pages' bodies)."""
    ids, bodies = [], []
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.get_json()
        body = response.get_json()
        bodies.append(body)
        ids += [feature["id"] for feature in body["features"]]
        url = next((link["href"] for link in body["links"] if link["rel"] == "next"), None)
        assert len(bodies) < 20
    return ids, bodies


def test_a_cut_answer_says_how_many_match_and_links_to_the_rest(client):
    expected = insert_public_items(8)
    ids, bodies = follow_pages(client, "/api/v1/items?bbox=2.28,48.73,2.30,48.75&limit=3")
    assert ids == expected  # newest first, none skipped, none repeated
    assert [body["numberReturned"] for body in bodies] == [3, 3, 2]
    assert {body["numberMatched"] for body in bodies} == {8}
    assert bodies[-1]["links"] == []
    assert parse_qs(urlsplit(bodies[0]["links"][0]["href"]).query)["bbox"] == [
        "2.28,48.73,2.30,48.75"]


def test_an_answer_within_the_cap_is_whole_and_says_so(client):
    expected = insert_public_items(4)
    body = client.get("/api/v1/items?bbox=-180,-90,180,90").get_json()
    assert body["type"] == "FeatureCollection"
    assert [f["id"] for f in body["features"]] == expected
    assert (body["numberMatched"], body["numberReturned"], body["links"]) == (4, 4, [])


def test_items_filed_while_paging_neither_shift_nor_repeat_a_page(client):
    expected = insert_public_items(6)
    first = client.get("/api/v1/items?limit=4").get_json()
    insert_public_items(3)  # newer items arrive between two pages
    rest, _bodies = follow_pages(client, first["links"][0]["href"])
    assert [f["id"] for f in first["features"]] + rest == expected


@pytest.mark.parametrize("query", ["limit=0", "limit=2001", "limit=dix", "after=hier",
                                   "clusters=0", "clusters=-3",
                                   "after=20261301T000000000000.1", "after=../../etc"])
def test_a_malformed_page_request_is_a_clear_422(client, query):
    response = client.get(f"/api/v1/items?{query}")
    assert response.status_code == 422
    field = query.split("=")[0]
    assert set(response.get_json()["errors"]) == {field}


@pytest.mark.parametrize("analysed", [False, True])
def test_the_public_bbox_read_is_served_by_the_position_index(analysed):
    """A street-sized box among items spread over the whole town: the database must find
    them through the index on the shown position, one short range of longitudes per
    latitude band, not by reading every public item nor the box's whole north-south stripe.
    SQLite has no statistics until ANALYZE and must choose well both ways; PostgreSQL's
    autovacuum always gathers them, so it is asked with statistics."""
    insert_items_over_the_town(3000)
    if analysed or db.engine.dialect.name == "postgresql":
        db.session.execute(text("ANALYZE item"))
        db.session.commit()
    bbox = (2.288, 48.737, 2.289, 48.7376)
    clauses = queries._selection(None, bbox, None, None, None)
    plan = query_plan(queries.listing(clauses, None, bbox).limit(2001))
    assert_read_band_by_band(plan)
    map_read = select(Item.id, Item.created_at, Item.category, Item.status, Item.map_feature)
    plan = query_plan(queries.by_band(map_read.where(*clauses).order_by(*newest_first())
                                      .limit(2001), None, bbox))
    assert_read_band_by_band(plan)
    if db.engine.dialect.name == "sqlite":  # the map's text is read from the index alone
        assert "COVERING INDEX ix_item_public_map" in plan, plan
    resident = make_user(email="plan-resident@example.org")  # sees their own items too
    clauses = queries._selection(resident, bbox, None, None, None)
    assert_read_band_by_band(query_plan(queries.listing(clauses, resident, bbox)))


def assert_read_band_by_band(plan):
    """The plan seeks the public map's index by band and by longitude range."""
    if db.engine.dialect.name == "sqlite":
        assert "INDEX ix_item_public_map (public_band=? AND public_lon>? AND public_lon<?)" \
            in plan, plan
    else:
        assert re.search(r"(Index (Only )?Scan using|Bitmap Index Scan on) ix_item_public_map",
                         plan), plan
        assert re.search(r"Index Cond: \(\(public_band = ANY .*\(public_lon >= ", plan), plan


@pytest.mark.parametrize("analysed", [False, True])
def test_an_agents_bbox_read_finds_its_own_items_by_longitude(analysed):
    """An agent sees its organisation's items at their exact point and the others at the
    public one: the box reads the first from the organisation's map index, one range of
    longitudes, not every item of the organisation, and the others band by band."""
    insert_items_over_the_town(3000)
    hbh = find_organisation("hbh")
    db.session.execute(update(Item).where(Item.id % 2 == 0).values(organisation_id=hbh.id))
    db.session.commit()
    if analysed or db.engine.dialect.name == "postgresql":
        db.session.execute(text("ANALYZE item"))
        db.session.commit()
    agent = make_user("agent", "hbh")
    bbox = (2.288, 48.737, 2.289, 48.7376)
    clauses = queries._selection(agent, bbox, None, None, None)
    for statement in (queries.listing(clauses, agent, bbox).limit(2001),
                      select(func.count()).select_from(Item).where(*clauses)):
        plan = query_plan(statement)
        if db.engine.dialect.name == "sqlite":
            assert "INDEX ix_item_organisation_map (organisation_id=? AND lon>? AND lon<?)" \
                in plan, plan
        else:
            assert re.search(r"Index Cond: \(\(organisation_id = \d+\) AND \(lon >= ", plan), plan
        assert_read_band_by_band(plan)


@pytest.mark.parametrize("kind", ["gusp", "proposal"])
def test_a_box_whose_edges_cut_latitude_bands_finds_exactly_the_items_inside(client, kind):
    """Items on, just above and just below band edges and the box's own edges: the box
    answers exactly the items whose shown position lies in it, whatever bands they fall
    in, on both engines."""
    edge = 48.7370  # a band edge (band_of(edge) * BANDS_PER_DEGREE == edge)
    step = 1 / BANDS_PER_DEGREE
    lats = [edge + k * step + shift for k in range(-2, 4) for shift in (-1e-9, 0, 1e-9)]
    lons = [2.2880, 2.28805, 2.2881]
    rows = [{"kind": kind, "category": "proprete", "description": "",
             "lon": lon, "lat": lat, "public_lon": lon, "public_lat": lat,
             "position": "inside", "status": "new", "visibility": "public", "version": 1,
             "tracking_digest": secrets.token_hex(32)} for lon in lons for lat in lats]
    db.session.execute(db.insert(Item), rows)
    db.session.commit()
    placed = db.session.execute(select(Item.id, Item.public_lon, Item.public_lat,
                                       Item.public_band)).all()
    assert all(band == band_of(lat) for _id, _lon, lat, band in placed)
    boxes = [(2.2880, edge, 2.2881, edge + step), (2.28801, edge - 1e-9, 2.2881, edge + 2 * step),
             (2.2880, edge - step / 2, 2.28805, edge + 2.5 * step), (2.2879, edge, 2.2882, edge),
             (-180, -90, 180, 90)]
    for box in boxes:
        inside = {item_id for item_id, lon, lat, _band in placed
                  if box[0] <= lon <= box[2] and box[1] <= lat <= box[3]}
        for fields in ("", "&fields=map"):
            body = client.get("/api/v1/items?bbox={}{}".format(",".join(map(repr, box)),
                                                              fields)).get_json()
            assert {f["id"] for f in body["features"]} == inside, (box, fields)
            assert body["numberMatched"] == len(inside)


@pytest.mark.parametrize("lat", ["2.25e192", "-2.25e192", "-1.7976931348623155e308",
                                 "89.99999", "-90"])
def test_a_nearby_search_past_a_pole_finds_nothing_rather_than_failing(client, lat):
    """Its box names only the world's latitude bands: a latitude far past a pole once made
    a band number no database integer holds, and a 500."""
    make_item(publish=True)
    response = client.get(f"/api/v1/items/nearby?lon=2.2885&lat={lat}&category=proprete")
    assert response.status_code == 200
    assert response.get_json()["features"] == []


def test_a_list_of_proposals_counts_their_supports_in_one_query(client):
    def read():
        with counted_statements() as statements:
            features = client.get("/api/v1/items").get_json()["features"]
        return {f["id"]: f["properties"]["supports"] for f in features}, len(statements)

    first = insert_public_items(2, kind="proposal")
    supporters = [make_user(email=f"voisin{n}@example.org") for n in range(3)]
    db.session.execute(db.insert(Support), [
        {"item_id": first[0], "user_id": user.id} for user in supporters])
    db.session.commit()
    few, statements_for_few = read()
    assert few == {first[0]: 3, first[1]: 0}
    more = insert_public_items(30, kind="proposal")
    many, statements_for_many = read()
    assert len(many) == 32 and many[first[0]] == 3 and many[more[0]] == 0
    assert statements_for_many == statements_for_few  # no query per item


def test_the_public_list_pages_by_keyset_without_skipping_or_repeating(client):
    expected = insert_public_items(PUBLIC_PAGE_SIZE * 2 + 5)
    url, seen, pages = "/signalements", [], 0
    while url:
        page = client.get(url).get_data(as_text=True)
        assert f"{len(expected)} signalements" in page
        seen += [int(n) for n in re.findall(CARD, page)]
        found = re.search(r'<a href="([^"]+)" rel="next">', page)
        url = html.unescape(found.group(1)) if found else None
        pages += 1
    assert seen == expected and pages == 3


@pytest.mark.parametrize("analysed", [False, True])
def test_a_later_page_of_the_public_list_is_a_range_of_its_index(client, analysed):
    """A page far down the list starts where the cursor points in the index of public items
    by age, on either engine, with or without statistics: it must neither walk every newer
    item to find its start nor gather and sort the matches."""
    ids = insert_public_items(3000)
    if analysed or db.engine.dialect.name == "postgresql":
        db.session.execute(text("ANALYZE item"))
        db.session.commit()
    middle = db.session.get(Item, ids[1500])
    with planned_selects() as plans:
        page = client.get(f"/signalements?apres={cursor_of(middle)}").get_data(as_text=True)
    assert [int(n) for n in re.findall(CARD, page)] == ids[1501:1501 + PUBLIC_PAGE_SIZE]
    [plan] = [plan for statement, plan in plans if "ORDER BY item.created_at DESC" in statement]
    if db.engine.dialect.name == "sqlite":
        assert "ix_item_visibility_created_at (visibility=? AND created_at<?)" in plan, plan
        assert "TEMP B-TREE" not in plan, plan
    else:
        assert re.search(r"Index Cond: .*ROW\(created_at, id\) < ROW", plan), plan


def test_a_forged_page_link_shows_the_start_of_the_list(client):
    expected = insert_public_items(3)
    response = client.get("/signalements?apres=n-importe-quoi")
    assert response.status_code == 200
    page = html.unescape(response.get_data(as_text=True))
    assert "Ce lien de page n'est pas valide" in page
    assert [int(n) for n in re.findall(CARD, page)] == expected


def test_creating_an_item_reads_nothing_back_after_its_commit(client):
    statements, committed_at = [], []
    listen = [("before_cursor_execute", lambda conn, cursor, statement, *a:
               statements.append(statement)),
              ("commit", lambda conn: committed_at.append(len(statements)))]
    for name, listener in listen:
        event.listen(db.engine, name, listener)
    try:
        response = client.post("/api/v1/items", json={
            "type": "Feature", "geometry": {"type": "Point", "coordinates": list(INSIDE)},
            "properties": {"kind": "gusp", "category": "proprete", "description": "Sacs"}})
    finally:
        for name, listener in listen:
            event.remove(db.engine, name, listener)
    assert response.status_code == 201
    body = response.get_json()
    assert body["properties"]["history"][0]["status"] == "new"
    assert body["properties"]["version"] == 1 and body["properties"]["photos"] == []
    assert committed_at and statements[committed_at[-1]:] == []
    assert db.session.get(Item, body["id"]).description == "Sacs"


def test_a_map_zoomed_out_gets_counts_per_area_that_add_up(client):
    insert_public_items(40)  # along a 40 m line east of the centre
    url = "/api/v1/items?bbox=2.28,48.73,2.30,48.75&clusters=10"
    body = client.get(url).get_json()
    assert body["clustered"] is True and body["numberMatched"] == 40
    assert all(f["properties"]["cluster"] for f in body["features"])
    assert sum(f["properties"]["count"] for f in body["features"]) == 40
    for feature in body["features"]:
        lon, lat = feature["geometry"]["coordinates"]
        assert 2.28 <= lon <= 2.30 and 48.73 <= lat <= 48.75
    # zoomed in, or few enough: the items themselves
    within = client.get("/api/v1/items?bbox=2.28,48.73,2.30,48.75&clusters=40").get_json()
    assert "clustered" not in within and within["numberReturned"] == 40
    assert client.get("/api/v1/items?bbox=2.28,48.73,2.30,48.75").get_json()[
        "numberReturned"] == 40  # clients that do not ask never get clusters


def test_clusters_count_only_what_the_caller_may_see(client):
    insert_public_items(5)
    make_item(description="En attente de modération")  # pending: not public
    body = client.get("/api/v1/items?bbox=2.28,48.73,2.30,48.75&clusters=1").get_json()
    assert sum(f["properties"]["count"] for f in body["features"]) == 5


def test_clusters_are_decided_the_same_on_small_pages_and_later_pages(client):
    insert_public_items(6)
    box = "bbox=2.28,48.73,2.30,48.75"
    over = client.get(f"/api/v1/items?{box}&clusters=5&limit=2").get_json()
    assert over["clustered"] is True and over["numberMatched"] == 6
    first = client.get(f"/api/v1/items?{box}&clusters=6&limit=2&fields=map").get_json()
    assert "clustered" not in first
    assert (first["numberMatched"], first["numberReturned"]) == (6, 2)
    ids, bodies = follow_pages(client, first["links"][0]["href"])
    assert len(ids) == 4 and {body["numberMatched"] for body in bodies} == {6}
    assert [f["id"] for f in first["features"]] + ids == insert_order_newest_first()
    whole = client.get(f"/api/v1/items?{box}&clusters=6&fields=map").get_json()
    assert (whole["numberMatched"], whole["numberReturned"], whole["links"]) == (6, 6, [])
    plain = client.get(f"/api/v1/items?{box}&fields=map").get_json()
    assert whole == plain  # the map's bounded first read answers what a plain page does
    for fields in ("", "&fields=map"):
        over = client.get(f"/api/v1/items?{box}&clusters=5{fields}").get_json()
        assert over["clustered"] is True and over["numberMatched"] == 6


def insert_order_newest_first():
    return [item.id for item in db.session.scalars(select(Item).order_by(*newest_first()))]

