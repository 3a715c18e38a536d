"""The public items the OGC API serves, with the public view of each."""

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.geo.projection import degrees_around
from app.items.models import Item
from app.items.queries import in_bbox, visible_to
from app.items.schemas import item_feature
from app.walks.privacy import GENERALISATION_MAX_M


def _public(start=None, end=None):
    query = (select(Item).where(visible_to(None))
             .options(selectinload(Item.place), selectinload(Item.walk_finding))
             .order_by(Item.id))
    if start is not None:
        query = query.where(Item.created_at >= start)
    if end is not None:
        query = query.where(Item.created_at <= end)
    return query


def _shown_inside(view, bbox):
    lon, lat = view["geometry"]["coordinates"]
    return bbox[0] <= lon <= bbox[2] and bbox[1] <= lat <= bbox[3]


def public_features(bbox=None, start=None, end=None):
    """The public view (a GeoJSON Feature) of every public item created in [start, end]
    whose *shown* point lies in `bbox`, in id order. The box is searched with a margin
    first: a generalised item may be shown inside it from just outside, and never the
    other way round, so probing with small boxes reveals no exact point."""
    query = _public(start, end)
    if bbox is not None:
        dlon, dlat = degrees_around(max(abs(bbox[1]), abs(bbox[3])), GENERALISATION_MAX_M)
        query = query.where(in_bbox((bbox[0] - dlon, bbox[1] - dlat,
                                     bbox[2] + dlon, bbox[3] + dlat)))
    views = [item_feature(item, detail=False) for item in db.session.scalars(query)]
    return [view for view in views if bbox is None or _shown_inside(view, bbox)]


def public_feature(item_id):
    item = db.session.scalar(_public().where(Item.id == item_id))
    return item_feature(item, detail=False) if item is not None else None


def first_public_date():
    return db.session.scalar(select(func.min(Item.created_at)).where(visible_to(None)))
