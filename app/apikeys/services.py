"""API keys: created and revoked by an administrator, checked on each use, use logged."""

import hashlib
import secrets

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.clock import utcnow
from app.errors import DomainError
from app.extensions import db

from .models import ApiKey, ApiKeyUse

KEY_PREFIX = "o311_"
SHOWN_CHARACTERS = 10  # the prefix plus a few characters, enough to tell keys apart
MAX_NAME = 120
USES_SHOWN = 100


def _digest(raw_key):
    return hashlib.sha256(raw_key.encode()).hexdigest()


def create_key(actor, name):
    """Create a key named `name` (who uses it); return (key, raw key). The raw key is
    shown once: only its digest is stored."""
    name = (name or "").strip()
    if not name:
        raise DomainError(_("Nommez la clé : l'application ou l'organisme qui l'utilise."),
                          "name")
    if len(name) > MAX_NAME:
        raise DomainError(_("Ce champ dépasse %(n)d caractères.", n=MAX_NAME), "name")
    raw = KEY_PREFIX + secrets.token_urlsafe(32)
    key = ApiKey(name=name, prefix=raw[:SHOWN_CHARACTERS], digest=_digest(raw),
                 created_by_id=actor.id if actor is not None else None)
    db.session.add(key)
    db.session.flush()
    return key, raw


def revoke_key(actor, key):
    """Revoke `key` for good; a revoked key is refused from the next request on."""
    if not key.is_active:
        raise DomainError(_("Cette clé est déjà révoquée."), "key")
    key.revoked_at = utcnow()
    key.revoked_by_id = actor.id if actor is not None else None
    db.session.flush()
    return key


def active_key(raw_key):
    """The active key whose raw value is `raw_key`, or None (unknown or revoked)."""
    if not raw_key or len(raw_key) > 200:
        return None
    key = db.session.scalar(select(ApiKey).where(ApiKey.digest == _digest(raw_key)))
    return key if key is not None and key.is_active else None


def log_key_use(key, method, path, status):
    """Record one request made with `key` and when the key was last used."""
    key.last_used_at = utcnow()
    db.session.add(ApiKeyUse(key_id=key.id, used_at=key.last_used_at, method=method[:10],
                             path=path[:200], status=status))
    db.session.flush()


def all_keys():
    """Every key, newest first, with its number of uses: [(key, uses)]."""
    uses = (select(ApiKeyUse.key_id, func.count(ApiKeyUse.id).label("uses"))
            .group_by(ApiKeyUse.key_id).subquery())
    rows = db.session.execute(
        select(ApiKey, func.coalesce(uses.c.uses, 0))
        .outerjoin(uses, uses.c.key_id == ApiKey.id)
        .order_by(ApiKey.created_at.desc(), ApiKey.id.desc()))
    return rows.all()


def find_key(key_id):
    return db.session.get(ApiKey, key_id)


def recent_uses(key, limit=USES_SHOWN):
    return db.session.scalars(
        select(ApiKeyUse).where(ApiKeyUse.key_id == key.id)
        .order_by(ApiKeyUse.used_at.desc(), ApiKeyUse.id.desc()).limit(limit)).all()
