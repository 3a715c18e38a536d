"""Reading the public items an Open311 client may see."""

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.items.models import Item, ItemEvent
from app.items.queries import visible_to
from app.items.status import CLOSED

LIMIT = 1000
CLOSED_VALUES = [status.value for status in CLOSED]


def _public():
    return (select(Item).where(visible_to(None))
            .options(selectinload(Item.events), selectinload(Item.photos),
                     selectinload(Item.place), selectinload(Item.organisation))
            .order_by(Item.created_at.desc(), Item.id.desc()))


def public_requests(ids=None, codes=None, statuses=None, start=None, end=None, limit=LIMIT):
    """Public items, newest first: those of `ids` (every other filter then ignored), or
    of the service `codes`, Open311 `statuses` ("open", "closed") created in [start, end]."""
    query = _public().limit(limit)
    if ids:
        return db.session.scalars(query.where(Item.id.in_(ids))).all()
    if codes:
        query = query.where(Item.category.in_(codes))
    if statuses and set(statuses) != {"open", "closed"}:
        query = query.where(Item.status.in_(CLOSED_VALUES) if "closed" in statuses
                            else Item.status.not_in(CLOSED_VALUES))
    if start is not None:
        query = query.where(Item.created_at >= start)
    if end is not None:
        query = query.where(Item.created_at <= end)
    return db.session.scalars(query).all()


def public_request(item_id):
    """`item_id` comes from the URL's `<int:…>`, which only matches what an id can hold."""
    return db.session.scalar(_public().where(Item.id == item_id))


def public_items_moved_between(start, end, limit=LIMIT):
    """Public items with a move of their history in [start, end]."""
    moved = select(ItemEvent.item_id).where(ItemEvent.created_at.between(start, end))
    return db.session.scalars(_public().where(Item.id.in_(moved)).limit(limit)).all()
