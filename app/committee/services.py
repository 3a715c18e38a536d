"""Committee meetings: create, generate and edit the agenda, record decisions, close.

Services take the acting user and cleaned data, flush and never commit, and raise
DomainError subclasses with a French message. A decision on an item goes through the one
status door (items/status.py) and its history, through the triage services.
"""

import datetime as dt

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import select

from app.clock import paris_today, utcnow
from app.errors import DomainError, InvalidInput
from app.extensions import db
from app.inputs import parse_int
from app.items.models import Item
from app.items.status import CLOSED, STATUS_LABELS, TRANSITIONS, Status, actor_label, record
from app.triage.services import check_version, route_item

from .agenda import build_points
from .models import AgendaPoint, Decision, Meeting
from .period import CONTRACT_START

MAX_NOTE = 2000
MAX_TITLE = 300
# How far ahead a meeting is planned, and a decision's deadline set: beyond, a date is a
# slip of the keyboard (and one near the end of the calendar could not be computed with).
MEETING_AHEAD = dt.timedelta(days=2 * 366)
DUE_AHEAD = dt.timedelta(days=5 * 366)


def meeting_dates(today=None):
    """(first, last): the days a meeting may be held on (the forms' date pickers offer
    these only)."""
    return CONTRACT_START, (today or paris_today()) + MEETING_AHEAD


def due_dates(today=None):
    """(first, last): the days a decision's deadline may fall on."""
    today = today or paris_today()
    return today, today + DUE_AHEAD


class MeetingClosed(DomainError):
    def __init__(self):
        super().__init__(_("Le compte rendu de cette réunion est clos : elle ne change plus."))


class StalePoint(DomainError):
    """Someone else recorded or changed this point since the page was loaded."""


def _open(meeting):
    if meeting.is_closed:
        raise MeetingClosed()


def create_meeting(actor, data):
    """A planned meeting: data has held_on (date), starts_at (time), place."""
    errors = {}
    first, last = meeting_dates()
    if not isinstance(data.get("held_on"), dt.date):
        errors["held_on"] = _("Indiquez la date de la réunion.")
    elif not first <= data["held_on"] <= last:
        errors["held_on"] = _("La date de la réunion doit se situer entre le %(first)s et le "
                              "%(last)s.", first=format_date(first, "long"),
                              last=format_date(last, "long"))
    if not isinstance(data.get("starts_at"), dt.time):
        errors["starts_at"] = _("Indiquez l'heure de la réunion.")
    if not (data.get("place") or "").strip():
        errors["place"] = _("Indiquez le lieu de la réunion.")
    if errors:
        raise InvalidInput(errors)
    meeting = Meeting(held_on=data["held_on"], starts_at=data["starts_at"],
                      place=data["place"].strip()[:200], attendees="", notes="",
                      created_by_id=actor.id)
    db.session.add(meeting)
    db.session.flush()
    return meeting


def generate_agenda(actor, meeting, today=None):
    """Replace the agenda by one generated from the data (see agenda.py). Refused once a
    decision is recorded: the agenda is then edited point by point."""
    _open(meeting)
    if any(point.decision is not None for point in meeting.points):
        raise DomainError(_("Des décisions sont déjà enregistrées : l'ordre du jour ne peut "
                            "plus être régénéré, modifiez-le point par point."))
    meeting.points.clear()
    db.session.flush()
    meeting.points.extend(build_points(meeting, today or paris_today()))
    meeting.agenda_generated_at = utcnow()
    db.session.flush()
    return meeting.points


def _next_position(meeting):
    return max((p.position for p in meeting.points), default=0) + 1


def add_item_point(actor, meeting, reference):
    """Put an item on the agenda by its number ("2026-00042", or 42)."""
    _open(meeting)
    number = (reference or "").strip().rpartition("-")[2]
    item_id = parse_int(number)
    item = db.session.get(Item, item_id) if item_id is not None else None
    if item is None:
        raise InvalidInput({"reference": _("Aucun signalement ne porte ce numéro.")})
    if any(point.item_id == item.id for point in meeting.points):
        raise InvalidInput({"reference": _("Ce signalement est déjà à l'ordre du jour.")})
    point = AgendaPoint(position=_next_position(meeting), reasons=["added"], item=item,
                        seen_status=item.status, seen_version=item.version,
                        seen_organisation_id=item.organisation_id)
    meeting.points.append(point)
    db.session.flush()
    return point


def add_free_point(actor, meeting, title):
    _open(meeting)
    title = (title or "").strip()
    if not title:
        raise InvalidInput({"title": _("Donnez un intitulé au point.")})
    if len(title) > MAX_TITLE:
        raise InvalidInput({"title": _("L'intitulé dépasse %(n)d caractères.", n=MAX_TITLE)})
    point = AgendaPoint(position=_next_position(meeting), reasons=["free"], title=title)
    meeting.points.append(point)
    db.session.flush()
    return point


