"""Walk rules: planning, findings, re-checks, night grids, participation, the compte rendu.

Services take the acting user and cleaned data, flush and never commit, and raise
InvalidWalk (422, field by field) or DomainError with a French message.
"""

import datetime as dt
import secrets
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import select

from app.auth.models import Organisation
from app.clock import utcnow
from app.errors import DomainError
from app.extensions import db
from app.geo.perimeter import Position, valid_lon_lat
from app.geo.projection import degrees_around
from app.geo.routes import metres_from_route, nearest_point, route_line_l93
from app.items import photos as photo_files
from app.items.models import Item
from app.items.status import (
    CLOSED,
    TRANSITIONS,
    Status,
    TransitionRefused,
    record,
    transition,
)
from app.perimeters.queries import perimeter_index

from .models import (
    COLLEGES,
    GENDERS,
    LIGHTING,
    RATINGS,
    RECHECK_LABELS,
    WALK_STATUS_LABELS,
    NightGrid,
    Recheck,
    RecheckOutcome,
    Walk,
    WalkFinding,
    WalkStatus,
    WalkStop,
    WalkType,
)

RECHECK_DISTANCE_M = 30
JOIN_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud, typed on phones
PARIS = ZoneInfo("Europe/Paris")

# The moves a walk may make, by its status.
WALK_MOVES = {
    WalkStatus.PLANNED: {WalkStatus.ONGOING, WalkStatus.CLOSED, WalkStatus.CANCELLED},
    WalkStatus.ONGOING: {WalkStatus.CLOSED, WalkStatus.CANCELLED},
    WalkStatus.CLOSED: {WalkStatus.ONGOING},  # closed by mistake: reopen the same evening
    WalkStatus.CANCELLED: set(),
}


class InvalidWalk(DomainError):
    """Bad input, field by field: {"field": "French message"}."""

    status = 422

    def __init__(self, errors):
        super().__init__(next(iter(errors.values())), next(iter(errors)))
        self.errors = errors


def _outside_band(lon, lat):
    if not valid_lon_lat(lon, lat):
        return True
    band = current_app.config["PERIMETER_BAND_M"]
    return perimeter_index().place(lon, lat, band).position is Position.OUTSIDE


def _check_stops(stops, errors):
    if not stops:
        errors["stops"] = _("Ajoutez au moins un arrêt : une marche sans arrêt ne peut pas "
                            "être planifiée.")
        return
    for number, stop in enumerate(stops, start=1):
        if not (stop.get("name") or "").strip():
            errors["stops"] = _("Donnez un nom à l'arrêt n° %(n)d.", n=number)
            return
        if _outside_band(stop.get("lon"), stop.get("lat")):
            errors["stops"] = _("L'arrêt n° %(n)d (%(name)s) est hors du quartier et de ses "
                                "abords.", n=number, name=stop["name"])
            return


def _check_route(route, errors):
    for number, vertex in enumerate(route, start=1):
        if (not isinstance(vertex, list | tuple) or len(vertex) != 2
                or _outside_band(vertex[0], vertex[1])):
            errors["route"] = _("Le point n° %(n)d du tracé est hors du quartier et de ses "
                                "abords.", n=number)
            return


def _new_join_code():
    while True:
        code = "".join(secrets.choice(JOIN_ALPHABET) for _i in range(6))
        if db.session.scalar(select(Walk.id).where(Walk.join_code == code)) is None:
            return code


def previous_walk_on(sector, before, exclude_id=None):
    """The latest walk held (not cancelled) on `sector` before the date `before`."""
    query = (select(Walk).where(Walk.sector == sector, Walk.date < before,
                                Walk.status != WalkStatus.CANCELLED.value)
             .order_by(Walk.date.desc(), Walk.id.desc()))
    if exclude_id is not None:
        query = query.where(Walk.id != exclude_id)
    return db.session.scalars(query.limit(1)).first()


