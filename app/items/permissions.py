"""Questions about items, asked at the edge (views, API) before any service is called."""

from app.auth.roles import Role
from app.permissions import current_viewer

from .public_view import publicity_of
from .status import Visibility

# Roles that see every item, whatever its visibility or organisation.
OVERSEERS = (Role.MODERATOR, Role.COORDINATOR, Role.COMMITTEE, Role.ADMIN)
# Internal notes: the coordination, the committee and administrators (and the organisation
# the item is routed to); not the conseil citoyen's moderators, not other organisations.
NOTE_READERS = (Role.COORDINATOR, Role.COMMITTEE, Role.ADMIN)
# What moderators took out of public view (a photo showing a face, a number plate) and why.
MODERATION_READERS = (Role.MODERATOR, Role.COORDINATOR, Role.ADMIN)


def _signed_in(user):
    return user is not None and user.is_authenticated


def sees_every_item(user):
    return _signed_in(user) and user.has_role(*OVERSEERS)


def is_staff(user):
    return _signed_in(user) and user.has_role(*OVERSEERS, Role.AGENT)


def agent_organisation_id(user):
    """The id of the organisation `user` is an agent of, or None."""
    if _signed_in(user) and user.has_role(Role.AGENT):
        return user.organisation_id
    return None


def is_own_organisation_item(user, item):
    """`user` is an agent of the organisation `item` is routed to (`item` may be a row of a
    list holding `organisation_id`)."""
    own = agent_organisation_id(user)
    return own is not None and item.organisation_id == own


def sees_staff_view(user, item):
    """The exact location and every location detail, the routing and its delays, whether
    the author gave an e-mail: the overseers, and the agents of the organisation `item` is
    routed to. An agent reading another organisation's item is shown what the public is
    (each organisation sees only its own items)."""
    return sees_every_item(user) or is_own_organisation_item(user, item)


def can_view_item(user, item):
    """Public items for everyone; otherwise overseers, the organisation it is routed to,
    and its signed-in author. (The anonymous author uses the tracking link.)"""
    if (item.is_public and publicity_of(item.category) != "staff") or sees_every_item(user):
        return True
    if not _signed_in(user):
        return False
    return is_own_organisation_item(user, item) or item.author_id == user.id


def can_read_internal_notes(user, item):
    """The coordination, the committee, administrators and the agents of the organisation
    the item is routed to."""
    return _signed_in(user) and (user.has_role(*NOTE_READERS)
                                 or is_own_organisation_item(user, item))


def can_read_moderation_log(user, item=None):
    """Who decided what about an item and why: the moderators, the coordination and
    administrators."""
    return _signed_in(user) and user.has_role(*MODERATION_READERS)


def can_see_photo(user, photo, by_tracking_link=False):
    """A public photo: whoever may see its item. A photo awaiting moderation: also its
    author by the tracking link, and staff who may see the item. A photo a moderator hid
    (a face, a number plate): moderators, the coordination and administrators only."""
    if photo.visibility == Visibility.HIDDEN:
        return can_read_moderation_log(user)
    if by_tracking_link:
        return True
    if photo.visibility == Visibility.PUBLIC:
        return can_view_item(user, photo.item)
    return sees_staff_view(user, photo.item)


def visible_photos(item, user, by_tracking_link=False):
    """The photos of `item` that `user` may see (every list of photos goes through it)."""
    return [photo for photo in item.photos if can_see_photo(user, photo, by_tracking_link)]


def sees_public_feature_only(user):
    """What `user` is shown of any item in a list is its public feature (no exact point, no
    staff fields): the prepared texts serve them (app/items/prepared.py)."""
    return not is_staff(user)


def can_see_exact_location(user, item):
    """Those who see `item` as staff keep its exact point and every location detail;
    everyone else is shown the public view (the author also sees the exact one by the
    tracking link)."""
    return sees_staff_view(user, item)


EVERY_ITEM = "every item"


def exact_locations_in_lists(user):
    """can_see_exact_location for every item of a list at once, for a query: EVERY_ITEM
    (the overseers), the id of the organisation whose items an agent is shown exactly (the
    others at their public position), or None (the public view of every item)."""
    return EVERY_ITEM if sees_every_item(user) else agent_organisation_id(user)


def exact_location_test(user):
    """can_see_exact_location(user, item) for the items (or rows holding `organisation_id`)
    of a list: the user's rights worked out once, then each item's organisation compared."""
    scope = exact_locations_in_lists(user)
    if scope == EVERY_ITEM:
        return lambda item: True
    return lambda item: scope is not None and item.organisation_id == scope


def can_enter_for_resident(user):
    """Staff entering an item on a resident's behalf (assisted entry) are not rate-limited."""
    return is_staff(user)


def entering_for_resident():
    """The `exempt_when` of the limits on what residents submit: the signed-in viewer may
    enter on a resident's behalf."""
    return can_enter_for_resident(current_viewer())


def can_moderate_item(user, item=None):
    return _signed_in(user) and user.has_role(Role.MODERATOR, Role.ADMIN)
