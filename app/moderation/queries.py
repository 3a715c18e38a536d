"""What waits for the conseil citoyen."""

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.items.models import Item, Photo
from app.items.status import Visibility
from app.proposals.models import Comment

from .models import Flag, ModerationEvent

PENDING = Visibility.PENDING.value


def pending_items():
    return db.session.scalars(select(Item).where(Item.visibility == PENDING)
                              .order_by(Item.created_at)).all()


def pending_comments():
    return db.session.scalars(select(Comment).where(Comment.visibility == PENDING)
                              .order_by(Comment.created_at)).all()


def pending_photos_of_decided_items():
    """Photos still pending on items already decided (pending items bring theirs along)."""
    return db.session.scalars(select(Photo).join(Item).where(
        Photo.visibility == PENDING, Item.visibility != PENDING).order_by(Photo.id)).all()


def flagged():
    """[("item"|"comment", target, number of flags not yet reviewed)], in two queries."""
    found = []
    for kind, model, column in (("item", Item, Flag.item_id),
                                ("comment", Comment, Flag.comment_id)):
        query = (select(model, func.count(Flag.id)).join(Flag, column == model.id)
                 .where(Flag.reviewed_at.is_(None)).group_by(model.id).order_by(model.id))
        if model is Comment:  # the queue names the item a comment is about
            query = query.options(joinedload(Comment.item))
        found += [(kind, target, count) for target, count in db.session.execute(query)]
    return found


def decisions_about(item):
    """The moderation log of an item (its photos included), newest first."""
    return db.session.scalars(select(ModerationEvent).where(ModerationEvent.item_id == item.id)
                              .order_by(ModerationEvent.id.desc())).all()
