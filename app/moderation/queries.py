"""What waits for the conseil citoyen."""

from sqlalchemy import func, select

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


def open_flag_counts():
    """{("item"|"comment", id): number of flags not yet reviewed}."""
    rows = db.session.execute(select(Flag.target, func.count(Flag.id))
                              .where(Flag.reviewed_at.is_(None)).group_by(Flag.target))
    return {tuple_target(target): count for target, count in rows}


def tuple_target(target):
    kind, _sep, ident = target.partition(":")
    return kind, int(ident)


def decisions_about(item):
    """The moderation log of an item (its photos included), newest first."""
    return db.session.scalars(select(ModerationEvent).where(ModerationEvent.item_id == item.id)
                              .order_by(ModerationEvent.id.desc())).all()
