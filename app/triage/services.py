"""The moves of an item after capture: routing, the organisation's answers, returns,
rejections, duplicates, reopening. Every one goes through items.status.transition.

Who may make which move is asked at the edge (triage/permissions.py); these services own
the rules that go with each move (reasons, dates, due dates, followers, disputes).
"""

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from app.clock import paris_today, utcnow
from app.errors import DomainError
from app.extensions import db
from app.items import photos as photo_files
from app.items.models import Item
from app.items.services import move_followers
from app.items.status import Status, TransitionRefused, transition
from app.routing.services import set_due_dates


class MoveRefused(DomainError):
    """The move cannot be made as asked (409) — `field` names the input at fault."""


class StaleItem(DomainError):
    """Someone else changed the item since the person loaded it."""


def check_version(item, version):
    """Refuse to act on a version of the item older than the stored one."""
    if version is not None and version != item.version:
        raise StaleItem(_("Ce signalement a été modifié par quelqu'un d'autre entre-temps. "
                          "Rechargez la page pour voir son état actuel, puis recommencez."),
                        "version")


def _move(item, to, actor, note="", internal_note=""):
    # The notification queries must not flush the item half-moved (check constraints tie
    # status to duplicate_of and organisation; both change around the move).
    try:
        with db.session.no_autoflush:
            return transition(item, to, actor, note, internal_note)
    except TransitionRefused as refused:
        raise MoveRefused(refused.message, "to") from None


def route_item(actor, item, organisation, reason="", note=""):
    """Send the item to `organisation` (confirm the suggestion, or override it with a
    reason); fix its due dates. Re-routing a routed or returned item works the same way.

    `reason` is kept as the internal note; `note`, public, follows "Transmis à …" in the
    history. Overriding the suggestion needs one or the other.
    """
    reason, note = (reason or "").strip(), (note or "").strip()
    if organisation is None:
        raise MoveRefused(_("Choisissez l'organisme qui doit traiter ce signalement."),
                          "organisation")
    overriding = organisation.id != item.suggested_organisation_id
    if overriding and not (reason or note):
        raise MoveRefused(_("Indiquez pourquoi vous transmettez à un autre organisme que "
                            "celui proposé."), "note")
    item.organisation = organisation
    item.routed_at = utcnow()
    set_due_dates(item)
    routed = _("Transmis à %(organisation)s.", organisation=organisation.name)
    return _move(item, Status.ROUTED, actor, f"{routed} {note}" if note else routed, reason)


def confirm_suggestions(actor, items):
    """Route each item to its suggested organisation; return (routed, skipped) lists.
    Items without a suggestion, or whose status cannot be routed, are skipped."""
    routed, skipped = [], []
    for item in items:
        try:
            route_item(actor, item, item.suggested_organisation)
        except MoveRefused:
            skipped.append(item)
        else:
            routed.append(item)
    db.session.flush()
    return routed, skipped


def plan_item(actor, item, expected_date, note=""):
    if not isinstance(expected_date, date):
        raise MoveRefused(_("Indiquez la date d'intervention prévue."), "expected_date")
    if expected_date < paris_today():
        raise MoveRefused(_("La date d'intervention prévue est déjà passée."), "expected_date")
    event = _move(item, Status.PLANNED, actor,
                  note or _("Intervention prévue le %(date)s.",
                            date=expected_date.strftime("%d/%m/%Y")))
    item.expected_date = expected_date
    return event


def resolve_item(actor, item, note, after_photo=None):
    """Mark as resolved, with a note saying what was done and an optional "after" photo
    (filename, bytes), stripped of metadata like every photo."""
    if not (note or "").strip():
        raise MoveRefused(_("Dites ce qui a été fait."), "note")
    if after_photo is not None:
        try:
            safe = photo_files.make_safe(after_photo[1], after_photo[0])
        except photo_files.PhotoRefused as refused:
            raise MoveRefused(refused.message, "photo") from None
        photo_files.attach_photo(item, safe, alt_text=_(
            "Photo après intervention, signalement %(ref)s", ref=item.reference))
    return _move(item, Status.RESOLVED, actor, note)


def return_item(actor, item, reason):
    """"Not ours": back to triage with the reason. The second return flags a dispute."""
    event = _move(item, Status.RETURNED, actor, reason)
    item.return_count += 1
    return event


def mark_duplicate(actor, item, original, note=""):
    """Close `item` as a duplicate of `original`; its followers (and its author, when they
    gave an e-mail) now follow the original."""
    if original is None or original.id == item.id:
        raise MoveRefused(_("Indiquez le numéro du signalement d'origine."), "duplicate_of")
    if original.status == Status.DUPLICATE:
        raise MoveRefused(_("Le signalement d'origine est lui-même un doublon : indiquez "
                            "celui dont il est le doublon."), "duplicate_of")
    item.duplicate_of = original
    event = _move(item, Status.DUPLICATE, actor,
                  note or _("Doublon du signalement n° %(ref)s.", ref=original.reference))
    move_followers(item, original)
    return event


def reopen_item(actor, item, note):
    """Not fixed after all: back to the same organisation, with fresh due dates."""
    event = _move(item, Status.REOPENED, actor, note)
    set_due_dates(item)
    return event


def act_on_item(actor, item, to, note="", internal_note="", organisation=None,
                expected_date=None, duplicate_of=None, version=None, after_photo=None):
    """Make the move `to` on `item` with what that move needs; return the history row.

    `version` is the item version the person saw (None: not checked). Raises StaleItem
    for an older version and MoveRefused for a move the workflow forbids or that lacks
    its reason, date, organisation or original.
    """
    check_version(item, version)
    try:
        to = Status(to)
    except ValueError:
        raise MoveRefused(_("Statut inconnu."), "to") from None
    if to == Status.ROUTED:
        event = route_item(actor, item, organisation, internal_note, note)
    elif to == Status.PLANNED:
        event = plan_item(actor, item, expected_date, note)
    elif to == Status.RESOLVED:
        event = resolve_item(actor, item, note, after_photo)
    elif to == Status.RETURNED:
        event = return_item(actor, item, note)
    elif to == Status.DUPLICATE:
        event = mark_duplicate(actor, item, duplicate_of, note)
    elif to == Status.REOPENED:
        event = reopen_item(actor, item, note)
    else:
        if to == Status.NEW:  # a rejection or duplicate undone: triage again
            item.duplicate_of = None
        event = _move(item, to, actor, note, internal_note)
    if internal_note and not event.internal_note:
        event.internal_note = internal_note
    db.session.flush()
    return event


def find_item(item_id):
    return db.session.get(Item, item_id) if item_id else None


def items_by_ids(ids):
    return db.session.scalars(select(Item).where(Item.id.in_(ids)).order_by(Item.id)).all()
