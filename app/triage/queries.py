"""The queues: what the coordination has to triage, and what an organisation has to do."""


from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import Date, and_, bindparam, false, or_, select

from app.auth.models import Organisation
from app.clock import paris_today
from app.items.models import Item
from app.items.status import Status

from .paging import (
    Counts,
    Part,
    QueuePage,
    Reading,
    capped_counts,
    counts_query,
    due_parts,
    due_position,
    due_reading,
    due_sort_key,
    position_params,
    read_cursor,
    read_page,
    reading,
)

PAGE_SIZE = 50
TRIAGE_STATUSES = (Status.NEW, Status.RETURNED)
# Waiting for the organisation: not yet acknowledged, or not yet resolved.
AWAITING_ACKNOWLEDGEMENT = (Status.ROUTED, Status.REOPENED)
AWAITING_RESOLUTION = (Status.ROUTED, Status.REOPENED, Status.ACKNOWLEDGED, Status.PLANNED)


# The ways of being overdue: the statuses of an item still owing a step, and the date that
# step is due by.
LATENESS = ((AWAITING_ACKNOWLEDGEMENT, Item.acknowledge_due),
            (AWAITING_RESOLUTION, Item.resolve_due))


# What a queue's table shows of each item (the flags of _queue.html included): a page is
# read as rows of these columns, not as items.
QUEUE_ROWS = (select(Item.id, Item.category, Item.status, Item.danger,
                     (Item.return_count >= 2).label("is_disputed"), Item.created_at,
                     Item.acknowledge_due, Item.resolve_due,
                     Organisation.name.label("suggested_name"))
              .outerjoin(Organisation, Organisation.id == Item.suggested_organisation_id))


def overdue_branches(today, *scope):
    """The two ways of being overdue, each a WHERE clause with `scope`: counted apart, each
    is read from the index of its due date."""
    return [(*scope, Item.status.in_(statuses), due < today) for statuses, due in LATENESS]


def overdue_in(status, today):
    """Overdue, among items of `status`: only the ways of being late an item of that status
    can be in (none for a status never late). A queue lists each status apart, so the part
    of an acknowledged or planned status reads a range of its resolve due date's index
    rather than testing both ways on each of the organisation's rows."""
    return or_(false(), *(due < today for statuses, due in LATENESS if status in statuses))


def overdue_clause(today):
    return or_(*(and_(*branch) for branch in overdue_branches(today)))


def is_overdue(item, today=None):
    """Past its acknowledge due date unacknowledged, or past its resolve due date open."""
    today = today or paris_today()
    return any(item.status in statuses and (day := getattr(item, due.key)) is not None
               and day < today for statuses, due in LATENESS)


# The filters that narrow a queue by a value, read as parameters of its statements.
NARROWING = ("category", "kind", "suggested")


def _narrowing(filters):
    """The WHERE clauses of the filters but the status and overdue ones (see _selection),
    the values of NARROWING as parameters named after them."""
    clauses = []
    if filters.get("category"):
        clauses.append(Item.category == bindparam("category"))
    if filters.get("kind"):
        clauses.append(Item.kind == bindparam("kind"))
    if filters.get("suggested"):
        clauses.append(Item.suggested_organisation_id == select(Organisation.id).where(
            Organisation.code == bindparam("suggested")).scalar_subquery())
    if filters.get("disputed"):
        clauses.append(Item.return_count >= 2)
    return clauses


def _shape(filters):
    """What the statements of a queue depend on, of `filters`: which filters are set, and
    the status filter's value; the other values are their parameters (_params)."""
    return (filters.get("status"), bool(filters.get("overdue")), bool(filters.get("disputed")),
            *(bool(filters.get(name)) for name in NARROWING))


def _filters_of(shape):
    status, overdue, disputed, *narrowing = shape
    return {"status": status, "overdue": overdue, "disputed": disputed,
            **dict(zip(NARROWING, narrowing, strict=True))}


def _params(filters, **values):
    return {**{name: filters[name] for name in NARROWING if filters.get(name)},
            "today": paris_today(), **values}


# Today, as a parameter of the statements a queue builds once per worker.
TODAY = bindparam("today", type_=Date)


def _wanted(statuses, filters):
    """The queue's statuses the status filter keeps (all of them without one)."""
    return [str(s) for s in statuses if filters.get("status") in (None, str(s))]