def plan_walk(actor, data):
    """Create a planned walk and return it.

    `data`: type, title, date, start_time, end_time, meeting_point, sector, stops
    ([{"name", "lon", "lat"}] in walking order), route ([[lon, lat], ...]; empty: the line
    through the stops), organisations (codes invited). Every stop and route point must lie
    in the perimeter or its band; a walk needs at least one stop.
    """
    errors = {}
    if data.get("type") not in {t.value for t in WalkType}:
        errors["type"] = _("Choisissez le type de marche.")
    for field in ("title", "meeting_point", "sector"):
        if not (data.get(field) or "").strip():
            errors[field] = _("Ce champ est obligatoire.")
    if not isinstance(data.get("date"), dt.date):
        errors["date"] = _("Indiquez la date de la marche.")
    if not isinstance(data.get("start_time"), dt.time):
        errors["start_time"] = _("Indiquez l'heure de départ.")
    elif data.get("end_time") and data["end_time"] <= data["start_time"]:
        errors["end_time"] = _("L'heure de fin doit suivre l'heure de départ.")
    stops = data.get("stops") or []
    _check_stops(stops, errors)
    route = [list(vertex) for vertex in data.get("route") or []]
    _check_route(route, errors)
    codes = data.get("organisations") or []
    organisations = db.session.scalars(
        select(Organisation).where(Organisation.code.in_(codes))).all() if codes else []
    if len(organisations) != len(set(codes)):
        errors["organisations"] = _("Un organisme invité est inconnu.")
    if errors:
        raise InvalidWalk(errors)
    if len(route) < 2:
        route = [[s["lon"], s["lat"]] for s in stops]
        if len(route) == 1:
            route = route * 2  # a LineString needs two positions
    walk = Walk(
        type=data["type"], title=data["title"].strip(), date=data["date"],
        start_time=data["start_time"], end_time=data.get("end_time"),
        meeting_point=data["meeting_point"].strip(), sector=data["sector"].strip(),
        route=route, status=WalkStatus.PLANNED.value, join_code=_new_join_code(),
        summary="", created_by_id=actor.id if actor is not None else None,
        organisations=list(organisations),
        previous_walk=previous_walk_on(data["sector"].strip(), data["date"]),
    )
    for position, stop in enumerate(stops, start=1):
        walk.stops.append(WalkStop(position=position, name=stop["name"].strip(),
                                   lon=stop["lon"], lat=stop["lat"]))
    db.session.add(walk)
    db.session.flush()
    return walk


def stop_of(walk, stop_id):
    """The walk's stop with this id, or None (a stop of another walk is not one of its)."""
    return next((s for s in walk.stops if s.id == stop_id), None)


def nearest_stop(walk, lon, lat):
    """(stop, metres) of the walk's stop nearest to (lon, lat), measured in Lambert-93."""
    index, metres = nearest_point([(s.lon, s.lat) for s in walk.stops], lon, lat)
    return (walk.stops[index] if index is not None else None), metres


def walk_start_utc(walk):
    """The walk's start as a naive UTC datetime (how created_at is stored)."""
    local = dt.datetime.combine(walk.date, walk.start_time, tzinfo=PARIS)
    return local.astimezone(dt.UTC).replace(tzinfo=None)


def recheck_candidates(walk, distance_m=RECHECK_DISTANCE_M):
    """Every item created before the walk, not closed (verified, rejected, duplicate), within
    `distance_m` metres (Lambert-93) of its route, nearest first: [(item, metres)]."""
    lons = [v[0] for v in walk.route]
    lats = [v[1] for v in walk.route]
    dlon, dlat = degrees_around(max(abs(lat) for lat in lats), distance_m)
    own = select(WalkFinding.item_id).where(WalkFinding.walk_id == walk.id)
    query = select(Item).where(
        Item.lon.between(min(lons) - dlon, max(lons) + dlon),
        Item.lat.between(min(lats) - dlat, max(lats) + dlat),
        Item.status.notin_([s.value for s in CLOSED]),
        Item.created_at < walk_start_utc(walk),
        Item.id.notin_(own),
    )
    line = route_line_l93(walk.route)
    found = []
    for item in db.session.scalars(query):
        metres = metres_from_route(line, item.lon, item.lat)
        if metres <= distance_m:
            found.append((item, metres))
    return sorted(found, key=lambda pair: (pair[1], pair[0].id))


def _store_photo(item, upload):
    filename, content = upload
    try:
        safe = photo_files.make_safe(content, filename)
    except photo_files.PhotoRefused as refused:
        raise InvalidWalk({"photo": refused.message}) from None
    return photo_files.attach_photo(item, safe)


