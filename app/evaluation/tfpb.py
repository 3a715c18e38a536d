"""The landlord's TFPB axis on its items, and the yearly review per axis.

An item routed to the landlord falls under its category's default axis unless the
coordination or the landlord chose another; each choice is recorded.
"""

from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import case, func, select

from app.auth.roles import Role
from app.auth.services import find_organisation
from app.clock import paris_today
from app.committee import delays
from app.committee.filters import EVERY, Filters
from app.committee.period import CONTRACT_START, Period
from app.committee.permissions import follows_every_organisation
from app.errors import DomainError, InvalidInput
from app.extensions import db
from app.inputs import parse_int
from app.items.models import Item
from app.items.status import Status

from .models import DEFAULT_AXIS, LANDLORD, TFPB_AXES, TfpbAxis, TfpbAxisChange

DONE = (Status.RESOLVED.value, Status.VERIFIED.value)
NOT_COUNTED = (Status.REJECTED.value, Status.DUPLICATE.value)


def _landlord_agent(user):
    return (user is not None and user.is_authenticated and user.has_role(Role.AGENT)
            and user.organisation is not None and user.organisation.code == LANDLORD)


def can_set_tfpb_axis(user, item=None):
    """The coordination, and the landlord's agents on the landlord's items."""
    if user is None or not user.is_authenticated:
        return False
    if user.has_role(Role.COORDINATOR, Role.ADMIN):
        return True
    return _landlord_agent(user) and (item is None or item.organisation is not None
                                      and item.organisation.code == LANDLORD)


def can_read_tfpb_review(user):
    return follows_every_organisation(user) or _landlord_agent(user)


def carries_axis(item):
    return item.organisation is not None and item.organisation.code == LANDLORD


def axis_of(item):
    """(axis or None, chosen: bool): the chosen axis, else the category's default."""
    chosen = db.session.get(TfpbAxis, item.id)
    if chosen is not None:
        return chosen.axis, True
    return DEFAULT_AXIS.get(item.category), False


def axis_changes(item):
    return db.session.scalars(select(TfpbAxisChange).where(TfpbAxisChange.item_id == item.id)
                              .order_by(TfpbAxisChange.changed_at, TfpbAxisChange.id)).all()


def set_tfpb_axis(actor, item, axis, reason=""):
    """Put the landlord's `item` under TFPB `axis` (1-8); the change is recorded."""
    if not carries_axis(item):
        raise DomainError(_("Seuls les signalements transmis au bailleur relèvent de la TFPB."))
    if axis not in TFPB_AXES:
        raise InvalidInput({"axis": _("Choisissez un axe de 1 à 8.")})
    current, _chosen = axis_of(item)
    if axis == current:
        raise InvalidInput({"axis": _("Ce signalement relève déjà de cet axe.")})
    row = db.session.get(TfpbAxis, item.id) or TfpbAxis(item_id=item.id)
    row.axis = axis
    db.session.add(row)
    change = TfpbAxisChange(item_id=item.id, old_axis=current, new_axis=axis,
                            reason=(reason or "").strip()[:2000], changed_by_id=actor.id,
                            changed_by_label=actor.display_name or actor.email)
    db.session.add(change)
    db.session.flush()
    return change


def axis_expression():
    """SQL for an item's axis: the chosen one (TfpbAxis, outer-joined), else its category's
    default."""
    return func.coalesce(TfpbAxis.axis, case(DEFAULT_AXIS, value=Item.category))


def read_year(raw, today=None):
    """The review's year: from 2024 to this year."""
    today = today or paris_today()
    if not raw:
        return today.year
    year = parse_int(raw)
    if year is None or not CONTRACT_START.year <= year <= today.year:
        raise InvalidInput({"annee": _("Choisissez une année de %(first)d à %(last)d.",
                                       first=CONTRACT_START.year, last=today.year)})
    return year


@dataclass
class AxisReview:
    axis: int | None
    items: list = field(default_factory=list)  # [Item], oldest first
    resolved: int = 0
    findings: int = 0  # walk findings among them: residents' own diagnosis
    delays: tuple = ()  # (Delays to acknowledge, Delays to resolve)

    @property
    def label(self):
        return TFPB_AXES.get(self.axis) or _("Sans axe (catégorie hors TFPB)")

    @property
    def share_resolved(self):
        return self.resolved / len(self.items) if self.items else None


def yearly_review(year, viewer, today=None):
    """[AxisReview] for axes 1-8 (and items without axis, if any): the landlord's items
    received in `year` (rejected and duplicates left out), in their state of today."""
    end = min(date(year, 12, 31), today or paris_today())
    period = Period(date(year, 1, 1), end)
    landlord = find_organisation(LANDLORD)
    start, stop = period.utc_bounds
    rows = db.session.execute(
        select(Item, axis_expression()).outerjoin(TfpbAxis, TfpbAxis.item_id == Item.id)
        .where(Item.organisation_id == landlord.id, Item.created_at >= start,
               Item.created_at < stop, Item.status.not_in(NOT_COUNTED))
        .order_by(Item.created_at, Item.id)).all()
    reviews = {axis: AxisReview(axis) for axis in TFPB_AXES}
    for item, axis in rows:
        review = reviews.setdefault(axis, AxisReview(axis))
        review.items.append(item)
        review.resolved += item.status in DONE
        review.findings += item.kind == "dem"
    grouped = delays.summarise(delays.delay_rows(
        Filters(period=period, organisation=landlord, state=EVERY, today=end), viewer,
        axis_expression(), joins=[(TfpbAxis, TfpbAxis.item_id == Item.id)]),
        lambda values: values[0])
    for axis, review in reviews.items():
        review.delays = grouped.get(axis, delays.EMPTY)
    return period, [reviews[a] for a in TFPB_AXES] + [
        review for axis, review in reviews.items() if axis not in TFPB_AXES]
