"""Questions about API keys."""

from app.auth.roles import Role


def can_manage_api_keys(user):
    return user.is_authenticated and user.has_role(Role.ADMIN)
