"""The working queues and the public list read a page at a time by keyset: following the
next links lists every item once, in the queue's order, however the queue grows meanwhile;
a forged or stale page link shows the beginning with a French message; counts stop at
COUNT_CAP and say so; and a page costs the same statements with 5 items or 500."""

import html
import re
import secrets
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import text

from app.auth.services import find_organisation
from app.clock import paris_today
from app.extensions import db
from app.items.models import Item
from app.items.pagination import COUNT_CAP
from app.triage import paging, queries
from app.triage.queries import PAGE_SIZE, is_overdue
from tests.conftest import INSIDE, make_item, make_user, page_text
from tests.statements import counted_statements, query_plan

START = datetime(2026, 3, 1, 9, 0)
ROW = r'<th scope="row"><a href="/gestion/signalements/(\d+)"'
CARD = r'<h3 class="card-title"><a href="/signalements/(\d+)"'
NEXT = r'<a href="([^"]+)" rel="next">'
RESTARTED = "Ce lien de page n'est pas valide ou ne correspond plus à cette liste"


def insert_items(count, status="new", organisation=None, due=None, visibility="pending",
                 **fields):
    """`count` items inserted in bulk, created a minute apart (three by three, so some
    share their creation time), as years of use leave them; their ids in creation order."""
    organisation_id = find_organisation(organisation).id if organisation else None
    rows = [{"kind": "gusp", "category": "proprete", "description": f"Constat {n}",
             "lon": INSIDE[0], "lat": INSIDE[1], "public_lon": INSIDE[0],
             "public_lat": INSIDE[1], "position": "inside", "status": status,
             "visibility": visibility, "version": 1, "tracking_digest": secrets.token_hex(32),
             "organisation_id": organisation_id, "created_at": START + timedelta(minutes=n // 3),
             "resolve_due": due(n) if due else None, **fields} for n in range(count)]
    db.session.execute(db.insert(Item), rows)
    db.session.commit()
    return [item.id for item in sorted(db.session.scalars(db.select(Item)),
                                       key=lambda i: (i.created_at, i.id))]


def follow(client, url, pattern=ROW):
    """Every page from `url` on, by its next links: (ids in order, number of pages)."""
    ids, pages = [], 0
    while url:
        response = client.get(url)
        assert response.status_code == 200
        body = response.get_data(as_text=True)
        ids += [int(n) for n in re.findall(pattern, body)]
        found = re.search(NEXT, body)
        url = html.unescape(found.group(1)) if found else None
        pages += 1
    return ids, pages


def test_the_triage_queue_pages_oldest_first_and_reaches_an_item_filed_meanwhile(client,
                                                                                  auth):
    expected = insert_items(PAGE_SIZE * 2 + 5)
    auth.login("coordinator")
    first = client.get("/gestion/triage").get_data(as_text=True)
    assert [int(n) for n in re.findall(ROW, first)] == expected[:PAGE_SIZE]
    assert f"{len(expected)} signalements à trier" in first
    filed = make_item().id  # while the coordinator reads page 1
    seen, pages = follow(client, html.unescape(re.search(NEXT, first).group(1)))
    assert expected[:PAGE_SIZE] + seen == [*expected, filed] and pages == 2


def test_a_returned_item_is_listed_with_the_new_ones_in_order_of_age(client, auth):
    new = insert_items(4)
    db.session.execute(db.update(Item).where(Item.id.in_(new[1::2])).values(
        status="returned", organisation_id=find_organisation("hbh").id))
    db.session.commit()
    auth.login("coordinator")
    assert follow(client, "/gestion/triage")[0] == new
    only_returned = follow(client, "/gestion/triage?status=returned")[0]
    assert only_returned == new[1::2]


def test_an_organisation_queue_pages_soonest_due_first_and_a_new_urgent_item_tops_it(
        client, auth):
    today = paris_today()
    # Due dates spread over the coming weeks, every seventh item without one (listed last).
    expected = insert_items(PAGE_SIZE * 2 + 5, status="routed", organisation="hbh",
                            due=lambda n: None if n % 7 == 0 else today + timedelta(days=n % 40))
    insert_items(3, status="routed", organisation="vsgp", due=lambda n: today)
    items = {item.id: item for item in db.session.scalars(db.select(Item).where(
        Item.id.in_(expected)))}
    order = sorted(expected, key=lambda i: (items[i].resolve_due is None,
                                            items[i].resolve_due or date.min,
                                            items[i].created_at, i))
    auth.login("agent", "hbh")
    assert follow(client, "/gestion/organisme") == (order, 3)
    urgent = insert_items(1, status="routed", organisation="hbh",
                          due=lambda n: today - timedelta(days=1),
                          created_at=START + timedelta(days=400))[-1]
    first = client.get("/gestion/organisme").get_data(as_text=True)
    assert int(re.search(ROW, first).group(1)) == urgent


def test_a_queue_read_again_with_other_values_lists_what_they_select(client, auth):
    """A queue's statements are built once per shape of its filters, their values given at
    each reading: another organisation, category or day never gets the first one's."""
    tags = insert_items(2, status="routed", organisation="hbh", category="tags")
    litter = insert_items(2, status="routed", organisation="hbh")[2:]
    theirs = insert_items(3, status="routed", organisation="vsgp")[4:]
    hbh, vsgp = make_user("agent", "hbh"), make_user("agent", "vsgp")
    for user, path, expected in ((hbh, "/gestion/organisme?category=tags", tags),
                                 (hbh, "/gestion/organisme?category=proprete", litter),
                                 (vsgp, "/gestion/organisme?category=proprete", theirs),
                                 (vsgp, "/gestion/organisme?category=tags", [])):
        auth.login(user=user)
        assert sorted(follow(client, path)[0]) == sorted(expected), path
    late = insert_items(1, status="routed", organisation="vsgp",
                        due=lambda n: paris_today() - timedelta(days=1))[-1:]
    assert follow(client, "/gestion/organisme?overdue=1")[0] == late


@pytest.mark.parametrize("cursor", [
    "n-importe-quoi", "20261301T000000000000.4", "' OR 1=1 --", "-.x.1",
    "20260301T090000000000." + "9" * 19])
def test_a_forged_page_link_of_a_queue_shows_its_beginning_in_french(client, auth, cursor):
    expected = insert_items(3)
    auth.login("coordinator")
    response = client.get("/gestion/triage", query_string={"apres": cursor})
    assert response.status_code == 200
    body = html.unescape(response.get_data(as_text=True))
    assert RESTARTED in body
    assert [int(n) for n in re.findall(ROW, body)] == expected


def test_a_page_link_of_the_other_queue_is_refused_not_misread(client, auth):
    insert_items(PAGE_SIZE + 1, status="routed", organisation="hbh",
                 due=lambda n: paris_today())
    agent = make_user("agent", "hbh")
    auth.login(user=agent)
    organisation_link = re.search(NEXT, client.get("/gestion/organisme").get_data(
        as_text=True)).group(1)
    cursor = re.search(r"apres=([^&\"]+)", html.unescape(organisation_link)).group(1)
    assert cursor.count(".") == 2  # a due date, then the creation time and id
    auth.login("coordinator")
    body = html.unescape(client.get(f"/gestion/triage?apres={cursor}").get_data(as_text=True))
    assert RESTARTED in body
    auth.login(user=agent)
    shortened = cursor.split(".", 1)[1]  # a triage cursor given to the organisation queue
    body = html.unescape(client.get(f"/gestion/organisme?apres={shortened}").get_data(
        as_text=True))
    assert RESTARTED in body


def test_the_public_list_shows_a_new_item_first_on_its_first_page(client):
    insert_items(PUBLIC_CROWD, visibility="public")
    newest = insert_items(1, visibility="public", created_at=START + timedelta(days=30))[-1]
    body = client.get("/signalements").get_data(as_text=True)
    assert int(re.search(CARD, body).group(1)) == newest


PUBLIC_CROWD = 60


def test_counts_past_the_cap_say_more_than_the_cap(client, auth):
    insert_items(COUNT_CAP + 5, visibility="public")
    auth.login("coordinator")
    text_of_queue = page_text(client.get("/gestion/triage"))
    assert f"Plus de {COUNT_CAP} signalements à trier" in text_of_queue
    assert f"plus de {COUNT_CAP}" in text_of_queue  # the count of new items
    assert f"Plus de {COUNT_CAP} signalements" in page_text(client.get("/signalements"))


def insert_late_and_not(organisation="hbh"):
    """One item of each way of being late or not (status, acknowledge due, resolve due):
    late both ways, one way, not late, without a due date, resolved."""
    today = paris_today()
    late, soon = today - timedelta(days=3), today + timedelta(days=3)
    cases = [("routed", late, late), ("routed", late, None), ("routed", None, late),
             ("routed", soon, late), ("reopened", late, soon), ("acknowledged", late, late),
             ("planned", None, late), ("routed", soon, soon), ("acknowledged", late, soon),
             ("resolved", late, late), ("routed", None, None)]
    for status, acknowledge_due, resolve_due in cases:
        insert_items(1, status=status, organisation=organisation,
                     acknowledge_due=acknowledge_due, due=lambda _n, day=resolve_due: day)
    return cases


def test_the_overdue_count_counts_an_item_late_both_ways_once_and_stops_past_the_cap(
        monkeypatch):
    """Overdue is two alternatives (late to acknowledge, late to resolve), read one after the
    other: an item late both ways is counted once, a missing due date leaves an item to
    the other alternative, and the count stops at the cap across both."""
    today = paris_today()
    cases = insert_late_and_not()
    expected = sum(
        (status in ("routed", "reopened") and acknowledge is not None and acknowledge < today)
        or (resolve is not None and resolve < today and status != "resolved")
        for status, acknowledge, resolve in cases)
    overdue = {"overdue": queries.overdue_branches(today)}
    assert expected == 7 and paging.capped_counts(paging.counts_query(overdue)) == {"overdue": 7}
    monkeypatch.setattr(paging, "COUNT_CAP", 4)  # 3 late to acknowledge, then the others
    assert paging.capped_counts(paging.counts_query(overdue)) == {"overdue": 5}


def test_an_organisation_queue_filtered_on_overdue_lists_each_late_item_once(client, auth):
    """The overdue filter is read status by status, each with the ways of being late it
    can be in: an acknowledged item past its acknowledge due date alone is not late, one
    late both ways is listed once, and the total says as many as the page lists."""
    insert_late_and_not()
    insert_late_and_not("vsgp")
    hbh = find_organisation("hbh").id
    late = {item.id for item in db.session.scalars(db.select(Item).where(
        Item.organisation_id == hbh)) if is_overdue(item)}
    auth.login("agent", "hbh")
    listed, _pages = follow(client, "/gestion/organisme?overdue=1")
    assert len(late) == 7 and sorted(listed) == sorted(late)
    assert "7 signalements" in page_text(client.get("/gestion/organisme?overdue=1"))
    acknowledged, _pages = follow(client, "/gestion/organisme?overdue=1&status=acknowledged")
    assert [db.session.get(Item, i).resolve_due < paris_today() for i in acknowledged] == [True]


@pytest.mark.parametrize("path, role, org", [("/gestion/triage", "coordinator", None),
                                             ("/gestion/organisme", "agent", "hbh")])
def test_a_queue_page_costs_the_same_statements_for_5_items_or_150(client, auth, path, role,
                                                                   org):
    status = "routed" if org else "new"

    def statements_for_page():
        client.get(path)  # the session's last-seen date, noted once a minute
        with counted_statements() as statements:
            assert client.get(path).status_code == 200
        return len(statements)

    insert_items(5, status=status, organisation=org or "hbh", due=lambda n: paris_today())
    auth.login(role, org)
    few = statements_for_page()
    insert_items(150, status=status, organisation=org or "hbh", due=lambda n: paris_today())
    assert statements_for_page() == few


def test_the_queue_parts_are_read_from_an_index_in_their_order():
    """Each part of an organisation's queue is a range of the queue's index, already in
    order: no sort of the organisation's items, on either engine, when the parts of its
    statuses are read together in one statement. The items without a due date too: as
    many of the table's items have none, PostgreSQL would otherwise read them from the
    index by age and sort them. Most of an organisation's items are resolved, as after a
    year of use: its queue is a small part of them."""
    for status in ("routed", "planned"):
        insert_items(300, status=status, organisation="hbh", due=lambda n: paris_today())
    insert_items(1500, status="resolved", organisation="hbh", due=lambda n: paris_today())
    insert_items(600, status="routed", organisation="vsgp")
    insert_items(900)  # waiting for triage: no organisation, no due date
    db.session.execute(text("ANALYZE item"))
    db.session.commit()
    mine = (Item.organisation_id == find_organisation("hbh").id,)
    routed, routed_undated = paging.due_parts((Item.status == "routed", *mine))
    planned = paging.due_parts((Item.status == "planned", *mine))[0]
    statement = paging.keys_query([(routed, (paris_today(), START, 1)), (planned, None),
                                   (routed_undated, None)], PAGE_SIZE + 1)
    plan = query_plan(statement)
    assert plan.count("ix_item_organisation_queue") == 3, plan
    assert "TEMP B-TREE" not in plan and "Sort" not in plan, plan


def test_a_page_of_both_parts_holds_the_dated_items_then_the_undated_ones():
    """The parts read in one statement come back each with its own keys: the dated part's
    due dates as dates (its cursor names the day), the undated part's rows after them."""
    insert_items(3, status="routed", organisation="hbh", due=lambda n: paris_today())
    insert_items(2, status="routed", organisation="hbh")
    parts = paging.due_parts((Item.status == "routed",
                              Item.organisation_id == find_organisation("hbh").id))
    dated, cursor = paging.read_due_page(parts, None, 2)
    assert [item.resolve_due for item in dated] == [paris_today()] * 2
    assert cursor.startswith(f"{paris_today():%Y%m%d}.")
    mixed, cursor = paging.read_due_page(parts, cursor, 2)
    assert [item.resolve_due for item in mixed] == [paris_today(), None]
    assert cursor.startswith("-.")
    last, cursor = paging.read_due_page(parts, cursor, 2)
    assert [item.resolve_due for item in last] == [None] and cursor is None


def test_a_filtered_part_of_the_triage_queue_is_read_from_its_index_in_order():
    """A part of the triage queue filtered on category, kind and suggested organisation
    reads the triage index in its order, without sorting the status's items. (Filtered on
    disputed items, PostgreSQL may rather read the few of them by their returns.) The
    filter matches a third of the waiting items, as a category does: were it to match none,
    PostgreSQL would rightly read a table this small whole; and they are many enough that
    reading it whole could never be cheaper, whatever space earlier tests left in it."""
    hbh = find_organisation("hbh").id
    for category in ("tags", "proprete", "eclairage"):
        insert_items(600, category=category, suggested_organisation_id=hbh)
    insert_items(300, category="proprete", status="returned", organisation="hbh")
    db.session.execute(text("ANALYZE item"))
    db.session.commit()
    part = paging.Part((Item.status == "new", Item.category == "tags", Item.kind == "gusp",
                        Item.suggested_organisation_id == hbh), (Item.created_at, Item.id))
    statement = paging.keys_query([(part, None)], PAGE_SIZE + 1)
    plan = query_plan(statement)
    assert "ix_item_triage_queue" in plan, plan
    assert "TEMP B-TREE" not in plan and "Sort" not in plan, plan


def test_the_disputed_items_waiting_for_triage_are_found_by_their_returns(client, auth):
    """Filtered on disputed items, the triage queue finds the few of them by status and
    returns, rather than reading every new item: on SQLite by naming the index, on
    PostgreSQL from its statistics; and lists them oldest first. The new items are many
    enough that reading the table whole could never be the cheaper plan, whatever space
    the tests before this one left in it."""
    insert_items(3000)
    insert_items(3, status="returned", organisation="hbh", return_count=2)
    insert_items(3, status="returned", organisation="hbh", return_count=1)
    disputed = list(db.session.scalars(db.select(Item.id).where(Item.return_count >= 2)
                                       .order_by(Item.created_at, Item.id)))
    db.session.execute(text("ANALYZE item"))
    db.session.commit()
    part = paging.Part((Item.status == "new", Item.return_count >= 2), queries.TRIAGE_KEYS,
                       "ix_item_triage_disputed")
    statement = paging.keys_query([(part, None)], PAGE_SIZE + 1)
    plan = query_plan(statement)
    assert "ix_item_triage_disputed" in plan or "ix_item_triage_queue" not in plan, plan
    assert "Seq Scan" not in plan and "SCAN item" not in plan, plan
    auth.login("coordinator")
    assert follow(client, "/gestion/triage?disputed=1")[0] == disputed
