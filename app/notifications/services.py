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
from app.items.status import STATUS_LABELS, Status, moved

from .models import OutboxMessage


def public_url(endpoint, **values):
    """An absolute link for an e-mail, the same from a request, the CLI or a test."""
    adapter = current_app.url_map.bind("localhost")
    return current_app.config["PUBLIC_URL"].rstrip("/") + adapter.build(endpoint, values)


def queue_email(to_address, template, item=None, locale="fr", **context):
    """Render email/<template>.txt in `locale`, the language the person used (first line:
    subject), and queue it."""
    with force_locale(locale):
        text = render_template(f"email/{template}.txt", item=item, **context)
    subject, _blank, body = text.strip().partition("\n")
    message = OutboxMessage(to_address=to_address, subject=subject.strip(),
                            body=body.strip() + "\n", item_id=item.id if item else None)
    db.session.add(message)
    return message


def _agents_of(organisation_id):
    """(e-mail, language) of the organisation's active agents."""
    users = db.session.scalars(select(User).where(
        User.organisation_id == organisation_id, User.active.is_(True))).all()
    return [(user.email, user.locale) for user in users if user.has_role(Role.AGENT)]


def _people_following(item):
    """(e-mail, language) of the author (if they gave an address or have an account) and
    of the followers."""
    if item.author_email:
        people = [(item.author_email, item.author_locale)]
    else:
        people = [(item.author.email, item.author.locale)] if item.author else []
    user_ids = [f.user_id for f in item.followers if f.user_id]
    accounts = (db.session.execute(select(User.email, User.locale).where(
        User.id.in_(user_ids))).all() if user_ids else [])
    people += [(f.email, f.locale) for f in item.followers] + [tuple(row) for row in accounts]
    return people


@moved.connect
def notify_status_change(item, event):
    """Queue the e-mails of a move (sent by the status door, inside the move's transaction):
    the organisation's agents when it is routed to them, the author and followers on every
    move (public note only, never the internal one). Nobody is told of their own move, and
    nobody gets the same e-mail twice."""
    actor_email = event.actor.email if event.actor is not None else None
    if event.actor is None and event.actor_id is not None:
        actor_email = db.session.get(User, event.actor_id).email
    sent = {actor_email, None, ""}
    if event.to_status == Status.ROUTED and item.organisation_id:
        for address, locale in _agents_of(item.organisation_id):
            if address not in sent:
                sent.add(address)
                queue_email(address, "routed", item, locale, event=event,
                            category=CATEGORIES[item.category].label,
                            link=public_url("triage.item", item_id=item.id))
    for address, locale in _people_following(item):
        if address not in sent:
            sent.add(address)
            queue_email(address, "status_changed", item, locale, event=event,
                        status_label=STATUS_LABELS[Status(event.to_status)],
                        link=public_url("items.show", item_id=item.id))
