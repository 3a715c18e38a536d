"""The follow-up's filters, read from a query string, checked, and turned into SQL.

The same filters serve the follow-up pages, the counts, the map, the delays, the exports and
the indicators, so that a figure and the list it rests on always agree.
"""

from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import exists, select

from app.auth.services import find_organisation
from app.clock import paris_today
from app.errors import InvalidInput, NotAllowed
from app.extensions import db
from app.inputs import parse_int
from app.items.categories import CATEGORIES
from app.items.models import KINDS, Item, ItemEvent
from app.items.queries import visible_to
from app.items.status import Status
from app.triage.queries import overdue_clause
from app.walks.models import Walk, WalkFinding

from .period import read_period
from .permissions import follows_as_staff, follows_every_organisation, own_organisation

# Open: someone still has to act (a resolution awaits only its verification).
OPEN_STATUSES = tuple(s for s in Status if s not in (
    Status.RESOLVED, Status.VERIFIED, Status.REJECTED, Status.DUPLICATE))
OPEN, EVERY = "open", "all"
FLAGS = ("overdue", "disputed", "returned", "reopened")


@dataclass
class Filters:
    period: object = None  # a Period, or None: since the beginning
    organisation: object = None  # an Organisation
    category: str | None = None
    kind: str | None = None
    walk: Walk | None = None
    state: str = OPEN  # OPEN, EVERY or one status
    flags: set = field(default_factory=set)
    today: date | None = None

    def args(self):
        """The query string that gives these filters back (links, export buttons)."""
        args = dict(self.period.args()) if self.period else {}
        args.update({name: value for name, value in (
            ("organisation", self.organisation.code if self.organisation else None),
            ("category", self.category), ("kind", self.kind),
            ("walk", self.walk.id if self.walk else None)) if value})
        if self.state != OPEN:
            args["status"] = self.state
        args.update({flag: "1" for flag in FLAGS if flag in self.flags})
        return args


def read_filters(args, viewer, today=None):
    """Filters from a query string (`from`, `to`, `organisation`, `category`, `kind`,
    `walk`, `status`, and the flags `overdue`, `disputed`, `returned`, `reopened` = 1).

    Raises InvalidInput (422) naming each unknown value, and NotAllowed (403) when an agent
    asks for another organisation than its own, or when someone following what the public
    sees asks for overdue items. An agent's filters always hold its own organisation."""
    errors = {}
    today = today or paris_today()
    filters = Filters(today=today)
    try:
        filters.period = read_period(args.get("from"), args.get("to"), today=today)
    except InvalidInput as refused:
        errors.update(refused.errors)
    code = (args.get("organisation") or "").strip()
    if code:
        filters.organisation = find_organisation(code)
        if filters.organisation is None:
            errors["organisation"] = _("Organisme inconnu : %(code)s.", code=code)
    category = (args.get("category") or "").strip() or None
    if category is not None and category not in CATEGORIES:
        errors["category"] = _("Catégorie inconnue : %(code)s.", code=category)
    kind = (args.get("kind") or "").strip() or None
    if kind is not None and kind not in KINDS:
        errors["kind"] = _("Type inconnu : %(code)s (dem, gusp ou proposal).", code=kind)
    filters.category, filters.kind = category, kind
    walk = (args.get("walk") or "").strip()
    if walk:
        walk_id = parse_int(walk)
        filters.walk = db.session.get(Walk, walk_id) if walk_id is not None else None
        if filters.walk is None:
            errors["walk"] = _("Cette marche n'existe pas.")
    status = (args.get("status") or "").strip() or OPEN
    if status not in {OPEN, EVERY, *(s.value for s in Status)}:
        errors["status"] = _("État inconnu : %(code)s.", code=status)
    filters.state = status
    filters.flags = {flag for flag in FLAGS if args.get(flag) == "1"}
    if "overdue" in filters.flags and not follows_as_staff(viewer):
        # Due dates are staff material: selecting on them would tell them.
        raise NotAllowed(_("Le filtre « en retard » est réservé aux organismes, à la "
                           "coordination et au comité."), "overdue")
    if errors:
        raise InvalidInput(errors)
    return _scoped(filters, viewer)


def _scoped(filters, viewer):
    own = own_organisation(viewer)
    if own is None:
        return filters
    if filters.organisation is not None and filters.organisation.id != own.id:
        raise NotAllowed(_("Vous ne voyez que les signalements et les chiffres de votre "
                           "organisme (%(org)s).", org=own.name), "organisation")
    filters.organisation = own
    return filters


def scope_clause(viewer):
    """A WHERE clause: the items `viewer` may follow or export (None: every item).

    Followers see every item; an agent its organisation's; anyone else what the public
    sees (items.queries.visible_to)."""
    if follows_every_organisation(viewer):
        return None
    own = own_organisation(viewer)
    if own is not None:
        return Item.organisation_id == own.id
    return visible_to(viewer)


def clauses(filters, viewer, with_status=True):
    """The WHERE clauses of `filters` for `viewer`; `with_status=False` leaves the status
    out (counts by status show every status)."""
    found = [c for c in (scope_clause(viewer),) if c is not None]
    if filters.period is not None:
        start, stop = filters.period.utc_bounds
        found += [Item.created_at >= start, Item.created_at < stop]
    if filters.organisation is not None:
        found.append(Item.organisation_id == filters.organisation.id)
    if filters.category:
        found.append(Item.category == filters.category)
    if filters.kind:
        found.append(Item.kind == filters.kind)
    if filters.walk is not None:
        found.append(Item.id.in_(select(WalkFinding.item_id)
                                 .where(WalkFinding.walk_id == filters.walk.id)))
    if with_status and filters.state == OPEN:
        found.append(Item.status.in_([s.value for s in OPEN_STATUSES]))
    elif with_status and filters.state != EVERY:
        found.append(Item.status == filters.state)
    if "overdue" in filters.flags:
        found.append(overdue_clause(filters.today))
    if "disputed" in filters.flags:
        found.append(Item.return_count >= 2)
    if "returned" in filters.flags:
        found.append(Item.return_count >= 1)
    if "reopened" in filters.flags:
        found.append(exists().where(ItemEvent.item_id == Item.id,
                                    ItemEvent.to_status == Status.REOPENED.value))
    return found
