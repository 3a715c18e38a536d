"""A resident's own data: what Arpenteur holds about them, exported or erased (RGPD)."""

import re

from flask_babel import gettext as _
from sqlalchemy import select, update

from app.errors import DomainError
from app.extensions import db
from app.items.models import Item, ItemFollower
from app.items.prepared import prepare_items
from app.items.services import item_for_tracking
from app.moderation.models import Flag
from app.proposals.models import Comment, Support
from app.proposals.queries import comments_by, supports_by

# The secret at the end of a tracking link (…/suivi/<token>), or the secret alone.
TRACKING_TOKEN = re.compile(r"(?:/suivi/)?([A-Za-z0-9_-]{16,100})/?$")
MAX_LINKS = 50


def _iso(moment):
    return moment.isoformat(timespec="seconds") + "Z" if moment else None


def own_items(user):
    return db.session.scalars(select(Item).where(Item.author_id == user.id)
                              .order_by(Item.created_at.desc())).all()


def attach_reported_items(user, links):
    """Attach to `user` the items whose tracking links they hold: those they sent without
    an account (from this phone, or entered for them by staff). `links` is text with one
    link per line. Returns (items now in the account, [(line, why it was refused)])."""
    attached, refused = [], []
    lines = [line.strip() for line in (links or "").splitlines() if line.strip()]
    for line in lines[:MAX_LINKS]:
        match = TRACKING_TOKEN.search(re.split(r"[?#]", line)[0])
        item = item_for_tracking(match.group(1)) if match else None
        if item is None:
            refused.append((line, _("Ce lien de suivi ne correspond à aucun signalement.")))
        elif item.author_id not in (None, user.id):
            refused.append((line, _("Ce signalement est déjà rattaché à un autre compte.")))
        else:
            item.author = user
            attached.append(item)
    db.session.flush()
    return attached, refused


def export_personal_data(user):
    """Everything held about `user`, as a JSON-ready dict (the right of access)."""
    return {
        "account": {"email": user.email, "display_name": user.display_name,
                    "roles": user.roles, "created_at": _iso(user.created_at),
                    "organisation": user.organisation.code if user.organisation else None},
        "items": [{"id": i.id, "reference": i.reference, "kind": i.kind,
                   "category": i.category, "title": i.title, "description": i.description,
                   "lon": i.lon, "lat": i.lat, "status": i.status, "visibility": i.visibility,
                   "email": i.author_email, "created_at": _iso(i.created_at)}
                  for i in own_items(user)],
        "supports": [{"item_id": s.item_id, "created_at": _iso(s.created_at)}
                     for s in supports_by(user)],
        "comments": [{"id": c.id, "item_id": c.item_id, "body": c.body,
                      "visibility": c.visibility, "created_at": _iso(c.created_at)}
                     for c in comments_by(user)],
        "following": [{"item_id": f.item_id, "email": f.email}
                      for f in db.session.scalars(
                          select(ItemFollower).where(ItemFollower.user_id == user.id))],
    }


def delete_account(user, password):
    """Erase `user`'s account after checking the password. Public contributions stay,
    anonymised: items, comments, supports and flags lose their author, and the e-mail
    addresses given with their items are erased."""
    if not user.check_password(password or ""):
        raise DomainError(_("Mot de passe incorrect : le compte n'a pas été supprimé."),
                          "password")
    # Bulk updates: the foreign keys would null these anyway (ON DELETE SET NULL), but the
    # e-mails given with items must go too, and this keeps both engines identical.
    own = db.session.scalars(select(Item.id).where(Item.author_id == user.id)).all()
    db.session.execute(update(Item).where(Item.author_id == user.id)
                       .values(author_id=None, author_email=None, version=Item.version + 1)
                       .execution_options(synchronize_session=False))
    prepare_items(own)  # their public features show the version
    for model, column in ((Comment, Comment.author_id), (Support, Support.user_id),
                          (Flag, Flag.user_id)):
        db.session.execute(update(model).where(column == user.id).values({column.key: None})
                           .execution_options(synchronize_session=False))
    db.session.delete(user)
    db.session.flush()
