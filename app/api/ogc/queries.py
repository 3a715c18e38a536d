"""The public items the OGC API serves: selected, counted and paged in SQL on the position
the public is shown (prepared with each item by items/public_view)."""

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.items.models import Item
from app.items.permissions import exact_locations_in_lists
from app.items.queries import in_bbox, visible_to


def _public(bbox=None, start=None, end=None):
    query = select(Item).where(visible_to(None))
    if bbox is not None:  # on the shown position: a small box never finds an exact point
        query = query.where(in_bbox(bbox, exact=exact_locations_in_lists(None)))
    if start is not None:
        query = query.where(Item.created_at >= start)
    if end is not None:
        query = query.where(Item.created_at <= end)
    return query


def public_page(bbox=None, start=None, end=None, offset=0, limit=100):
    """(how many public items match, the page of them at `offset`, in id order)."""
    query = _public(bbox, start, end)
    matched = db.session.scalar(select(func.count()).select_from(query.subquery()))
    page = db.session.scalars(query.options(selectinload(Item.place)).order_by(Item.id)
                              .offset(offset).limit(limit)).all()
    return matched, page


def public_item(item_id):
    return db.session.scalar(_public().where(Item.id == item_id))


def first_public_date():
    return db.session.scalar(select(func.min(Item.created_at)).where(visible_to(None)))
