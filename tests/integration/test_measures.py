"""Figures on crafted data with known answers: working-day delays (a median, a public
holiday), recurring hotspots in metres, the share of findings found fixed at the next walk,
night feeling of safety. The same on SQLite and PostgreSQL."""

import datetime as dt
import random

from sqlalchemy import update

from app.auth.services import find_organisation, find_user
from app.clock import paris_midnight_utc, paris_today
from app.committee import delays, hotspots, walk_followup
from app.committee.filters import read_filters
from app.extensions import db
from app.items.models import Item
from app.items.status import Status, transition
from app.walks import services as walks
from app.walks.models import RATINGS, WalkStatus
from app.workdays import working_days_between
from tests.conftest import INSIDE, make_item, make_user, page_text
from tests.integration.test_walks import MONT_BLANC, offset, walk_data
from tests.unit.test_geo_clusters import plain_groups_by_label
from tests.workflow import routed_item

# Tuesday 10 November 2026, 9:00 in Paris (8:00 UTC); Wednesday 11 is Armistice Day.
ROUTED = dt.datetime(2026, 11, 10, 8, 0)


def answered_item(org, category, acknowledged_on, resolved_on=None):
    """An item routed at ROUTED, acknowledged and maybe resolved on the given Paris days
    (10:00 UTC), with its history dated accordingly."""
    item = routed_item(org, category=category)
    agent = find_user(f"agent-{org}@example.org") or make_user(
        "agent", org, email=f"agent-{org}@example.org")
    transition(item, Status.ACKNOWLEDGED, agent)
    if resolved_on:
        transition(item, Status.RESOLVED, agent, "Fait")
    db.session.flush()
    moments = {"routed": ROUTED, "acknowledged": dt.datetime.combine(acknowledged_on,
                                                                     dt.time(10)),
               "resolved": dt.datetime.combine(resolved_on, dt.time(10)) if resolved_on
               else None}
    for event in item.events:
        event.created_at = moments.get(event.to_status) or ROUTED - dt.timedelta(hours=1)
    # As if it had all happened on those days (status.py dated the answers just now).
    item.routed_at, item.answered_at = ROUTED, moments["acknowledged"]
    item.resolved_at = moments["resolved"]
    item.answer_days = working_days_between(ROUTED.date(), acknowledged_on)
    item.resolve_days = working_days_between(ROUTED.date(), resolved_on) if resolved_on \
        else None
    db.session.commit()
    return item


def _filters(query="", viewer=None):
    return read_filters(dict(pair.split("=") for pair in query.split("&") if pair), viewer)


def test_delays_in_working_days_give_a_known_mean_and_median():
    # Routed Tuesday 10 Nov. Wednesday 11 is a holiday: Thursday 12 is 1 working day,
    # Friday 13 is 2, Monday 16 is 3, Tuesday 17 is 4, Monday 23 is 8.
    answered_item("hbh", "tags", dt.date(2026, 11, 16), dt.date(2026, 11, 17))
    answered_item("hbh", "tags", dt.date(2026, 11, 12), dt.date(2026, 11, 13))
    answered_item("hbh", "proprete", dt.date(2026, 11, 10), dt.date(2026, 11, 23))
    routed_item("hbh", category="tags")  # still waiting: never counted as zero
    viewer = make_user("committee")
    filters = _filters(viewer=viewer)
    rows = delays.delay_rows(filters, viewer, Item.category)
    acknowledge, resolve = delays.overall(rows)
    assert acknowledge.histogram == {0: 1, 1: 1, 3: 1} and acknowledge.waiting == 1
    assert resolve.histogram == {2: 1, 4: 1, 8: 1} and resolve.waiting == 1
    assert resolve.median == 4 and resolve.mean == 4.7
    by_category = delays.summarise(rows, lambda values: values[0])
    assert by_category["tags"][1].histogram == {2: 1, 4: 1}
    assert by_category["tags"][1].median == 3
    assert by_category["proprete"][0].median == 0
    # An agent of another organisation measures nothing of HBH's.
    agent = make_user("agent", "vsgp")
    assert delays.delay_rows(_filters(viewer=agent), agent) == []


