"""Questions about accounts."""

from .roles import Role


def is_signed_in(user):
    return user.is_authenticated


def can_manage_users(user):
    return user.is_authenticated and user.has_role(Role.ADMIN)
