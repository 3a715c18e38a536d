"""Who may work on items after capture, asked at the edge before any service runs."""

from app.auth.roles import Role
from app.items.permissions import is_own_organisation_item, is_staff, sees_every_item
from app.items.status import TRANSITIONS, Status

# The coordination routes, closes and verifies; undoing a rejection is theirs too.
COORDINATION_MOVES = {Status.ROUTED, Status.REJECTED, Status.DUPLICATE, Status.NEW,
                      Status.VERIFIED, Status.REOPENED}
# The organisation an item is routed to answers it.
ORGANISATION_MOVES = {Status.ACKNOWLEDGED, Status.PLANNED, Status.RESOLVED, Status.RETURNED}
# Moderators (conseil citoyen) can reopen an item residents say is not fixed.
MODERATION_MOVES = {Status.REOPENED}


def _signed_in(user):
    return user is not None and user.is_authenticated


def can_triage(user):
    return _signed_in(user) and user.has_role(Role.COORDINATOR, Role.ADMIN)


def can_view_triage_queue(user):
    """The triage queue read as an overview: the coordination, and the committee that
    follows delays and disputes (it routes nothing)."""
    return can_triage(user) or (_signed_in(user) and user.has_role(Role.COMMITTEE))


def can_work_organisation_queue(user):
    return _signed_in(user) and user.has_role(Role.AGENT) and user.organisation_id is not None


def can_work_items(user):
    """Any staff member may ask for a move; the move itself is checked by can_act_on_item."""
    return is_staff(user)


def can_handle_item(user, item):
    """The working page of an item: overseers, and agents of the organisation it is routed
    to. Everyone else gets a 404, public or not."""
    return _signed_in(user) and (sees_every_item(user) or is_own_organisation_item(user, item))


def can_act_on_item(user, item, to):
    """May `user` move `item` to status `to`? (The workflow itself is status.py's.)"""
    if not _signed_in(user):
        return False
    to = Status(to)
    if user.has_role(Role.COORDINATOR, Role.ADMIN) and to in COORDINATION_MOVES:
        return True
    if user.has_role(Role.MODERATOR) and to in MODERATION_MOVES:
        return True
    return to in ORGANISATION_MOVES and is_own_organisation_item(user, item)


def allowed_moves(user, item):
    """The moves the workflow offers from the item's status that `user` may make."""
    return [to for to in Status if to in TRANSITIONS[Status(item.status)]
            and can_act_on_item(user, item, to)]
