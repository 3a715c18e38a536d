"""The queues: what the coordination has to triage, and what an organisation has to do."""

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import selectinload

from app.clock import utcnow
from app.extensions import db
from app.items.models import Item
from app.items.status import Status

PAGE_SIZE = 50
TRIAGE_STATUSES = (Status.NEW, Status.RETURNED)
# Waiting for the organisation: not yet acknowledged, or not yet resolved.
AWAITING_ACKNOWLEDGEMENT = (Status.ROUTED, Status.REOPENED)
AWAITING_RESOLUTION = (Status.ROUTED, Status.REOPENED, Status.ACKNOWLEDGED, Status.PLANNED)


def overdue_clause(today):
    return or_(
        and_(Item.status.in_(AWAITING_ACKNOWLEDGEMENT), Item.acknowledge_due < today),
        and_(Item.status.in_(AWAITING_RESOLUTION), Item.resolve_due < today),
    )


def is_overdue(item, today=None):
    """Past its acknowledge due date unacknowledged, or past its resolve due date open."""
    today = today or utcnow().date()
    return bool(
        (item.status in AWAITING_ACKNOWLEDGEMENT and item.acknowledge_due
         and item.acknowledge_due < today)
        or (item.status in AWAITING_RESOLUTION and item.resolve_due and item.resolve_due < today)
    )


def _filtered(statuses, filters, today, organisation_id=None):
    clauses = [Item.status.in_([str(s) for s in statuses])]
    if organisation_id is not None:
        clauses.append(Item.organisation_id == organisation_id)
    if filters.get("status") in {str(s) for s in statuses}:
        clauses.append(Item.status == filters["status"])
    if filters.get("category"):
        clauses.append(Item.category == filters["category"])
    if filters.get("kind"):
        clauses.append(Item.kind == filters["kind"])
    if filters.get("suggested"):
        clauses.append(Item.suggested_organisation.has(code=filters["suggested"]))
    if filters.get("overdue"):
        clauses.append(overdue_clause(today))
    if filters.get("disputed"):
        clauses.append(Item.return_count >= 2)
    return clauses


def _page(clauses, order, page):
    total = db.session.scalar(select(func.count(Item.id)).where(*clauses))
    items = db.session.scalars(
        select(Item).where(*clauses).order_by(*order)
        .options(selectinload(Item.suggested_organisation), selectinload(Item.organisation))
        .limit(PAGE_SIZE).offset(max(page - 1, 0) * PAGE_SIZE)
    ).all()
    return items, total


def _counts(base_clauses, today):
    by_status = dict(db.session.execute(
        select(Item.status, func.count(Item.id)).where(*base_clauses).group_by(Item.status)
    ).all())
    overdue = db.session.scalar(
        select(func.count(Item.id)).where(*base_clauses, overdue_clause(today)))
    disputed = db.session.scalar(
        select(func.count(Item.id)).where(*base_clauses, Item.return_count >= 2))
    return {"by_status": by_status, "overdue": overdue, "disputed": disputed}


def triage_queue(filters, page=1):
    """(items, total, counts): new and returned items, oldest first. The overdue count is
    every organisation's (items waiting for triage are never overdue themselves)."""
    today = utcnow().date()
    items, total = _page(_filtered(TRIAGE_STATUSES, filters, today),
                         (Item.created_at, Item.id), page)
    counts = _counts([Item.status.in_([str(s) for s in TRIAGE_STATUSES])], today)
    counts["overdue"] = db.session.scalar(select(func.count(Item.id)).where(
        overdue_clause(today)))
    return items, total, counts


def organisation_queue(organisation_id, filters, page=1):
    """(items, total, counts): the organisation's open items, the most urgent due first."""
    today = utcnow().date()
    items, total = _page(
        _filtered(AWAITING_RESOLUTION, filters, today, organisation_id),
        (Item.resolve_due.is_(None), Item.resolve_due, Item.created_at, Item.id), page)
    base = [Item.status.in_([str(s) for s in AWAITING_RESOLUTION]),
            Item.organisation_id == organisation_id]
    return items, total, _counts(base, today)
