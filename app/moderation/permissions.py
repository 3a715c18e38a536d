"""Questions about moderation. Publishing, hiding, editing, masking and merging are asked
through app.items.permissions.can_moderate_item (moderators and administrators)."""

from app.auth.roles import Role


def can_set_publicity(user):
    return user is not None and user.is_authenticated and user.has_role(Role.ADMIN)