def remove_point(actor, point):
    _open(point.meeting)
    if point.decision is not None:
        raise DomainError(_("Ce point a déjà sa décision : il reste à l'ordre du jour."))
    point.meeting.points.remove(point)
    db.session.flush()


def move_point(actor, point, step):
    """Move a point one place up (step -1) or down (+1); the first stays first."""
    _open(point.meeting)
    points = list(point.meeting.points)
    index = points.index(point)
    other = index + step
    if 0 <= other < len(points):
        points[index], points[other] = points[other], points[index]
        for position, each in enumerate(points, start=1):
            each.position = position
    db.session.flush()


def _decision_text(meeting, organisation, due_on):
    """The public line of an item's history for a decision (the note stays internal)."""
    text = _("Décision du comité technique GUSP du %(date)s",
             date=format_date(meeting.held_on, "short"))
    if organisation is not None:
        text += " : " + _("%(org)s agit", org=organisation.name)
    if due_on is not None:
        text += (", " if organisation is not None else " : ") + _(
            "d'ici le %(date)s", date=format_date(due_on, "short"))
    return text + "."


def _decide_on_item(actor, point, organisation, due_on, note):
    """Route the item (or record the decision in its history); return the history row."""
    item = point.item
    current = Status(item.status)
    text = _decision_text(point.meeting, organisation, due_on)
    reroute = organisation is not None and organisation.id != item.organisation_id
    if organisation is not None and Status.ROUTED in TRANSITIONS[current] and (
            reroute or current in (Status.RETURNED, Status.REOPENED, Status.NEW)):
        # The history already says "Transmis à <organisation>."; the decision adds its date.
        event = route_item(actor, item, organisation, note or text,
                           note=_decision_text(point.meeting, None, due_on))
    elif reroute:
        raise InvalidInput({"organisation": _(
            "Ce signalement est « %(status)s » : il ne peut pas être confié à un autre "
            "organisme dans cet état.", status=STATUS_LABELS[current])})
    else:
        event = record(item, current, actor, text, note)
        item.updated_at = utcnow()  # an UPDATE, so that the version check applies
    if due_on is not None and current not in CLOSED:
        item.resolve_due = due_on
    return event


def record_decision(actor, point, organisation=None, due_on=None, note="",
                    item_version=None, point_version=None, today=None):
    """Record the committee's decision on `point`: who acts (an Organisation), by when
    (a date), a note (internal). On an item it goes through the status door: routed to the
    organisation named (this settles a dispute), or a dated line of its history; the date
    becomes the item's resolve-by date.

    `item_version` and `point_version` are the versions the person saw: a change since
    raises StaleItem / StalePoint (409) rather than deciding on a state they did not see.
    """
    _open(point.meeting)
    if point_version is not None and point_version != point.version:
        raise StalePoint(_("Ce point a été modifié par quelqu'un d'autre entre-temps : "
                           "voici son état actuel."), "point")
    if point.decision is not None:
        raise StalePoint(_("Une décision est déjà enregistrée pour ce point (par %(who)s)."
                           , who=point.decision.decided_by_label), "point")
    note = (note or "").strip()
    errors = {}
    if len(note) > MAX_NOTE:
        errors["note"] = _("La note dépasse %(n)d caractères.", n=MAX_NOTE)
    if organisation is None and due_on is None and not note:
        errors["note"] = _("Dites qui agit, pour quand, ou notez ce qui a été décidé.")
    first, last = due_dates(today)
    if due_on is not None and due_on < first:
        errors["due_on"] = _("L'échéance est déjà passée.")
    elif due_on is not None and due_on > last:
        errors["due_on"] = _("L'échéance ne peut pas dépasser le %(last)s.",
                             last=format_date(last, "long"))
    item = point.item
    if item is not None and organisation is None and item.is_disputed \
            and item.status == Status.RETURNED:
        errors["organisation"] = _("Ce signalement est contesté : désignez l'organisme "
                                   "qui agit.")
    if errors:
        raise InvalidInput(errors)
    moved = point.moved
    event = None
    if item is not None:
        check_version(item, item_version)
        event = _decide_on_item(actor, point, organisation, due_on, note)
    decision = Decision(point=point, organisation=organisation, due_on=due_on, note=note,
                        moved=moved, item_event=event, decided_by_id=actor.id,
                        decided_by_label=actor.display_name or actor_label(actor))
    db.session.add(decision)  # one per point: a second, at the same time, meets the constraint
    db.session.flush()
    return decision


def close_meeting(actor, meeting, attendees, notes):
    """The minutes are final: who attended, the notes; nothing changes afterwards."""
    _open(meeting)
    meeting.attendees = (attendees or "").strip()
    meeting.notes = (notes or "").strip()
    meeting.closed_at = utcnow()
    db.session.flush()
    return meeting


def all_meetings():
    return db.session.scalars(select(Meeting).order_by(Meeting.held_on.desc(),
                                                       Meeting.id.desc())).all()

