"""Routing rules: who should act on an item, by category and by who owns the land.

The routing table and the tenure zones are data an administrator edits; these services
read them to suggest an organisation, give due dates, and change the data itself.
"""

from flask_babel import gettext as _
from sqlalchemy import String, cast, func, select
from sqlalchemy.orm import joinedload, make_transient_to_detached
from sqlalchemy.orm.util import identity_key

from app.auth.models import Organisation
from app.auth.services import find_organisation
from app.clock import paris_today, utcnow
from app.errors import DomainError, InvalidInput
from app.extensions import db
from app.geo.files import GeodataError, checked_polygon
from app.geo.tenure import TenureIndex, overlaps
from app.items.categories import CATEGORIES
from app.stamps import kept, register_stamp, stamp
from app.workdays import add_working_days

from .models import PUBLIC_LAND, RoutingRule, TargetDelay, TargetDelayChange, TenureZone

DEFAULT_DELAY = "*"
MAX_DELAY_DAYS = 365
register_stamp("tenure_zones", select(func.count(TenureZone.id)),
               select(func.max(TenureZone.updated_at)), select(func.max(TenureZone.id)))
# The routing table is a few short rows: they are their own stamp. Organisations are
# reference data that only migrations write: their count and latest id tell a new one.
register_stamp("routing_rules", select(func.aggregate_strings(
    RoutingRule.category + "=" + RoutingRule.land + "="
    + cast(RoutingRule.organisation_id, String), ",")),
    select(func.count(Organisation.id)), select(func.max(Organisation.id)))


class InvalidRoutingData(DomainError):
    status = 422


class InvalidDelays(InvalidInput):
    """Target delays refused, row by row: {category code: French message}."""


def tenure_index():
    """Prepared tenure zones, rebuilt only when a zone changes (seen across processes: the
    fingerprint is a stamp, app/stamps.py)."""
    return kept("tenure_zones", lambda: TenureIndex(db.session.execute(
        select(Organisation.code, TenureZone.geometry).join(TenureZone.owner)).all()))


def land_at(lon, lat):
    """PUBLIC_LAND, or the code of the organisation that owns the land at the point."""
    return tenure_index().owner_at(lon, lat) or PUBLIC_LAND


class RoutingTable:
    """The routing rules and the organisations, as a worker keeps them between requests:
    detached copies, merged into the session that asks (without a query) unless it holds
    the organisation already."""

    def __init__(self, rules, organisations):
        self.rules = rules  # {(category, land): organisation id}
        self.by_id = {organisation.id: organisation for organisation in organisations}
        self.by_code = {organisation.code: organisation for organisation in organisations}

    def organisation_for(self, category, land):
        """The organisation responsible for `category` on `land`, in the current session,
        or None."""
        organisation = self.by_id.get(self.rules.get((category, land)))
        if organisation is None and land != PUBLIC_LAND:
            organisation = self.by_code.get(land)
        if organisation is None:
            return None
        held = db.session.identity_map.get(identity_key(Organisation, organisation.id))
        return held if held is not None else db.session.merge(organisation, load=False)


def routing_table():
    """The routing table, read again only when a rule or an organisation changes (seen
    across processes: the rules are a stamp, app/stamps.py)."""
    return kept("routing_rules", _read_routing_table)


def _read_routing_table():
    rules = {}
    for rule in filter(None, (stamp("routing_rules")[0] or "").split(",")):
        category, land, organisation_id = rule.split("=")
        rules[category, land] = int(organisation_id)
    organisations = []
    for row in db.session.execute(select(Organisation.id, Organisation.code,
                                         Organisation.name)):
        organisation = Organisation(**row._asdict())
        make_transient_to_detached(organisation)
        organisations.append(organisation)
    return RoutingTable(rules, organisations)


def suggest_organisation(category, lon, lat):
    """The organisation the routing table names for `category` on the land at the point.

    Land owned by an organisation that the table does not mention is that owner's to
    look after. Returns None where the table has no answer (the coordinator decides).
    """
    return routing_table().organisation_for(category, land_at(lon, lat))


def target_delay(organisation, category):
    """The organisation's TargetDelay for the category, or its default one (or None)."""
    rows = db.session.scalars(select(TargetDelay).where(
        TargetDelay.organisation_id == organisation.id,
        TargetDelay.category.in_([category, DEFAULT_DELAY]))).all()
    return min(rows, key=lambda row: row.category == DEFAULT_DELAY, default=None)


def delays_of(organisation):
    """{category or DEFAULT_DELAY: TargetDelay} of the organisation."""
    return {row.category: row for row in db.session.scalars(
        select(TargetDelay).where(TargetDelay.organisation_id == organisation.id))}


def delay_changes(limit=50):
    """The latest target delay changes, newest first."""
    return db.session.scalars(select(TargetDelayChange).order_by(
        TargetDelayChange.changed_at.desc(), TargetDelayChange.id.desc()).limit(limit)).all()


def _delay_errors(category, days):
    if days is None:
        return _("Indiquez le délai par défaut de l'organisme.") if category == DEFAULT_DELAY \
            else None
    acknowledge, resolve = days
    if None in days:
        return _("Indiquez les deux délais, ou aucun pour appliquer le délai par défaut.")
    if not (1 <= acknowledge <= MAX_DELAY_DAYS and 1 <= resolve <= MAX_DELAY_DAYS):
        return _("Un délai va de 1 à %(n)d jours ouvrés.", n=MAX_DELAY_DAYS)
    if resolve < acknowledge:
        return _("Le délai de résolution ne peut pas être plus court que celui de prise en "
                 "compte.")
    return None


