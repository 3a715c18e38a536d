"""Questions about items, asked at the edge (views, API) before any service is called."""

from app.auth.roles import Role

from .public_view import publicity_of

# Roles that see every item, whatever its visibility or organisation.
OVERSEERS = (Role.MODERATOR, Role.COORDINATOR, Role.COMMITTEE, Role.ADMIN)


def _signed_in(user):
    return user is not None and user.is_authenticated


def sees_every_item(user):
    return _signed_in(user) and user.has_role(*OVERSEERS)


def is_staff(user):
    return _signed_in(user) and user.has_role(*OVERSEERS, Role.AGENT)


def can_view_item(user, item):
    """Public items for everyone; otherwise overseers, the organisation it is routed to,
    and its signed-in author. (The anonymous author uses the tracking link.)"""
    if (item.is_public and publicity_of(item.category) != "staff") or sees_every_item(user):
        return True
    if not _signed_in(user):
        return False
    if user.has_role(Role.AGENT) and item.organisation_id == user.organisation_id:
        return True
    return item.author_id == user.id


def can_see_exact_location(user, item=None):
    """Staff keep the exact point and every location detail of the items they see; everyone
    else is shown the public view (the author also sees the exact one by the tracking
    link)."""
    return is_staff(user)


def can_enter_for_resident(user):
    """Staff entering an item on a resident's behalf (assisted entry) are not rate-limited."""
    return is_staff(user)


def can_moderate_item(user, item=None):
    return _signed_in(user) and user.has_role(Role.MODERATOR, Role.ADMIN)
