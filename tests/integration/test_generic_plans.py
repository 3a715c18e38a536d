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
from tests.integration.test_items_at_scale import insert_public_items
from tests.integration.test_queue_paging import insert_items
from tests.statements import generic_planned_selects

# A queue page reads its items' keys in one statement of a part per status, then the items.
KEYS = re.compile(r"^\s*SELECT 0, anon_1\.")
LIST = "ORDER BY item.created_at DESC"


@pytest.fixture(autouse=True)
def postgresql_only(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("generic plans are PostgreSQL's")


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
