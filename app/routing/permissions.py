"""Questions about the routing data (rules, tenure zones)."""

from app.auth.roles import Role


def can_manage_routing(user):
    return user.is_authenticated and user.has_role(Role.ADMIN)
