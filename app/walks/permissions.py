"""Questions about walks, asked at the edge before any walk service is called."""

from app.auth.roles import Role
from app.items.permissions import is_staff

# Who organises and facilitates walks (GUSP coordination), and the administrators.
ORGANISERS = (Role.COORDINATOR, Role.ADMIN)


def can_plan_walk(user):
    return user is not None and user.is_authenticated and user.has_role(*ORGANISERS)


def can_manage_walk(user, walk=None):
    """Change a walk's state, fill its night grid, record participation and re-checks,
    publish its compte rendu."""
    return can_plan_walk(user)


def can_edit_finding(user, finding):
    """The signed-in author of a finding, or an organiser; nobody else."""
    if can_manage_walk(user):
        return True
    return (user is not None and user.is_authenticated
            and finding.item.author_id is not None and finding.item.author_id == user.id)


def can_read_report(user, walk):
    """Staff read the compte rendu at any time; everyone once it is published."""
    return walk.published_at is not None or is_staff(user)
