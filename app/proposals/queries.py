"""Reading proposals and tables de quartier."""

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.items.models import Item
from app.items.queries import visible_to
from app.items.status import Visibility

from .models import Comment, Support, TableMeeting


def proposals_for(viewer):
    """Proposals `viewer` may see, newest first, with the theme and supports each card shows
    loaded together rather than two queries per proposal."""
    query = (select(Item).where(Item.kind == "proposal").order_by(Item.created_at.desc())
             .options(selectinload(Item.proposal), selectinload(Item.supports)))
    clause = visible_to(viewer)
    return db.session.scalars(query if clause is None else query.where(clause)).all()


def public_proposals():
    return db.session.scalars(select(Item).where(
        Item.kind == "proposal", Item.visibility == Visibility.PUBLIC.value)
        .order_by(Item.created_at.desc())).all()


def comments_shown(item, viewer):
    """Public comments, plus the viewer's own ones still waiting for moderation."""
    own = viewer.id if viewer is not None else None
    return [c for c in item.comments if c.is_public or (own and c.author_id == own)]


def supported_by(item, user):
    return user is not None and db.session.scalar(
        select(Support.id).filter_by(item_id=item.id, user_id=user.id)) is not None


def meetings():
    return db.session.scalars(select(TableMeeting).order_by(TableMeeting.held_at.desc())).all()


def comments_by(user):
    return db.session.scalars(select(Comment).where(Comment.author_id == user.id)
                              .order_by(Comment.id)).all()


def supports_by(user):
    """The user's supports, each with the proposal the account page names."""
    return db.session.scalars(select(Support).where(Support.user_id == user.id)
                              .order_by(Support.id).options(selectinload(Support.item))).all()
