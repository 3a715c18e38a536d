"""Recurring hotspots: several items of one category within 30 m of one of them, over
the 12 months that end with the period (or today)."""

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import numpy as np
from sqlalchemy import select

from app.extensions import db
from app.geo.clusters import groups_within
from app.items.models import Item, reference_of
from app.items.status import Status

from .filters import EVERY, OPEN_STATUSES, clauses
from .period import CONTRACT_START, Period

RADIUS_M = 30
MINIMUM_ITEMS = 3
WINDOW_DAYS = 365
# A duplicate or a rejected item is not a second occurrence.
NOT_OCCURRENCES = (Status.DUPLICATE.value, Status.REJECTED.value)


@dataclass(frozen=True)
class Member:
    id: int
    created_at: datetime
    status: str

    @property
    def reference(self):
        return reference_of(self.id, self.created_at.year)


@dataclass(frozen=True)
class Hotspot:
    category: str
    lon: float  # the centre item's position
    lat: float
    rows: tuple  # (id, category, lon, lat, status, created_at) of its items, by id
    open_count: int

    @property
    def count(self):
        return len(self.rows)

    @property
    def first(self):
        """The day its first item was received (read only for the hotspots listed)."""
        return min(row.created_at for row in self.rows).date()

    @property
    def last(self):
        return max(row.created_at for row in self.rows).date()

    def members(self, limit):
        """The first `limit` items, to be named."""
        return [Member(row.id, row.created_at, row.status) for row in self.rows[:limit]]

    @property
    def persistent(self):
        """Still active: one of its items is still open."""
        return self.open_count > 0


def window(filters):
    """The Period hotspots are looked for in: 12 months ending at the period's end."""
    end = filters.period.end if filters.period is not None else filters.today
    return Period(max(end - timedelta(days=WINDOW_DAYS - 1), CONTRACT_START), end)


def recurring_hotspots(filters, viewer):
    """[Hotspot] among the filtered items (any status but duplicate and rejected) of the
    12-month window, the largest first."""
    within = replace(filters, period=window(filters), state=EVERY)
    rows = db.session.connection().execute(  # plain rows: no ORM work for thousands
        select(Item.id, Item.category, Item.lon, Item.lat, Item.status, Item.created_at)
        .where(*clauses(within, viewer), Item.status.not_in(NOT_OCCURRENCES))
        .order_by(Item.id)).all()
    if not rows:
        return []
    _ids, categories, lons, lats, statuses, _created = zip(*rows, strict=True)
    codes = {}
    labels = [codes.setdefault(category, len(codes)) for category in categories]
    open_statuses = {s.value for s in OPEN_STATUSES}
    is_open = [status in open_statuses for status in statuses]
    found = []
    # One grouping for every category: items of different categories are never neighbours.
    for centre, indices in groups_within(np.array([lons, lats]).T, RADIUS_M, MINIMUM_ITEMS,
                                         labels):
        found.append(Hotspot(
            categories[centre], lons[centre], lats[centre],
            tuple(rows[i] for i in indices),  # by id, as the query read them
            sum(is_open[i] for i in indices)))
    return sorted(found, key=lambda h: (-h.count, h.category, h.rows[0].id))
