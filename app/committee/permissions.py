"""Who follows the items across organisations, and who runs committee meetings."""

from app.auth.roles import Role
from app.items.permissions import exact_locations_in_lists

# The committee, the coordination and the administrators see every organisation's part.
FOLLOWERS = (Role.COMMITTEE, Role.COORDINATOR, Role.ADMIN)


def _signed_in(user):
    return user is not None and user.is_authenticated


def follows_every_organisation(user):
    return _signed_in(user) and user.has_role(*FOLLOWERS)


def own_organisation(user):
    """The organisation an agent's figures are limited to, or None."""
    if _signed_in(user) and user.has_role(Role.AGENT) and not follows_every_organisation(user):
        return user.organisation
    return None


def can_follow_items(user):
    """The follow-up pages: every organisation for followers, its own for an agent."""
    return follows_every_organisation(user) or own_organisation(user) is not None


def follows_as_staff(user):
    """Every item `user` follows or exports (filters.scope_clause) is seen as staff sees
    it: its exact point, routing and delays, and so whether it is overdue. The overseers;
    an agent, who follows its own organisation's items only. Others follow what the public
    sees, and only as the public sees it."""
    return exact_locations_in_lists(user) is not None


def can_plan_meeting(user):
    return _signed_in(user) and user.has_role(Role.COORDINATOR, Role.ADMIN)


def can_record_decision(user, meeting=None):
    """During the meeting, the coordination or a committee member records the decisions."""
    return _signed_in(user) and user.has_role(*FOLLOWERS)


def can_read_meeting(user, meeting=None):
    """Agents read the decisions about their own organisation only (the views filter)."""
    return can_follow_items(user)
