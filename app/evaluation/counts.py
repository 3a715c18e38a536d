"""What the indicators count among the items of a period, in two statements: one pass over
the items, and one over their history and the committee's decisions."""

from sqlalchemy import func, select

from app.committee.models import AgendaPoint, Decision
from app.extensions import db
from app.items.models import Item, ItemEvent
from app.items.status import Status

DONE = (Status.RESOLVED.value, Status.VERIFIED.value)
CLOSED_UNANSWERED = (Status.REJECTED.value, Status.DUPLICATE.value)


def _moved(status, times=1):
    """A WHERE clause over Item: moved to `status` at least `times` times. The history is
    read from its (to_status, item_id) index alone, each item once, and only the items it
    names are looked up."""
    moves = select(ItemEvent.item_id).where(ItemEvent.to_status == status)
    if times > 1:
        moves = moves.group_by(ItemEvent.item_id).having(func.count() >= times)
    return Item.id.in_(moves)


def item_counts(item_where):
    """{name: count} over the items matching `item_where`: received, reviewed (no longer
    new), proposals, reports (neither proposals, rejected nor duplicates), resolved
    (reports resolved or verified), routed, rerouted (routed twice or more),
    ever_resolved, reopened (at least once), in_committee (with a committee decision)."""
    reports = (Item.kind != "proposal") & Item.status.not_in(CLOSED_UNANSWERED)
    counted = func.count().filter
    row = db.session.execute(select(
        func.count(), counted(Item.status != Status.NEW.value),
        counted(Item.kind == "proposal"), counted(reports),
        counted(reports & Item.status.in_(DONE)), func.count(Item.routed_at),
    ).where(*item_where)).one()
    counts = dict(zip(("received", "reviewed", "proposals", "reports", "resolved", "routed"),
                      row, strict=True))

    def among(*where):
        return select(func.count()).where(*item_where, *where).scalar_subquery()

    row = db.session.execute(select(
        among(_moved(Status.RESOLVED.value)), among(_moved(Status.REOPENED.value)),
        among(_moved(Status.ROUTED.value, times=2)),
        select(func.count(func.distinct(Item.id)))
        .join(AgendaPoint, AgendaPoint.item_id == Item.id)
        .join(Decision, Decision.point_id == AgendaPoint.id).where(*item_where)
        .scalar_subquery())).one()
    counts.update(zip(("ever_resolved", "reopened", "rerouted", "in_committee"), row,
                      strict=True))
    return counts
