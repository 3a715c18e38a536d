"""Time to acknowledge and time to resolve, in working days, by organisation, category or
any other grouping.

Measured from the item's (last) routing to the organisation's first answer after it
(acknowledged, planned or resolved) and to its first resolution; items/status.py keeps
those working days on the item (`answer_days`, `resolve_days`), counted on Paris days
without weekends and French public holidays (app/workdays.py). Items still waiting are
counted apart, never as zero; rejected items and duplicates are left out (nobody has to
answer them). The database groups; Python only reads a histogram per group.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass

from sqlalchemy import func, select

from app.extensions import db
from app.items.models import Item
from app.items.status import Status

from .filters import clauses

# Never routed, or closed without anyone having to answer.
NOT_MEASURED = (Status.NEW.value, Status.REJECTED.value, Status.DUPLICATE.value)


@dataclass(frozen=True)
class Delays:
    """Working days of the measured items as {days: how many items}; `waiting`: routed
    items without the answer yet."""

    histogram: dict
    waiting: int

    @property
    def count(self):
        return sum(self.histogram.values())

    @property
    def mean(self):
        count = self.count
        return round(sum(d * n for d, n in self.histogram.items()) / count, 1) if count else None

    @property
    def median(self):
        count = self.count
        if not count:
            return None
        ordered = sorted(self.histogram.items())

        def nth(rank):  # the rank-th smallest value, from 0
            seen = 0
            for days, n in ordered:
                seen += n
                if rank < seen:
                    return days
            return ordered[-1][0]

        middle = count // 2
        return nth(middle) if count % 2 else (nth(middle - 1) + nth(middle)) / 2


EMPTY = (Delays({}, 0), Delays({}, 0))


def delay_rows(filters, viewer, *columns, where=(), joins=()):
    """[(values of `columns`, answer days, resolve days, how many items)] of the filtered
    routed items (every status), narrowed by `where`, with outer `joins` [(model, on)]:
    one pass of the database, grouped as finely as the pages will need."""
    query = select(*columns, Item.answer_days, Item.resolve_days, func.count(Item.id))
    for model, on in joins:
        query = query.outerjoin(model, on)
    query = (query.where(*clauses(filters, viewer, with_status=False),
                         Item.status.not_in(NOT_MEASURED), *where)
             .group_by(*columns, Item.answer_days, Item.resolve_days))
    return [(tuple(values), answer, resolve, count)
            for *values, answer, resolve, count in db.session.execute(query)]


def summarise(rows, key=lambda values: None):
    """{key(values): (Delays to acknowledge, Delays to resolve)} from delay_rows, keys
    sorted."""
    grouped = defaultdict(lambda: (Counter(), Counter(), [0, 0]))
    for values, answer, resolve, count in rows:
        acknowledged, resolved, waiting = grouped[key(values)]
        for days, histogram, side in ((answer, acknowledged, 0), (resolve, resolved, 1)):
            if days is None:
                waiting[side] += count
            else:
                histogram[days] += count
    return {k: (Delays(dict(a), w[0]), Delays(dict(r), w[1]))
            for k, (a, r, w) in sorted(grouped.items(), key=lambda pair: str(pair[0]))}


def overall(rows):
    """(Delays to acknowledge, Delays to resolve) of every row."""
    return summarise(rows).get(None, EMPTY)
