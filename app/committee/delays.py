"""Time to acknowledge and time to resolve, in working days, by organisation and category.

Measured from the item's (last) routing to the organisation's first answer after it:
acknowledged, planned or resolved for the acknowledgement, resolved for the resolution.
Days are Paris calendar days; working days skip weekends and French public holidays
(app/routing/workdays.py). Items still waiting are counted apart, never as zero; rejected
items and duplicates are left out (nobody has to answer them).
"""

from collections import defaultdict
from dataclasses import dataclass
from statistics import fmean, median

from sqlalchemy import and_, case, func, select

from app.clock import paris_date
from app.extensions import db
from app.items.models import Item, ItemEvent
from app.items.status import Status
from app.routing.workdays import working_days_between

from .filters import clauses

ANSWERS = (Status.ACKNOWLEDGED.value, Status.PLANNED.value, Status.RESOLVED.value)
LEFT_OUT = (Status.REJECTED.value, Status.DUPLICATE.value)


@dataclass(frozen=True)
class Delays:
    """Working days of the measured items; `waiting`: routed items without the answer yet."""

    days: tuple
    waiting: int

    @property
    def count(self):
        return len(self.days)

    @property
    def mean(self):
        return round(fmean(self.days), 1) if self.days else None

    @property
    def median(self):
        return median(self.days) if self.days else None


@dataclass(frozen=True)
class DelayRow:
    item_id: int
    organisation_id: int | None
    category: str
    acknowledge: int | None  # working days, None while waiting
    resolve: int | None


def delay_rows(filters, viewer, *where):
    """One DelayRow per routed item among the filtered ones (every status), narrowed by
    the extra clauses `where`."""
    event = ItemEvent
    first_answer = func.min(case((event.to_status.in_(ANSWERS), event.created_at)))
    first_resolution = func.min(case((event.to_status == Status.RESOLVED.value,
                                      event.created_at)))
    query = (
        select(Item.id, Item.organisation_id, Item.category, Item.routed_at, first_answer,
               first_resolution)
        .join(event, and_(event.item_id == Item.id, event.created_at >= Item.routed_at))
        .where(*clauses(filters, viewer, with_status=False), Item.routed_at.is_not(None),
               Item.status.not_in(LEFT_OUT), *where)
        .group_by(Item.id, Item.organisation_id, Item.category, Item.routed_at))
    rows = []
    for item_id, organisation_id, category, routed_at, answered_at, resolved_at in (
            db.session.execute(query)):
        routed = paris_date(routed_at)
        rows.append(DelayRow(
            item_id, organisation_id, category,
            working_days_between(routed, paris_date(answered_at)) if answered_at else None,
            working_days_between(routed, paris_date(resolved_at)) if resolved_at else None))
    return rows


def summarise(rows, key):
    """{key(row): (Delays to acknowledge, Delays to resolve)}, keys sorted."""
    grouped = defaultdict(list)
    for row in rows:
        grouped[key(row)].append(row)
    return {k: (_delays(group, "acknowledge"), _delays(group, "resolve"))
            for k, group in sorted(grouped.items(), key=lambda pair: str(pair[0]))}


def _delays(rows, name):
    days = [getattr(row, name) for row in rows]
    measured = tuple(d for d in days if d is not None)
    return Delays(measured, len(days) - len(measured))


def overall(rows):
    return (_delays(rows, "acknowledge"), _delays(rows, "resolve"))
