"""Writing e-mails to the outbox, inside the transaction of the move that causes them.

If the move rolls back, so do its e-mails; if it commits, they are there for
`flask outbox send` however the process ends afterwards.
"""

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import select

from app.auth.models import User
from app.auth.roles import Role
from app.extensions import db
from app.items.categories import CATEGORIES
from app.items.status import STATUS_LABELS, Status

from .models import OutboxMessage


def public_url(endpoint, **values):
    """An absolute link for an e-mail, the same from a request, the CLI or a test."""
    adapter = current_app.url_map.bind("localhost")
    return current_app.config["PUBLIC_URL"].rstrip("/") + adapter.build(endpoint, values)


def queue_email(to_address, template, item=None, **context):
    """Render email/<template>.txt in French (first line: subject) and queue it."""
    with force_locale("fr"):
        text = render_template(f"email/{template}.txt", item=item, **context)
    subject, _blank, body = text.strip().partition("\n")
    message = OutboxMessage(to_address=to_address, subject=subject.strip(),
                            body=body.strip() + "\n", item_id=item.id if item else None)
    db.session.add(message)
    return message


def _agents_of(organisation_id):
    users = db.session.scalars(select(User).where(
        User.organisation_id == organisation_id, User.active.is_(True))).all()
    return [user.email for user in users if user.has_role(Role.AGENT)]


def _people_following(item):
    """E-mails of the author (if they gave one) and of the followers."""
    addresses = [item.author_email or (item.author.email if item.author else None)]
    user_ids = [f.user_id for f in item.followers if f.user_id]
    followers = (db.session.scalars(select(User.email).where(User.id.in_(user_ids))).all()
                 if user_ids else [])
    addresses += [f.email for f in item.followers] + list(followers)
    return addresses


def notify_status_change(item, event):
    """Queue the e-mails of a move: the organisation's agents when it is routed to them,
    the author and followers on every move (public note only, never the internal one).
    Nobody is told of their own move, and nobody gets the same e-mail twice."""
    actor_email = event.actor.email if event.actor is not None else None
    if event.actor is None and event.actor_id is not None:
        actor_email = db.session.get(User, event.actor_id).email
    status_label = str(STATUS_LABELS[Status(event.to_status)])
    sent = {actor_email, None, ""}
    if event.to_status == Status.ROUTED and item.organisation_id:
        for address in _agents_of(item.organisation_id):
            if address not in sent:
                sent.add(address)
                queue_email(address, "routed", item, event=event,
                            category=CATEGORIES[item.category].label,
                            link=public_url("triage.item", item_id=item.id))
    for address in _people_following(item):
        if address not in sent:
            sent.add(address)
            queue_email(address, "status_changed", item, event=event, status_label=status_label,
                        link=public_url("items.show", item_id=item.id))
