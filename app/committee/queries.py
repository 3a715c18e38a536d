"""Reading the follow-up: the list of items, counts by status × organisation × category,
overdue counts, and the map's clusters."""

from dataclasses import dataclass

from sqlalchemy import Integer, case, cast, func, select

from app.auth.models import Organisation
from app.extensions import db
from app.items.models import Item
from app.items.status import Status
from app.triage.paging import due_parts, read_due_page
from app.triage.queries import overdue_clause

from .filters import clauses

PAGE_SIZE = 50
# Clusters: a square of about this many pixels of the map holds one marker.
CLUSTER_PIXELS = 64


def followup_page(filters, viewer, start=None):
    """(items, total, next cursor): PAGE_SIZE filtered items after the cursor `start` (a
    text a page gave, None for the first page; BadCursor for anything else), the most
    urgent due date first, then the oldest, as an organisation's queue lists them. Every
    page costs what the first does, and an item filed meanwhile never makes one skip."""
    where = tuple(clauses(filters, viewer))
    total = db.session.scalar(select(func.count(Item.id)).where(*where))
    items, next_cursor = read_due_page(due_parts(where), start, PAGE_SIZE)
    return items, total, next_cursor


@dataclass(frozen=True)
class Breakdown:
    statuses: list  # the statuses present, in workflow order
    rows: list  # [((organisation id or None, category), {status value: count})]
    by_status: dict  # {Status: count}

    @property
    def total(self):
        return sum(self.by_status.values())


def status_breakdown(filters, viewer):
    """Counts by status × organisation × category, over every status (the status filter
    is left out: the table shows them all)."""
    counts = db.session.execute(
        select(Item.status, Item.organisation_id, Item.category, func.count(Item.id))
        .where(*clauses(filters, viewer, with_status=False))
        .group_by(Item.status, Item.organisation_id, Item.category)).all()
    table = {}
    for status, organisation_id, category, count in counts:
        table.setdefault((organisation_id, category), {})[status] = count
    statuses = [s for s in Status if any(row[0] == s.value for row in counts)]
    return Breakdown(
        statuses,
        sorted(table.items(), key=lambda pair: (pair[0][0] is None, pair[0][0] or 0,
                                                pair[0][1])),
        {s: sum(row[3] for row in counts if row[0] == s.value) for s in statuses})


def overdue_by_organisation(filters, viewer):
    """[(organisation name or None, items, overdue items)] of the filtered items, by name;
    None stands for the items not routed yet."""
    late = overdue_clause(filters.today)
    rows = db.session.execute(
        select(Item.organisation_id, func.count(Item.id), func.sum(case((late, 1), else_=0)))
        .where(*clauses(filters, viewer)).group_by(Item.organisation_id)).all()
    names = dict(db.session.execute(select(Organisation.id, Organisation.name)).all())
    return sorted(((names.get(organisation_id), total, int(overdue or 0))
                   for organisation_id, total, overdue in rows),
                  key=lambda row: (row[0] is None, row[0] or ""))


def clusters(filters, viewer, bbox, zoom):
    """Markers of the map at `zoom` inside `bbox` (minlon, minlat, maxlon, maxlat): items
    grouped by squares of about CLUSTER_PIXELS pixels, counted in SQL.

    Each marker is (lon, lat, count, overdue count, lowest item id): the mean position of
    its items. The
    squares are a display grid in degrees (Web Mercator tiles), not a distance."""
    degrees = 360 / (256 * 2 ** zoom) * CLUSTER_PIXELS
    minlon, minlat, maxlon, maxlat = bbox
    # Positive before the cast: SQLite truncates, PostgreSQL rounds; either way one square
    # per integer, which is all a display grid needs (and both engines have CAST).
    column = cast((Item.lon + 180) / degrees, Integer)
    row = cast((Item.lat + 90) / degrees, Integer)
    late = overdue_clause(filters.today)
    where = clauses(filters, viewer) + [Item.lon.between(minlon, maxlon),
                                        Item.lat.between(minlat, maxlat)]
    return db.session.execute(
        select(func.avg(Item.lon), func.avg(Item.lat), func.count(Item.id),
               func.sum(case((late, 1), else_=0)), func.min(Item.id))
        .where(*where).group_by(column, row)).all()
