"""The agenda of a committee meeting, generated from the data.

It opens with the previous meeting's follow-ups (each saying whether it was met), then the
items the committee has to look at — disputed, overdue, reopened, proposals awaiting an
answer, walk findings awaiting a re-check — and a summary of what was routed since the
previous meeting. An item appears once, with all its reasons.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, func, select

from app.auth.models import Organisation
from app.clock import paris_midnight_utc
from app.extensions import db
from app.items.models import Item, ItemEvent
from app.items.status import Status
from app.proposals.models import Proposal
from app.triage.queries import overdue_clause

from .models import AgendaPoint, Meeting
from .walk_followup import awaiting_recheck_clause

# Items listed per reason; the rest is counted in a summary point with a link.
PER_REASON = 25
# Without a previous meeting, "routed since" looks back this far.
FIRST_LOOK_BACK = timedelta(days=30)
DONE = (Status.RESOLVED.value, Status.VERIFIED.value)
# The follow-up's filters that list the items of a reason (a summary point links there).
REASON_FILTERS = {
    "disputed": {"disputed": "1"}, "overdue": {"overdue": "1"},
    "reopened": {"status": Status.REOPENED.value}, "proposal": {"kind": "proposal"},
    "recheck": {"kind": "dem"},
}


def previous_meeting(meeting):
    """The latest meeting held before `meeting` (by date, then creation)."""
    return db.session.scalars(
        select(Meeting).where(Meeting.id != meeting.id, Meeting.held_on <= meeting.held_on)
        .where((Meeting.held_on < meeting.held_on) | (Meeting.id < meeting.id))
        .order_by(Meeting.held_on.desc(), Meeting.id.desc()).limit(1)).first()


def reason_queries(today):
    """[(reason, WHERE clause, order)] of the item reasons, in agenda order."""
    awaiting_answer = Item.id.in_(select(Proposal.item_id).where(Proposal.answer.is_(None)))
    return [
        ("disputed", and_(Item.status == Status.RETURNED.value, Item.return_count >= 2),
         (Item.created_at,)),
        ("overdue", overdue_clause(today), (Item.resolve_due, Item.created_at)),
        ("reopened", Item.status == Status.REOPENED.value, (Item.created_at,)),
        ("proposal", and_(Item.kind == "proposal", awaiting_answer,
                          Item.status.in_([Status.ROUTED.value, Status.ACKNOWLEDGED.value,
                                           Status.PLANNED.value])), (Item.routed_at,)),
        ("recheck", awaiting_recheck_clause(), (Item.created_at,)),
    ]


@dataclass(frozen=True)
class FollowUp:
    """Whether a decision was met: "met", "late" (done after its date), "missed" (its date
    passed, not done), "pending" (not due yet), or "manual" (a free point: said in the
    meeting)."""

    state: str
    done_on: date | None = None


def follow_up_state(decision, today):
    """Met means the item was resolved (or answered) by the decision's date, or, without
    a date, by today."""
    item = decision.point.item
    if item is None:
        return FollowUp("manual")
    done_at = db.session.scalar(
        select(func.min(ItemEvent.created_at)).where(
            ItemEvent.item_id == item.id, ItemEvent.to_status.in_(DONE),
            ItemEvent.created_at >= decision.decided_at))
    deadline = decision.due_on or today
    if done_at is not None:
        done_on = done_at.date()
        return FollowUp("met" if done_at < paris_midnight_utc(deadline + timedelta(days=1))
                        else "late", done_on)
    return FollowUp("missed" if deadline < today else "pending")


def _point(position, reasons, item=None, **fields):
    snapshot = {}
    if item is not None:
        snapshot = {"seen_status": item.status, "seen_version": item.version,
                    "seen_organisation_id": item.organisation_id}
    return AgendaPoint(position=position, reasons=list(reasons), item=item, **snapshot,
                       **fields)


def build_points(meeting, today):
    """The generated points of `meeting` (not yet attached), in agenda order."""
    points, by_item = [], {}

    def add(reasons, item=None, **fields):
        if item is not None and item.id in by_item:
            by_item[item.id].reasons = by_item[item.id].reasons + list(reasons)
            return
        point = _point(len(points) + 1, reasons, item, **fields)
        points.append(point)
        if item is not None:
            by_item[item.id] = point

    previous = previous_meeting(meeting)
    if previous is not None:
        for old in previous.points:
            if old.decision is not None and (old.decision.organisation_id
                                             or old.decision.due_on):
                add(["follow-up"], old.item, follows=old, title=old.title)
    for reason, clause, order in reason_queries(today):
        query = select(Item).where(clause)
        total = db.session.scalar(select(func.count()).select_from(query.subquery()))
        for item in db.session.scalars(query.order_by(*order, Item.id).limit(PER_REASON)):
            add([reason], item)
        if total > PER_REASON:
            add(["free"], details={"reason": reason, "more": total - PER_REASON})
    since = previous.held_on if previous is not None else meeting.held_on - FIRST_LOOK_BACK
    routed = db.session.execute(
        select(Organisation.name, func.count(Item.id)).join(Item.organisation)
        .where(Item.routed_at >= paris_midnight_utc(since))
        .group_by(Organisation.name).order_by(Organisation.name)).all()
    add(["routed"], details={"since": since.isoformat(),
                             "by_organisation": [[name, n] for name, n in routed]})
    return points
