"""Proposals from idea to reasoned answer: submission with a theme, supports, comments,
tables de quartier and their outcomes, and the organisation's answer."""

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from app.auth.services import find_organisation
from app.clock import utcnow
from app.errors import DomainError, NotAllowed
from app.extensions import db
from app.items.services import InvalidItem, submit_item
from app.items.status import CLOSED, Status, TransitionRefused, transition
from app.triage.services import route_item

from . import notifications
from .models import (
    ANSWERS,
    MAX_COMMENT,
    OUTCOMES,
    THEMES,
    AgendaEntry,
    Comment,
    Proposal,
    Support,
    TableMeeting,
)


class AlreadySupported(DomainError):
    def __init__(self):
        super().__init__(_("Vous soutenez déjà cette proposition."), "support")


def submit_proposal(actor, data, theme, idempotency_key=None):
    """Create a proposal (an item of kind `proposal`) with its theme; see submit_item."""
    errors = {} if theme in THEMES else {"theme": _("Choisissez un thème du contrat de ville.")}
    try:
        item, token, created = submit_item(
            actor, {**data, "kind": "proposal", "category": "proposition"},
            idempotency_key=idempotency_key)
    except InvalidItem as refused:
        raise InvalidItem({**refused.errors, **errors}) from None
    if errors:
        raise InvalidItem(errors)
    if not created:  # a replayed submission: the proposal exists already
        return item, token, created
    item.proposal = Proposal(theme=theme)
    db.session.flush()
    return item, token, created


def _open_public_proposal(item):
    if item.kind != "proposal" or not item.is_public:
        raise DomainError(_("Cette proposition n'existe pas ou n'est pas publique."), "item")
    if Status(item.status) in CLOSED or item.status == Status.RESOLVED:
        raise DomainError(_("Cette proposition est close."), "item")


def support_proposal(actor, item):
    """`actor` supports `item`, once. Raises AlreadySupported (409) the second time; two
    racing sessions of the same person meet the unique constraint (the caller answers the
    IntegrityError with AlreadySupported)."""
    _open_public_proposal(item)
    if db.session.scalar(select(Support.id).filter_by(item_id=item.id, user_id=actor.id)):
        raise AlreadySupported()
    support = Support(item_id=item.id, user_id=actor.id)
    db.session.add(support)
    db.session.flush()
    return support


def supports_count(item):
    return len(item.supports)


def _comment_body(body):
    body = (body or "").strip()
    if not body:
        raise InvalidItem({"body": _("Écrivez votre commentaire.")})
    if len(body) > MAX_COMMENT:
        raise InvalidItem({"body": _("Le commentaire dépasse %(n)d caractères.", n=MAX_COMMENT)})
    return body


def comment_proposal(actor, item, body):
    """A comment waits for moderation before it is public."""
    _open_public_proposal(item)
    comment = Comment(item=item, author_id=actor.id, body=_comment_body(body))
    db.session.add(comment)
    db.session.flush()
    return comment


def edit_comment(actor, comment, body):
    """The author rewrites a comment; it goes back to moderation."""
    if comment.author_id is None or actor is None or comment.author_id != actor.id:
        raise NotAllowed(_("Vous ne pouvez modifier que vos propres commentaires."))
    comment.body = _comment_body(body)
    comment.visibility = "pending"
    db.session.flush()
    return comment


def create_meeting(actor, held_at, place):
    if not isinstance(held_at, datetime):
        raise InvalidItem({"held_at": _("Indiquez la date et l'heure de la réunion.")})
    if not (place or "").strip():
        raise InvalidItem({"place": _("Indiquez le lieu de la réunion.")})
    meeting = TableMeeting(held_at=held_at, place=place.strip()[:200], created_by_id=actor.id)
    db.session.add(meeting)
    db.session.flush()
    return meeting


def add_to_agenda(actor, meeting, item):
    if item is None or item.kind != "proposal":
        raise InvalidItem({"item": _("Choisissez une proposition.")})
    if any(entry.item_id == item.id for entry in meeting.entries):
        raise InvalidItem({"item": _("Cette proposition est déjà à l'ordre du jour.")})
    entry = AgendaEntry(item=item)
    meeting.entries.append(entry)
    db.session.flush()
    return entry


def record_outcome(actor, entry, outcome, reason="", organisation_code=None):
    """The table carries the proposal to an organisation (which routes it there), or does
    not carry it, with a reason (the proposal is then rejected with that public reason)."""
    item, reason = entry.item, (reason or "").strip()
    if outcome not in OUTCOMES:
        raise InvalidItem({"outcome": _("Choisissez : portée ou non portée.")})
    if outcome == "carried":
        organisation = find_organisation(organisation_code or "")
        if organisation is None:
            raise InvalidItem({"organisation": _("Choisissez l'organisme qui doit répondre.")})
        # Carrying a proposal is routing it: the organisation the table names answers it.
        entry.organisation = organisation
        route_item(actor, item, organisation, reason or _(
            "Portée par la table de quartier du %(date)s.",
            date=f"{entry.meeting.held_at:%d/%m/%Y}"))
    else:
        if not reason:
            raise InvalidItem({"reason": _("Indiquez pourquoi la table ne porte pas cette "
                                           "proposition.")})
        try:
            transition(item, Status.REJECTED, actor, reason)
        except TransitionRefused as refused:
            raise InvalidItem({"outcome": refused.message}) from None
    entry.outcome, entry.reason = outcome, reason
    entry.decided_by_id, entry.decided_at = actor.id, utcnow()
    db.session.flush()
    return entry


def answer_proposal(actor, item, answer, text):
    """The organisation's reasoned answer (accepted, partly, declined) closes the proposal;
    the time from submission to answer is kept, and supporters are told."""
    text = (text or "").strip()
    errors = {}
    if answer not in ANSWERS:
        errors["answer"] = _("Choisissez : acceptée, acceptée en partie ou refusée.")
    if not text:
        errors["text"] = _("Une réponse doit être motivée : expliquez-la.")
    if item.organisation is None:
        errors["answer"] = _("Cette proposition n'a pas encore été portée à un organisme.")
    if errors:
        raise InvalidItem(errors)
    proposal = item.proposal or Proposal(item=item)
    with db.session.no_autoflush:  # the answer's columns go together (answer_has_reasons)
        proposal.answer, proposal.answer_text = answer, text
        proposal.answer_organisation = item.organisation
        proposal.answered_by_id, proposal.answered_at = actor.id, utcnow()
    try:
        transition(item, Status.RESOLVED, actor, _("Réponse de %(org)s : %(answer)s. %(text)s",
                                                    org=item.organisation.name,
                                                    answer=ANSWERS[answer], text=text))
    except TransitionRefused as refused:
        raise InvalidItem({"answer": refused.message}) from None
    notifications.proposal_answered(item)
    db.session.flush()
    return proposal
