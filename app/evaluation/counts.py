"""What the indicators count among the items of a period, in a few passes of the database
(one over the items, one over their history, one over the committee's decisions)."""

from sqlalchemy import case, func, select

from app.committee.models import AgendaPoint, Decision
from app.extensions import db
from app.items.models import Item, ItemEvent
from app.items.status import Status

DONE = (Status.RESOLVED.value, Status.VERIFIED.value)
CLOSED_UNANSWERED = (Status.REJECTED.value, Status.DUPLICATE.value)


def _sum(condition):
    return func.sum(case((condition, 1), else_=0))


def item_counts(item_where):
    """{name: count} over the items matching `item_where`: received, reviewed (no longer
    new), proposals, reports (neither proposals, rejected nor duplicates), resolved
    (reports resolved or verified), routed, rerouted (routed twice or more),
    ever_resolved, reopened (at least once), in_committee (with a committee decision)."""
    reports = (Item.kind != "proposal") & Item.status.not_in(CLOSED_UNANSWERED)
    row = db.session.execute(select(
        func.count(Item.id), _sum(Item.status != Status.NEW.value),
        _sum(Item.kind == "proposal"),
        _sum(reports), _sum(reports & Item.status.in_(DONE)), _sum(Item.routed_at.is_not(None)),
    ).where(*item_where)).one()
    counts = dict(zip(("received", "reviewed", "proposals", "reports", "resolved", "routed"),
                      (int(value or 0) for value in row), strict=True))
    history = (select(ItemEvent.item_id, ItemEvent.to_status, func.count().label("moves"))
               .join(Item, Item.id == ItemEvent.item_id)
               .where(*item_where, ItemEvent.to_status.in_(
                   [Status.RESOLVED.value, Status.REOPENED.value, Status.ROUTED.value]))
               .group_by(ItemEvent.item_id, ItemEvent.to_status).subquery())
    moved = {status: (items, int(twice or 0)) for status, items, twice in db.session.execute(
        select(history.c.to_status, func.count(), _sum(history.c.moves > 1))
        .group_by(history.c.to_status))}
    counts["ever_resolved"] = moved.get(Status.RESOLVED.value, (0, 0))[0]
    counts["reopened"] = moved.get(Status.REOPENED.value, (0, 0))[0]
    counts["rerouted"] = moved.get(Status.ROUTED.value, (0, 0))[1]
    counts["in_committee"] = db.session.scalar(
        select(func.count(func.distinct(Item.id)))
        .join(AgendaPoint, AgendaPoint.item_id == Item.id)
        .join(Decision, Decision.point_id == AgendaPoint.id).where(*item_where))
    return counts
