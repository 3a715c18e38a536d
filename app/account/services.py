"""A resident's own data: what Arpenteur holds about them, exported or erased (RGPD)."""

from flask_babel import gettext as _
from sqlalchemy import select, update

from app.errors import DomainError
from app.extensions import db
from app.items.models import Item, ItemFollower
from app.moderation.models import Flag
from app.proposals.models import Comment, Support
from app.proposals.queries import comments_by, supports_by


def _iso(moment):
    return moment.isoformat(timespec="seconds") + "Z" if moment else None


def own_items(user):
    return db.session.scalars(select(Item).where(Item.author_id == user.id)
                              .order_by(Item.created_at.desc())).all()


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
    db.session.execute(update(Item).where(Item.author_id == user.id)
                       .values(author_id=None, author_email=None, version=Item.version + 1)
                       .execution_options(synchronize_session=False))
    for model, column in ((Comment, Comment.author_id), (Support, Support.user_id),
                          (Flag, Flag.user_id)):
        db.session.execute(update(model).where(column == user.id).values({column.key: None})
                           .execution_options(synchronize_session=False))
    db.session.delete(user)
    db.session.flush()
