"""The words of an item's workflow: its statuses and visibilities with their labels, and
the moves that exist between statuses. Low enough for the models and the status door
(items/status.py) to share."""

from enum import StrEnum

from flask_babel import lazy_gettext as _l


class Status(StrEnum):
    NEW = "new"
    ROUTED = "routed"
    ACKNOWLEDGED = "acknowledged"
    PLANNED = "planned"
    RESOLVED = "resolved"
    VERIFIED = "verified"
    REJECTED = "rejected"
    DUPLICATE = "duplicate"
    RETURNED = "returned"
    REOPENED = "reopened"


class Visibility(StrEnum):
    PENDING = "pending"
    PUBLIC = "public"
    HIDDEN = "hidden"


STATUS_LABELS = {
    Status.NEW: _l("Nouveau"),
    Status.ROUTED: _l("Transmis"),
    Status.ACKNOWLEDGED: _l("Pris en compte"),
    Status.PLANNED: _l("Intervention prévue"),
    Status.RESOLVED: _l("Résolu"),
    Status.VERIFIED: _l("Vérifié"),
    Status.REJECTED: _l("Rejeté"),
    Status.DUPLICATE: _l("Doublon"),
    Status.RETURNED: _l("Renvoyé à la coordination"),
    Status.REOPENED: _l("Rouvert"),
}

VISIBILITY_LABELS = {
    Visibility.PENDING: _l("En attente de modération"),
    Visibility.PUBLIC: _l("Public"),
    Visibility.HIDDEN: _l("Masqué"),
}

# Open311: these are "closed", everything else "open".
CLOSED = {Status.VERIFIED, Status.REJECTED, Status.DUPLICATE}

# The workflow: which moves exist. Who may make them is asked in items/permissions.py.
TRANSITIONS = {
    Status.NEW: {Status.ROUTED, Status.REJECTED, Status.DUPLICATE},
    Status.ROUTED: {Status.ACKNOWLEDGED, Status.PLANNED, Status.RESOLVED, Status.RETURNED,
                    Status.ROUTED, Status.DUPLICATE, Status.REJECTED},
    Status.ACKNOWLEDGED: {Status.PLANNED, Status.RESOLVED, Status.RETURNED, Status.DUPLICATE},
    Status.PLANNED: {Status.PLANNED, Status.RESOLVED, Status.RETURNED},
    Status.RESOLVED: {Status.VERIFIED, Status.REOPENED},
    Status.VERIFIED: {Status.REOPENED},
    Status.REJECTED: {Status.NEW},
    Status.DUPLICATE: {Status.NEW},
    Status.RETURNED: {Status.ROUTED, Status.REJECTED, Status.DUPLICATE},
    Status.REOPENED: {Status.ROUTED, Status.ACKNOWLEDGED, Status.PLANNED, Status.RESOLVED,
                      Status.RETURNED},
}

# Moves that must say why.
REASON_REQUIRED = {Status.REJECTED, Status.RETURNED, Status.REOPENED}
# The organisation's answers to a routed item (its first one dates `answered_at`).
ANSWERS = {Status.ACKNOWLEDGED, Status.PLANNED, Status.RESOLVED}
