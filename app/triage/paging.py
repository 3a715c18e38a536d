"""Keyset pages of a working queue, read through the index of each of its parts.

A queue is the union of parts that each list in the order of an index: the triage queue
has one part per status, an organisation's queue two per status (items with a resolve due
date, by that date, then those without). Each part reads at most one page's worth of
index entries after the cursor, the parts' rows are merged in Python, and the items of the
page are then loaded by id: reading page 500 costs what page 1 does, whatever the size of
the table, and an item filed meanwhile never makes a page skip or repeat one.

A cursor is the sort key of the last item of a page, written as text: nothing secret, but
checked, so a forged or stale one is refused rather than read as some other position.

Counts stop at COUNT_CAP: past it a page says "more than 1,000", which costs reading 1,001
index entries instead of all of them.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from sqlalchemy import (
    and_,
    bindparam,
    cast,
    false,
    func,
    literal_column,
    not_,
    null,
    select,
    tuple_,
    union_all,
)

from app.extensions import db
from app.items.models import Item, ListedItem
from app.items.pagination import COUNT_CAP, BadCursor, position_cursor
from app.items.pagination import read_cursor as read_position

_DUE = "%Y%m%d"
_DUE_HEAD = re.compile(r"(?:(\d{8}|-)\.)?(.*)")


@dataclass(frozen=True)
class Part:
    """Rows matching `clauses`, in the order of `keys` (columns of one index); read on
    SQLite from the index named `index` when it is set (see part_query). `fixed`: columns
    of the index before `keys` that `clauses` hold to one value other than by equality
    (`IS NULL`), also ordered by, so that PostgreSQL sees the index gives the order."""

    clauses: tuple
    keys: tuple
    index: str | None = None
    fixed: tuple = ()


@dataclass(frozen=True)
class QueuePage:
    items: list
    total: int  # up to COUNT_CAP + 1 (then "more than COUNT_CAP")
    counts: dict
    next_cursor: str | None  # None on the last page


def write_cursor(key):
    """Text for a sort key: (created_at, id), or (no due date, due date, created_at, id)."""
    *due, created_at, item_id = key
    head = ""
    if due:
        head = "-." if due[0] else f"{due[1].strftime(_DUE)}."
    return head + position_cursor(created_at, item_id)


def read_cursor(text, with_due):
    """The sort key written by write_cursor; raises BadCursor for anything else, including
    a cursor of the other kind of queue."""
    found = _DUE_HEAD.fullmatch(text or "")
    if found is None or (found.group(1) is not None) != with_due:
        raise BadCursor(text)
    position = read_position(found.group(2))
    if not with_due:
        return position
    if found.group(1) == "-":
        return True, date.min, *position
    try:
        return False, datetime.strptime(found.group(1), _DUE).date(), *position
    except ValueError as error:
        raise BadCursor(text) from error


@dataclass(frozen=True)
class Reading:
    """The statement reading the keys of a queue's parts (keys_query), built once for
    every page of its shape, and how many keys each part read has."""

    statement: object
    widths: tuple


def reading(parts, starts, limit):
    """A Reading of the first `limit` + 1 rows of `parts` (a page and the sign of more),
    each starting as `starts` says: None from its beginning, False not read (the part lies
    before the position), True after the position, given when reading (position_params)."""
    started = [(part, after(part) if start else None)
               for part, start in zip(parts, starts, strict=True) if start is not False]
    return Reading(keys_query(started, limit + 1) if started else None,
                   tuple(len(part.keys) for part, _start in started))


def after(part):
    """The position a part starts after, as parameters named after its keys."""
    return tuple(bindparam(f"after_{key.key}", type_=key.type) for key in part.keys)


def position_params(keys, position):
    """The parameters of `after` for the keys (columns) at `position` (their values)."""
    return {f"after_{key.key}": value for key, value in zip(keys, position, strict=True)}


def read_page(reading, params, sort_key, limit, rows=None):
    """(items, next cursor): the first `limit` items over the parts of `reading`, read with
    `params`; `sort_key(row)` turns a part's row of keys into the queue's sort key. With
    `rows` (a select of columns with the item's `id` and `created_at`), the page holds
    ListedItems of it instead of items: a queue's table reads the few columns it shows.

    The parts' keys are read in one statement, and the page's items in another, however
    many parts the queue has."""
    found = db.session.execute(reading.statement, params) if reading.widths else []
    keys = sorted(sort_key(tuple(row[-reading.widths[row[0]]:])) for row in found)
    ids = [key[-1] for key in keys[:limit]]
    if rows is None:
        page = db.session.scalars(_by_ids(WHOLE_ITEMS), {"ids": ids})
    else:
        page = map(ListedItem, db.session.execute(_by_ids(rows), {"ids": ids}))
    by_id = {row.id: row for row in page}
    more = len(keys) > limit
    return [by_id[i] for i in ids], write_cursor(keys[limit - 1]) if more else None


# What a page holds without `rows`: one constant, so that _by_ids builds its statement once
# (a select made at each call would be a new key of its cache every time).
WHOLE_ITEMS = select(Item)


@lru_cache(maxsize=16)
def _by_ids(query):
    return query.where(Item.id.in_(bindparam("ids", expanding=True)))


def keys_query(started, limit):
    """One statement reading the keys of each (part, start)'s first `limit` rows: each part
    is a subquery keeping its own order and limit (so its own index range), its rows the
    number of the part then its keys right-aligned under the widest part's (NULL of their
    type before the keys of a narrower part)."""
    widest = max((part.keys for part, _start in started), key=len)
    selects = []
    for number, (part, start) in enumerate(started):
        read = part_query(part, start, limit).subquery()
        padding = [cast(null(), key.type) for key in widest[:len(widest) - len(part.keys)]]
        selects.append(select(literal_column(str(number)), *padding, *read.c))
    return union_all(*selects) if len(selects) > 1 else selects[0]


def due_parts(clauses):
    """The two parts of a list by resolve due date (the soonest first, then the items with
    none), each oldest first, among the items matching `clauses`."""
    return [Part((Item.resolve_due.is_not(None), *clauses),
                 (Item.resolve_due, Item.created_at, Item.id)),
            # PostgreSQL takes `resolve_due IS NULL` as a condition, not a fixed value:
            # ordered by created_at alone, it sorted a status's items read from another
            # index (18 ms for an organisation's routed items at 100,000, against 0.03).
            Part((Item.resolve_due.is_(None), *clauses), (Item.created_at, Item.id),
                 fixed=(Item.resolve_due,))]


def due_position(start):
    """(where the position falls: None before the first page, "dated" or "undated", its
    parameters) of the cursor `start` of a list by due date (a text a page gave, or None;
    BadCursor for anything else)."""
    if start is None:
        return None, {}
    undated, due, created_at, item_id = read_cursor(start, with_due=True)
    if undated:
        return "undated", position_params(_UNDATED_KEYS, (created_at, item_id))
    return "dated", position_params(_DATED_KEYS, (due, created_at, item_id))


_DATED_KEYS, _UNDATED_KEYS = (part.keys for part in due_parts(()))


def due_reading(parts, falls, limit):
    """The Reading of parts made by due_parts after a position that `falls` as due_position
    says: after a dated one, the dated parts start after it and the undated ones at their
    beginning; after an undated one, only the undated parts are read, after it."""
    def start(part):
        dated = len(part.keys) == 3
        if falls is None:
            return None
        if falls == "dated":
            return True if dated else None
        return not dated
    return reading(parts, [start(part) for part in parts], limit)


def read_due_page(parts, start, limit, rows=None):
    """read_page over parts made by due_parts, after the cursor `start` (a text a page
    gave, or None for the first page; BadCursor for anything else)."""
    falls, params = due_position(start)
    return read_page(due_reading(parts, falls, limit), params, due_sort_key, limit, rows)


def due_sort_key(row):
    """Due dates first, soonest first, then no due date."""
    if len(row) == 3:
        return False, *row
    return True, date.min, *row


def part_query(part, start, limit):
    """The keys of a part's first `limit` rows after `start` (None: from its beginning).
    A part that names its index is read from it on SQLite, which, without statistics,
    would rather walk the index in the part's order and test every row (PostgreSQL weighs
    both from its own)."""
    query = select(*part.keys).where(*part.clauses)
    if part.index:
        query = query.with_hint(Item, f"INDEXED BY {part.index}", "sqlite")
    if start is not None:
        query = query.where(tuple_(*part.keys) > tuple_(*start))
    return query.order_by(*part.fixed, *part.keys).limit(limit)


def capped(clauses):
    """A scalar subquery: how many items match `clauses` (a tuple of WHERE clauses, or a
    list of such tuples for items matching any of them), counting at most COUNT_CAP + 1.

    Alternatives are read one after the other (UNION ALL), each leaving out the items an
    earlier one takes, so the count stops at COUNT_CAP + 1 like a single one: a UNION
    gathered every match of each to drop the repeated ones (all the overdue items of the
    city, for a figure that shows "more than 1,000")."""
    alternatives = clauses if isinstance(clauses, list) else [clauses]
    selects = [select(Item.id).where(*each, *(not_(func.coalesce(and_(*earlier), false()))
                                              for earlier in alternatives[:n]))
               for n, each in enumerate(alternatives)]
    matching = selects[0] if len(selects) == 1 else union_all(*selects)
    limited = matching.limit(COUNT_CAP + 1).subquery()
    return select(func.count()).select_from(limited).scalar_subquery()


@dataclass(frozen=True)
class Counts:
    """One statement counting, capped, the items of each of `names`."""

    names: tuple
    statement: object


def counts_query(named_clauses):
    """The Counts of each (name, clauses as capped takes them)."""
    names = tuple(named_clauses)
    return Counts(names, select(*(capped(named_clauses[n]) for n in names)))


def capped_counts(counts, params=None):
    """{name: capped count} of `counts` (made by counts_query), read with `params`."""
    values = db.session.execute(counts.statement, params or {}).one()
    return dict(zip(counts.names, values, strict=True))
