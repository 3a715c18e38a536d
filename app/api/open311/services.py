"""Open311 requests: created through the same services as every other door, read from
the public items only."""

import secrets

from flask_babel import gettext as _
from sqlalchemy import select

from app.extensions import db
from app.items.services import submit_item
from app.proposals.services import submit_proposal

from .models import Open311Request


def submit_request(key, data, media_url=None):
    """Create the item of a `POST requests` made with `key`; return its Open311Request.

    The item is anonymous and enters moderation and routing like any other (items, or
    proposals for the proposal service, check every rule and raise InvalidItem). The
    client's `media_url` is kept as a link, never fetched, and named in the internal note
    of the creation so that staff see where it came from."""
    data = dict(data)
    theme = data.pop("theme", None)
    if data["kind"] == "proposal":
        item, _token, _created = submit_proposal(None, data, theme)
    else:
        item, _token, _created = submit_item(None, data)
    note = _("Reçu par Open311 (clé « %(name)s »).", name=key.name)
    if media_url:
        note += " " + _("Média indiqué par le client (lien non vérifié, jamais téléchargé) : "
                        "%(url)s", url=media_url)
    item.events[0].internal_note = note
    received = Open311Request(item=item, key_id=key.id, token=secrets.token_urlsafe(24),
                              media_url=media_url)
    db.session.add(received)
    db.session.flush()
    return received


def request_for_token(token):
    if not token or len(token) > 64:
        return None
    return db.session.scalar(select(Open311Request).where(Open311Request.token == token))
