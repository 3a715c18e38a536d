"""The one door for an item's status.

`transition(item, to, actor, note)` checks the move against the workflow, records a dated
history row with who and why, and sends `moved` (the e-mails listen, writing to the
outbox in the same transaction). Nothing else assigns `item.status` (a test greps for it).
"""

from blinker import Namespace
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.auth.roles import ROLE_LABELS, Role
from app.clock import paris_date, utcnow
from app.workdays import working_days_between

from .models import ItemEvent
from .states import (
    ANSWERS,
    CLOSED,
    REASON_REQUIRED,
    STATUS_LABELS,
    TRANSITIONS,
    VISIBILITY_LABELS,
    Status,
    Visibility,
)

# The workflow's words are defined in states.py (below the models) and given from here,
# the door every other package imports.
__all__ = ["ANSWERS", "CLOSED", "REASON_REQUIRED", "STATUS_LABELS", "TRANSITIONS",
           "VISIBILITY_LABELS", "Status", "TransitionRefused", "Visibility", "actor_label",
           "moved", "record", "transition"]

# Sent after each move, inside its transaction, for side effects only (the e-mails:
# app/notifications listens), so the door knows nothing of who reacts.
moved = Namespace().signal("item-moved")


class TransitionRefused(Exception):
    """The workflow forbids this move, or it lacks its reason. `message` is translated."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def actor_label(actor):
    """How an actor appears in the public history: an organisation or a role, never a name."""
    if actor is None:
        return str(_l("Habitant·e"))
    if actor.organisation is not None:
        return actor.organisation.name
    for role in (Role.COORDINATOR, Role.MODERATOR, Role.ADMIN, Role.COMMITTEE):
        if actor.has_role(role):
            return str(ROLE_LABELS[role])
    return str(_l("Habitant·e"))


def record(item, to, actor, note="", internal_note=""):
    """Write the history row of a move (or of the creation, when item.status is None)."""
    event = ItemEvent(
        from_status=None if not item.events else item.status,
        to_status=str(to),
        actor_id=actor.id if actor is not None else None,
        actor_label=actor_label(actor),
        note=note or "",
        internal_note=internal_note or "",
    )
    item.events.append(event)
    return event


def _date_answers(item, to, moment):
    """A routing starts the clock again; the first answer and the first resolution after
    it are dated once, with the working days they took."""
    if to == Status.ROUTED:
        item.answered_at = item.resolved_at = item.answer_days = item.resolve_days = None
        return
    routed = paris_date(item.routed_at) if item.routed_at else None
    if to in ANSWERS and item.answered_at is None:
        item.answered_at = moment
        item.answer_days = working_days_between(routed, paris_date(moment)) if routed else None
    if to == Status.RESOLVED and item.resolved_at is None:
        item.resolved_at = moment
        item.resolve_days = working_days_between(routed, paris_date(moment)) if routed else None


def transition(item, to, actor, note="", internal_note=""):
    """Move `item` to status `to`, recording who, when and why; return the history row.

    Raises TransitionRefused when the workflow has no such move or when a move that needs
    a reason comes without one. Who may move what is checked by the caller through
    items/permissions.py; this function owns the workflow and the history.
    """
    current, to = Status(item.status), Status(to)
    if to not in TRANSITIONS[current]:
        raise TransitionRefused(
            _("Impossible de passer de « %(from)s » à « %(to)s ».",
              **{"from": STATUS_LABELS[current], "to": STATUS_LABELS[to]})
        )
    if to in REASON_REQUIRED and not (note or internal_note or "").strip():
        raise TransitionRefused(_("Indiquez la raison de ce changement."))
    if (item.kind == "proposal" and to in (Status.RESOLVED, Status.VERIFIED)
            and (item.proposal is None or item.proposal.answer is None)):
        # A proposal closes only on the organisation's reasoned answer (proposals/services).
        raise TransitionRefused(_("Une proposition ne se clôt qu'avec la réponse motivée "
                                  "de l'organisme."))
    event = record(item, to, actor, note, internal_note)
    event.created_at = utcnow()
    item.status = to.value
    _date_answers(item, to, event.created_at)
    moved.send(item, event=event)
    return event
