"""Keyset pagination of item lists, newest first: a page starts after the (created_at, id)
of the last item of the page before, so items filed meanwhile never make a page skip or
repeat one, and reading page 500 costs what reading page 1 does.

A cursor is that position written as text (`20261201T101500123456.4521`): nothing secret
(anyone may start a list anywhere), but checked, so a malformed one is refused rather than
read as the first page.
"""

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import tuple_

from .models import Item

# Lists count their items up to COUNT_CAP and then say "more than COUNT_CAP": reading
# 1,001 index entries instead of every matching row.
COUNT_CAP = 1000
_CURSOR = re.compile(r"(\d{8}T\d{12})\.(\d{1,18})")
_FORMAT = "%Y%m%dT%H%M%S%f"


class BadCursor(ValueError):
    """A cursor that no page ever gave."""


@dataclass(frozen=True)
class Page:
    items: list
    matched: int | None  # how many items the filters select in all pages (None: not counted)
    next_cursor: str | None  # where the next page starts, None on the last page


def cursor_of(item):
    return position_cursor(item.created_at, item.id)


def position_cursor(created_at, item_id):
    return f"{created_at.strftime(_FORMAT)}.{item_id}"


def read_cursor(text):
    """(created_at, id) from a cursor; raises BadCursor for anything a page did not give."""
    found = _CURSOR.fullmatch(text or "")
    if found is None:
        raise BadCursor(text)
    try:
        return datetime.strptime(found.group(1), _FORMAT), int(found.group(2))
    except ValueError as error:
        raise BadCursor(text) from error


def after(position):
    """A WHERE clause: the items listed after `position`, newest first. Written as one
    row comparison, which both engines read as a range of the created_at index: the same
    test spelt "before, or at the same moment with a smaller id" made SQLite walk the index
    from the newest item to the cursor (12 ms for a page past 50,000 public items)."""
    return tuple_(Item.created_at, Item.id) < tuple_(*position)


def newest_first():
    return (Item.created_at.desc(), Item.id.desc())