def test_the_status_door_counts_the_working_days_of_each_answer():
    item = routed_item("ville-antony", category="tags")
    item.routed_at = ROUTED
    agent = make_user("agent", "ville-antony")
    transition(item, Status.ACKNOWLEDGED, agent)
    transition(item, Status.RESOLVED, agent, "Fait")
    db.session.commit()
    expected = working_days_between(dt.date(2026, 11, 10), paris_today())
    assert item.answer_days == expected and item.resolve_days == expected
    assert item.answered_at is not None and item.resolved_at is not None
    coordinator = make_user("coordinator", email="reroute@x.org")
    transition(item, Status.REOPENED, coordinator, "Pas tenu")
    transition(item, Status.ROUTED, coordinator)  # a new routing starts the clock again
    assert item.answer_days is None and item.resolved_at is None


def test_the_delays_page_says_the_figures_in_words(client, auth):
    answered_item("ville-antony", "tags", dt.date(2026, 11, 16), dt.date(2026, 11, 17))
    auth.login("committee")
    page = page_text(client.get("/comite/suivi/delais"))
    assert ("Prise en compte : moyenne 3 jours ouvrés, médiane 3, sur 1 signalement(s) ; "
            "0 en attente.") in page
    assert "Résolution : moyenne 4 jours ouvrés, médiane 4" in page


def test_three_items_of_a_category_within_30_metres_make_a_hotspot(client, auth):
    centre = make_item(where=INSIDE, category="depots-sauvages")
    near = [make_item(where=offset(INSIDE, metres, bearing), category="depots-sauvages")
            for metres, bearing in ((20, 0), (28, 180))]
    make_item(where=offset(INSIDE, 45, 90), category="depots-sauvages")  # too far
    make_item(where=offset(INSIDE, 10, 90), category="tags")  # another category
    viewer = make_user("committee")
    found = hotspots.recurring_hotspots(_filters("status=all", viewer), viewer)
    assert len(found) == 1
    assert {m.id for m in found[0].members(10)} == {centre.id, *(i.id for i in near)}
    assert found[0].open_count == 3 and found[0].persistent
    auth.login(user=viewer)
    page = page_text(client.get("/comite/suivi/points-recurrents"))
    assert "1 point récurrent" in page and centre.reference in page
    geojson = client.get("/comite/suivi/points-recurrents.geojson").json
    assert geojson["features"][0]["properties"]["label"].startswith("Point récurrent n° 1")


def test_items_older_than_twelve_months_make_no_hotspot():
    old = [make_item(where=offset(INSIDE, m, 0), category="tags") for m in (0, 5, 10)]
    for item in old:
        item.created_at = dt.datetime.combine(paris_today() - dt.timedelta(days=400),
                                              dt.time(12))
    db.session.commit()
    viewer = make_user("committee")
    assert hotspots.recurring_hotspots(_filters(viewer=viewer), viewer) == []



def test_hotspots_are_those_of_the_plain_rule_across_categories_and_the_window_edges():
    """Random items of two categories around one spot, some exactly 30 m apart, some
    received at the first moment of the 12-month window and some a second before it,
    some rejected: the hotspots are the plain rule's, category by category."""
    rng = random.Random(11)
    start = paris_midnight_utc(paris_today() - dt.timedelta(days=364))  # 365 days to today
    moments = [start, start - dt.timedelta(seconds=1), start + dt.timedelta(days=200), None]
    items, hbh = [], find_organisation("hbh")
    for _ in range(40):
        item = make_item(where=offset(INSIDE, rng.choice([0, 10, 20, 29.7, 30, 30, 30.6, 55]),
                                      rng.choice([0, 90, 180, 270, 45])),
                         category=rng.choice(["tags", "proprete"]))
        moment, status = rng.choice(moments), rng.choice(["new", "new", "rejected",
                                                          "resolved"])
        moment = moment or item.created_at
        routed = {"organisation_id": hbh.id, "routed_at": moment, "resolved_at": moment} \
            if status == "resolved" else {}
        db.session.execute(update(Item).where(Item.id == item.id).values(
            status=status, created_at=moment, **routed))
        items.append(item)
    db.session.commit()
    counted = sorted((i for i in items if i.created_at >= start
                      and i.status not in hotspots.NOT_OCCURRENCES), key=lambda i: i.id)
    expected = []
    for _centre, members in plain_groups_by_label(
            [(i.lon, i.lat) for i in counted], [i.category for i in counted], 30, 3):
        group = [counted[m] for m in members]
        expected.append((group[0].category, [i.id for i in group],
                         sum(1 for i in group if i.status == "new"),
                         min(i.created_at for i in group).date(),
                         max(i.created_at for i in group).date()))
    expected.sort(key=lambda h: (-len(h[1]), h[0], h[1][0]))
    viewer = make_user("committee")
    found = hotspots.recurring_hotspots(_filters(viewer=viewer), viewer)
    assert expected and [(h.category, [m.id for m in h.members(h.count)], h.open_count,
                          h.first, h.last) for h in found] == expected