def record_recheck(actor, walk, item, outcome, note="", upload=None):
    """Record what the walk saw of an earlier item, through the single status function.

    Résolu: the item becomes verified (resolved first when the body had not said so yet).
    Toujours là / aggravé: a resolution that did not hold is reopened with the note.
    When the workflow has no such move from the item's status (a new item, say, or a
    proposal not yet answered), the outcome is written to the item's history without
    changing its status.
    """
    if walk.status == WalkStatus.CANCELLED:
        raise DomainError(_("Cette marche a été annulée."))
    check = db.session.scalar(
        select(Recheck).where(Recheck.walk_id == walk.id, Recheck.item_id == item.id))
    # Once checked, an item may be checked again even if it has left the candidates.
    if check is None and item.id not in {c.id for c, _m in recheck_candidates(walk)}:
        raise DomainError(_("Ce point n'est pas dans la liste de contre-visite de cette "
                            "marche."), "item")
    try:
        outcome = RecheckOutcome(outcome)
    except ValueError:
        raise InvalidWalk({"outcome": _("Choisissez : résolu, toujours là ou aggravé.")}) \
            from None
    note = (note or "").strip()
    message = _("Contre-visite du %(date)s : %(outcome)s.",
                date=format_date(walk.date, "long"), outcome=RECHECK_LABELS[outcome])
    if note:
        message = f"{message} {note}"
    photo = _store_photo(item, upload) if upload else None
    current = Status(item.status)
    try:
        if outcome is RecheckOutcome.RESOLVED and Status.VERIFIED in TRANSITIONS[current]:
            transition(item, Status.VERIFIED, actor, message)
        elif outcome is RecheckOutcome.RESOLVED and Status.RESOLVED in TRANSITIONS[current]:
            transition(item, Status.RESOLVED, actor, message)
            transition(item, Status.VERIFIED, actor, message)
        elif outcome is not RecheckOutcome.RESOLVED and Status.REOPENED in TRANSITIONS[current]:
            transition(item, Status.REOPENED, actor, message)
        else:
            record(item, current, actor, message)
    except TransitionRefused:  # a proposal closes only on its answer: noted, not moved
        record(item, current, actor, message)
    if check is None:
        check = Recheck(walk=walk, item=item)
        db.session.add(check)
    check.outcome = outcome.value
    check.note = note
    check.photo = photo or check.photo
    check.checked_by_id = actor.id if actor is not None else None
    check.checked_at = utcnow()
    db.session.flush()
    return check


def save_night_grid(actor, stop, data):
    """Create or replace the safety grid of a stop: lighting_state and nine 0-3 ratings."""
    errors = {}
    if not stop.walk.has_grid:
        raise DomainError(_("La grille de sécurité concerne les marches de nuit et les marches "
                            "exploratoires de femmes."))
    if data.get("lighting_state") not in LIGHTING:
        errors["lighting_state"] = _("Choisissez l'état de l'éclairage.")
    for name in RATINGS:
        if data.get(name) not in (0, 1, 2, 3):
            errors[name] = _("Notez de 0 (très mauvais) à 3 (très bon).")
    if errors:
        raise InvalidWalk(errors)
    grid = stop.grid or NightGrid(stop=stop)
    grid.lighting_state = data["lighting_state"]
    for name in RATINGS:
        setattr(grid, name, data[name])
    grid.comment = (data.get("comment") or "").strip()
    db.session.add(grid)
    db.session.flush()
    return grid


def record_participation(actor, walk, counts):
    """Store head counts by college × gender ({college: {gender: n}}), never names."""
    clean = {}
    for college in COLLEGES:
        clean[college] = {}
        for gender in GENDERS:
            value = (counts.get(college) or {}).get(gender, 0)
            if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 999:
                raise InvalidWalk({f"{college}_{gender}": _(
                    "Indiquez un nombre de personnes entre 0 et 999.")})
            clean[college][gender] = value
    walk.participation = clean
    db.session.flush()
    return walk


def change_walk_status(actor, walk, to):
    """Start, close, reopen or cancel a walk."""
    try:
        to = WalkStatus(to)
    except ValueError:
        raise InvalidWalk({"status": _("État de marche inconnu.")}) from None
    if to not in WALK_MOVES[WalkStatus(walk.status)]:
        raise DomainError(_("Impossible de passer la marche de « %(from)s » à « %(to)s ».",
                            **{"from": walk.status_label, "to": WALK_STATUS_LABELS[to]}))
    walk.status = to.value
    walk.closed_at = utcnow() if to is WalkStatus.CLOSED else None
    if to is not WalkStatus.CLOSED:
        walk.published_at = None
    db.session.flush()
    return walk


def publish_report(actor, walk, summary):
    """Publish the compte rendu of a closed walk, with the facilitator's summary."""
    if walk.status != WalkStatus.CLOSED:
        raise DomainError(_("Terminez la marche avant d'en publier le compte rendu."))
    walk.summary = (summary or "").strip()
    walk.published_at = utcnow()
    db.session.flush()
    return walk
