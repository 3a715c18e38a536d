"""The roles of Arpenteur, with their labels."""

from enum import StrEnum

from flask_babel import lazy_gettext as _l


class Role(StrEnum):
    RESIDENT = "resident"
    MODERATOR = "moderator"
    COORDINATOR = "coordinator"
    AGENT = "agent"
    COMMITTEE = "committee"
    ADMIN = "admin"


ROLE_LABELS = {
    Role.RESIDENT: _l("Habitant·e"),
    Role.MODERATOR: _l("Modérateur·rice du conseil citoyen"),
    Role.COORDINATOR: _l("Coordination GUSP"),
    Role.AGENT: _l("Agent d'un organisme"),
    Role.COMMITTEE: _l("Membre du comité technique GUSP"),
    Role.ADMIN: _l("Administrateur·rice"),
}