def held_walk(when, **changes):
    walk = walks.plan_walk(make_user("coordinator", email=f"w-{when}@x.org"),
                           walk_data(date=when, **changes))
    walks.change_walk_status(None, walk, WalkStatus.CLOSED)
    db.session.commit()
    return walk


def test_share_of_findings_found_fixed_at_the_next_walk(app, client, auth):
    first = held_walk(paris_today() - dt.timedelta(days=60))
    findings = []
    for metres in (5, 10, 15, 20):
        item = make_item(where=offset(MONT_BLANC, metres, 90), kind="dem", walk=first.id,
                         category="eclairage")
        item.created_at = dt.datetime.combine(first.date, dt.time(19))
        findings.append(item)
    strong = make_item(where=offset(MONT_BLANC, 25, 90), kind="dem", walk=first.id,
                       strong_point=True)
    strong.created_at = findings[0].created_at
    db.session.commit()
    second = held_walk(paris_today() - dt.timedelta(days=5))
    assert second.previous_walk_id == first.id
    coordinator = make_user("coordinator", email="facilitator@x.org")
    for item in findings[:2]:
        item.organisation = find_organisation("ville-antony")
        transition(item, Status.ROUTED, coordinator)
        transition(item, Status.RESOLVED, coordinator, "Lampe changée")
    db.session.commit()
    with app.test_request_context():
        walks.record_recheck(coordinator, second, findings[0], "resolved")
        walks.record_recheck(coordinator, second, findings[1], "resolved")
        walks.record_recheck(coordinator, second, findings[2], "worse", "Plus sombre")
    db.session.commit()
    viewer = make_user("committee")
    rows = walk_followup.walk_followups(_filters(viewer=viewer), viewer)
    row = next(r for r in rows if r.walk.id == first.id)
    assert (row.findings, row.fixed, row.unchecked) == (4, 2, 1)
    assert row.share_fixed == 0.5
    assert walk_followup.confirmed_share(rows) == (2, 4)
    auth.login(user=viewer)
    page = page_text(client.get("/comite/suivi/marches")).replace("\xa0", " ")
    assert "2 constat(s) sur 4 retrouvé(s) réparé(s) à la marche suivante, soit 50 %" in page


def test_night_feeling_of_safety_changes_per_sector():
    def graded(walk, feeling):
        for stop in walk.stops:
            walks.save_night_grid(None, stop, {"lighting_state": "weak",
                                               **dict.fromkeys(RATINGS, 2), "feeling": feeling})
        db.session.commit()

    graded(held_walk(paris_today() - dt.timedelta(days=90)), 1)
    graded(held_walk(paris_today() - dt.timedelta(days=10)), 3)
    graded(held_walk(paris_today() - dt.timedelta(days=30), sector="Baconnets"), 2)
    sectors = {s.sector: s for s in walk_followup.night_safety(None)}
    assert sectors["Mont Blanc"].change == 2 and sectors["Mont Blanc"].grids == 6
    assert sectors["Baconnets"].change is None
