"""The header's links, one list per role, and the page each role lands on after signing in.

A feature that adds a page for a role adds one line to that role's list in MENUS; the
header shows everyone's links, then the union of the lists of the person's roles (in the
order of ROLE_ORDER, without repeats). Links are endpoint names; `when` is an optional
permission question for links that need more than the role (an agent without an
organisation has no queue).
"""

from dataclasses import dataclass

from flask import url_for
from flask_babel import lazy_gettext as _l

from app.auth.roles import Role
from app.committee.permissions import can_follow_items
from app.triage.permissions import can_work_organisation_queue


@dataclass(frozen=True)
class Link:
    endpoint: str
    label: str
    when: object = None  # a `can_x(user)` question, or None for "the role is enough"

    def shown_to(self, user):
        return self.when is None or self.when(user)


# The committee's working surface: the follow-up, its meetings and the contract's
# indicators (an agent: its organisation's part).
COMMITTEE_WORK = [
    Link("committee.followup", _l("Suivi"), when=can_follow_items),
    Link("committee.meetings", _l("Comité"), when=can_follow_items),
    Link("evaluation.indicators", _l("Indicateurs"), when=can_follow_items),
]

# Everyone, signed in or not: report, the map, walks (upcoming and past) and proposals.
EVERYONE = [
    Link("capture.page", _l("Signaler")),
    Link("items.index", _l("Carte et liste")),
    Link("walks.index", _l("Marches")),
    Link("proposals.index", _l("Propositions")),
]

MENUS = {
    Role.COORDINATOR: [
        Link("triage.triage_queue", _l("À trier")),
        Link("walks.plan", _l("Planifier une marche")),
        Link("proposals.meetings", _l("Tables de quartier")),
        *COMMITTEE_WORK,
    ],
    Role.MODERATOR: [
        Link("moderation.queue", _l("Modération")),
    ],
    Role.AGENT: [
        Link("triage.organisation_queue", _l("À traiter"), when=can_work_organisation_queue),
        *COMMITTEE_WORK,
    ],
    Role.COMMITTEE: [
        Link("triage.triage_queue", _l("Vue d'ensemble")),
        *COMMITTEE_WORK,
    ],
    Role.ADMIN: [
        Link("moderation.queue", _l("Modération")),
        Link("triage.triage_queue", _l("À trier")),
        Link("admin.users", _l("Comptes")),
        Link("routing.rules", _l("Table de routage")),
        Link("routing.zones", _l("Zones foncières")),
        Link("moderation.publicity", _l("Publicité des catégories")),
        Link("apikeys.keys", _l("Clés d'API")),
        *COMMITTEE_WORK,
    ],
    Role.RESIDENT: [],
}

# After signing in (without a page to go back to), each role lands on its work; a person
# with several roles lands on the first of ROLE_ORDER they hold.
LANDING = {
    Role.COORDINATOR: "triage.triage_queue",
    Role.MODERATOR: "moderation.queue",
    Role.AGENT: "triage.organisation_queue",
    Role.COMMITTEE: "committee.followup",
    Role.ADMIN: "admin.users",
    Role.RESIDENT: "main.index",
}
ROLE_ORDER = (Role.COORDINATOR, Role.MODERATOR, Role.AGENT, Role.COMMITTEE, Role.ADMIN,
              Role.RESIDENT)


def _roles_of(user):
    if user is None or not user.is_authenticated:
        return []
    return [role for role in ROLE_ORDER if user.has_role(role)]


def links_for(user):
    """[(Link, url)] of the header for `user` (None or anonymous: everyone's links)."""
    links = list(EVERYONE)
    for role in _roles_of(user):
        for link in MENUS[role]:
            if link.shown_to(user) and all(link.endpoint != kept.endpoint for kept in links):
                links.append(link)
    return [(link, url_for(link.endpoint)) for link in links]


def landing_url(user):
    """Where `user` starts after signing in: their work, or the home page."""
    for role in _roles_of(user):
        endpoint = LANDING[role]
        link = next((link for link in MENUS[role] if link.endpoint == endpoint), None)
        if link is None or link.shown_to(user):
            return url_for(endpoint)
    return url_for("main.index")