def _selection(wanted, narrowing, filters, today):
    """The WHERE clauses of the queue's items of each wanted status, `narrowing` and, with
    the overdue filter, that status's ways of being late: a queue is read status by status,
    its parts and its total alike."""
    overdue = filters.get("overdue")
    return [(Item.status == status, *narrowing, *((overdue_in(status, today),) if overdue else ()))
            for status in wanted]


def _status_counts(statuses, scope):
    return {f"status:{s}": (Item.status == str(s), *scope) for s in statuses}


def _arranged(counts):
    """The capped counts as the page shows them: statuses with items, overdue, disputed."""
    by_status = {name.removeprefix("status:"): n for name, n in counts.items()
                 if name.startswith("status:") and n}
    return {"by_status": by_status, "overdue": counts["overdue"],
            "disputed": counts["disputed"]}


TRIAGE_KEYS = (Item.created_at, Item.id)  # each part of the triage queue, oldest first


@dataclass(frozen=True)
class QueueStatements:
    reading: Reading
    counts: Counts


def triage_queue(filters, start=None):
    """New and returned items, oldest first, PAGE_SIZE after the cursor `start` (a text
    from a page before; BadCursor if no page gave it), as a QueuePage. The overdue count
    is every organisation's (items waiting for triage are never overdue themselves)."""
    position = None if start is None else read_cursor(start, with_due=False)
    statements = _triage_statements(_shape(filters), position is not None)
    params = _params(filters, **(position_params(TRIAGE_KEYS, position) if position else {}))
    items, next_cursor = read_page(statements.reading, params, tuple, PAGE_SIZE, QUEUE_ROWS)
    counts = capped_counts(statements.counts, params)
    return QueuePage(items, counts["total"], _arranged(counts), next_cursor)


@lru_cache(maxsize=256)
def _triage_statements(shape, after_position):
    """The statements of the triage queue's pages of `shape` (see _shape), the first or a
    later one: built once per worker, their values given as parameters."""
    filters = _filters_of(shape)
    selection = _selection(_wanted(TRIAGE_STATUSES, filters), _narrowing(filters), filters,
                           TODAY)
    # The disputed items of a status are few: found by their returns, then sorted.
    index = "ix_item_triage_disputed" if filters["disputed"] else None
    parts = [Part(clauses, TRIAGE_KEYS, index) for clauses in selection]
    waiting = Item.status.in_([str(s) for s in TRIAGE_STATUSES])
    return QueueStatements(
        reading(parts, [after_position or None] * len(parts), PAGE_SIZE),
        counts_query({
            "total": selection,
            **_status_counts(TRIAGE_STATUSES, ()),
            "overdue": overdue_branches(TODAY),
            "disputed": (waiting, Item.return_count >= 2),
        }))


def organisation_queue(organisation_id, filters, start=None):
    """The organisation's open items, the most urgent due first, as triage_queue does."""
    falls, position = due_position(start)
    statements = _organisation_statements(_shape(filters), falls)
    params = _params(filters, organisation_id=organisation_id, **position)
    items, next_cursor = read_page(statements.reading, params, due_sort_key, PAGE_SIZE,
                                   QUEUE_ROWS)
    counts = capped_counts(statements.counts, params)
    return QueuePage(items, counts["total"], _arranged(counts), next_cursor)


@lru_cache(maxsize=256)
def _organisation_statements(shape, falls):
    """The statements of an organisation's queue's pages of `shape`, after a position that
    `falls` as due_position says: built once per worker, as _triage_statements."""
    filters = _filters_of(shape)
    scope = (Item.organisation_id == bindparam("organisation_id"),)
    selection = _selection(_wanted(AWAITING_RESOLUTION, filters),
                           (*scope, *_narrowing(filters)), filters, TODAY)
    # For each status, the items with a resolve due date, by that date, then those without.
    parts = [part for clauses in selection for part in due_parts(clauses)]
    return QueueStatements(
        due_reading(parts, falls, PAGE_SIZE),
        counts_query({
            "total": selection,
            **_status_counts(AWAITING_RESOLUTION, scope),
            "overdue": overdue_branches(TODAY, *scope),
            "disputed": (*scope, Item.status.in_([str(s) for s in AWAITING_RESOLUTION]),
                         Item.return_count >= 2),
        }))
