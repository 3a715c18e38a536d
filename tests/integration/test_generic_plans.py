"""The lists' reads keep their indexes under PostgreSQL's generic plans.

psycopg prepares a statement once a connection has run it five times (app/database.py),
and PostgreSQL may then run it by a generic plan, made once without looking at the values:
a plan that reads a queue's index in order for one status may read the whole table for
"any status". The other plan tests explain custom plans; these explain each list's page
read as a prepared statement would be, under `force_generic_plan`. PostgreSQL only: SQLite
prepares no statement across requests."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import text

from app.clock import paris_today
from app.extensions import db
from tests.integration.test_items_at_scale import (
    assert_read_band_by_band,
    insert_items_over_the_town,
    insert_public_items,
)
from tests.integration.test_queue_paging import insert_items
from tests.statements import generic_planned_selects

# A queue page reads its items' keys in one statement of a part per status, then the items.
KEYS = re.compile(r"^\s*SELECT 0, anon_1\.")
LIST = "ORDER BY item.created_at DESC"
# A street-sized box (where the other items of the town are few): what a phone's map asks.
STREET = "2.288,48.737,2.289,48.7376"


pytestmark = pytest.mark.usefixtures("postgresql_only")


@pytest.fixture
def years_of_items():
    """Thousands of items waiting for triage, hundreds routed to one organisation with
    due dates (some past), a few disputed and the public ones, with the statistics of a
    base in use: the plans are those a real base would get."""
    insert_items(3000)
    insert_items(3, status="returned", organisation="hbh", return_count=2)
    insert_items(600, status="routed", organisation="hbh", visibility="public",
                 due=lambda n: paris_today() + timedelta(days=n % 40 - 10))
    insert_public_items(1500)
    db.session.execute(text("ANALYZE item"))
    db.session.commit()


def generic_plans(client, url, chosen):
    """The generic plans of the SELECTs `chosen` (a test of their text) that `url` runs."""
    with generic_planned_selects() as plans:
        assert client.get(url).status_code == 200
    found = [plan for statement, plan in plans if chosen(statement)]
    assert found, f"{url} ran no such statement"
    return found


@pytest.mark.parametrize("path", ["/gestion/triage", "/gestion/triage?category=tags&kind=gusp",
                                  "/gestion/triage?disputed=1"])
def test_the_triage_queue_reads_its_index_in_order_under_a_generic_plan(
        client, auth, years_of_items, path):
    auth.login("coordinator")
    for plan in generic_plans(client, path, KEYS.match):
        assert re.search(r"Index (Only )?Scan using ix_item_triage_(queue|disputed)", plan), plan
        assert "Seq Scan on item" not in plan, plan


@pytest.mark.parametrize("path", ["/gestion/organisme", "/gestion/organisme?overdue=1"])
def test_an_organisation_queue_reads_its_index_in_order_under_a_generic_plan(
        client, auth, years_of_items, path):
    auth.login("agent", "hbh")
    for plan in generic_plans(client, path, KEYS.match):
        assert "ix_item_organisation_queue" in plan, plan
        assert "Seq Scan on item" not in plan, plan


def test_the_public_list_reads_its_index_in_order_under_a_generic_plan(client,
                                                                      years_of_items):
    for plan in generic_plans(client, "/signalements", lambda statement: LIST in statement):
        assert "Index Scan Backward using ix_item_visibility_created_at" in plan, plan
        assert "Seq Scan on item" not in plan and "Sort Key" not in plan, plan


@pytest.fixture
def town_of_items():
    """Public items all over the town, with the statistics of a base in use."""
    insert_items_over_the_town(3000)
    db.session.execute(text("ANALYZE item"))
    db.session.commit()


@pytest.mark.parametrize("query", [f"bbox={STREET}&fields=map&clusters=2000",
                                   f"bbox={STREET}&clusters=2000", f"bbox={STREET}"])
def test_the_public_map_reads_its_box_band_by_band_under_a_generic_plan(
        client, town_of_items, query):
    """The map's read (its first, whole box, and a page of features) asks for one range of
    longitudes per latitude band; a generic plan, made without the bands, still seeks them
    in the map's index rather than reading every public item."""
    for plan in generic_plans(client, f"/api/v1/items?{query}",
                              lambda statement: "public_band" in statement):
        assert_read_band_by_band(plan)
        assert "Seq Scan on item" not in plan, plan