def delay_errors(wanted):
    """{category: message} for the rows of `wanted` (see set_target_delays) that break a
    rule: unknown category, half-filled, out of range, resolution before acknowledgement."""
    errors = {}
    for category, days in wanted.items():
        if category != DEFAULT_DELAY and category not in CATEGORIES:
            errors[category] = _("Catégorie inconnue : %(code)s.", code=category)
        elif (message := _delay_errors(category, days)) is not None:
            errors[category] = message
    return errors


def set_target_delays(actor, organisation, wanted):
    """Set an organisation's target delays in working days and record each change.

    `wanted` maps DEFAULT_DELAY and category codes to (acknowledge days, resolve days), or
    to None to drop a category's own delay (its items then get the default). Checks every
    row first and raises InvalidDelays with a message per row; changes nothing then.
    Due dates already fixed stay as they are: a delay applies from the next routing.
    Returns the changes recorded.
    """
    errors = delay_errors(wanted)
    if errors:
        raise InvalidDelays(errors)
    current = delays_of(organisation)
    changes = []
    for category, days in wanted.items():
        row = current.get(category)
        old = (row.acknowledge_days, row.resolve_days) if row is not None else None
        if old == days:
            continue
        if days is None:
            db.session.delete(row)
        else:
            row = row or TargetDelay(organisation_id=organisation.id, category=category)
            row.acknowledge_days, row.resolve_days = days
            db.session.add(row)
        changes.append(TargetDelayChange(
            organisation_id=organisation.id, category=category,
            old_acknowledge_days=old[0] if old else None, old_resolve_days=old[1] if old else None,
            new_acknowledge_days=days[0] if days else None,
            new_resolve_days=days[1] if days else None,
            changed_by_id=actor.id, changed_by_label=actor.display_name or actor.email))
    db.session.add_all(changes)
    db.session.flush()
    return changes


def set_due_dates(item):
    """Fix the item's acknowledge and resolve due dates from today, in working days."""
    delay = target_delay(item.organisation, item.category)
    today = paris_today()
    item.acknowledge_due = add_working_days(today, delay.acknowledge_days) if delay else None
    item.resolve_due = add_working_days(today, delay.resolve_days) if delay else None


def _organisation(code, field):
    organisation = find_organisation(code) if code else None
    if organisation is None:
        raise InvalidRoutingData(_("Organisme inconnu : %(code)s.", code=code or "—"), field)
    return organisation


def all_rules():
    return db.session.scalars(select(RoutingRule)).all()


def land_choices():
    """(PUBLIC_LAND, then every organisation owning a zone or named by a rule)."""
    owners = set(db.session.scalars(select(RoutingRule.land).distinct()))
    owners |= set(db.session.scalars(select(Organisation.code).join(TenureZone.owner)))
    return [PUBLIC_LAND, *sorted(owners - {PUBLIC_LAND})]


def set_rule(actor, category, land, organisation_code):
    """Route `category` on `land` to an organisation; an empty code removes the rule."""
    if category not in CATEGORIES:
        raise InvalidRoutingData(_("Catégorie inconnue : %(code)s.", code=category), "category")
    if land != PUBLIC_LAND:
        _organisation(land, "land")
    rule = db.session.scalar(
        select(RoutingRule).where(RoutingRule.category == category, RoutingRule.land == land)
        .options(joinedload(RoutingRule.organisation)))
    if not organisation_code:
        if rule is not None:
            db.session.delete(rule)
        db.session.flush()
        return None
    organisation = _organisation(organisation_code, "organisation")
    if rule is None:
        rule = RoutingRule(category=category, land=land)
        db.session.add(rule)
    rule.organisation = organisation
    db.session.flush()
    return rule


def save_zone(actor, zone, owner_code, name, source, geometry):
    """Create (zone None) or update a tenure zone; return (zone, overlaps with others).

    Raises InvalidRoutingData for an unknown owner or a geometry that is not a valid
    polygon."""
    owner = _organisation(owner_code, "owner")
    try:
        checked_polygon(geometry, name or _("dessinée"))
    except GeodataError as err:
        raise InvalidRoutingData(_(err.message, **err.params), "geometry") from None
    if zone is None:
        zone = TenureZone()
        db.session.add(zone)
    zone.owner, zone.name, zone.source, zone.geometry = owner, name or "", source or "", geometry
    zone.updated_at = utcnow()
    db.session.flush()
    return zone, zone_overlaps([zone])


def import_zones(actor, owner_code, zones, source):
    """Add tenure zones [(name, geometry)] read from a file; return (saved, overlaps)."""
    owner = _organisation(owner_code, "owner")
    saved = [TenureZone(owner=owner, name=name, source=source, geometry=geometry)
             for name, geometry in zones]
    db.session.add_all(saved)
    db.session.flush()
    return saved, zone_overlaps(saved)


def zone_overlaps(zones):
    """Overlaps (name a, name b, m²) involving any of `zones`, among all stored zones."""
    ids = {zone.id for zone in zones}
    every = db.session.scalars(select(TenureZone).order_by(TenureZone.id)).all()
    labels = {zone.id: zone_label(zone) for zone in every}
    found = overlaps([(zone.id, zone.geometry) for zone in every])
    return [(labels[a], labels[b], area) for a, b, area in found if a in ids or b in ids]


def zone_label(zone):
    return f"{zone.name or _('Zone')} (n° {zone.id}, {zone.owner.code})"


def delete_zone(actor, zone):
    db.session.delete(zone)
    db.session.flush()


def all_zones():
    return db.session.scalars(select(TenureZone).order_by(TenureZone.id)).all()
