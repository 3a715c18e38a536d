"""Reading items with the viewer's rights applied in SQL."""

from datetime import timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import selectinload

from app.auth.roles import Role
from app.clock import utcnow
from app.extensions import db
from app.geo.projection import degrees_around, metres_between
from app.moderation.publicity import staff_only_categories

from .models import Item, Photo
from .permissions import sees_every_item
from .status import Visibility

NEARBY_METRES = 50
NEARBY_DAYS = 90


def visible_to(user):
    """A WHERE clause: the items `user` (None for anonymous) may see."""
    if sees_every_item(user):
        return None
    # Categories that are never public stay in staff views (and with their own authors).
    clauses = [and_(Item.visibility == Visibility.PUBLIC.value,
                    Item.category.not_in(staff_only_categories()))]
    if user is not None and user.is_authenticated:
        clauses.append(Item.author_id == user.id)
        if user.has_role(Role.AGENT) and user.organisation_id is not None:
            clauses.append(Item.organisation_id == user.organisation_id)
    return or_(*clauses)


def items_in_bbox(user, bbox=None, kind=None, status=None, category=None, limit=2000,
                  where=None):
    """Items `user` may see, newest first, filtered by bbox (minlon, minlat, maxlon, maxlat),
    the kind, status and category codes, and an extra `where` clause."""
    query = (select(Item).options(selectinload(Item.place))
             .order_by(Item.created_at.desc(), Item.id.desc()).limit(limit))
    clause = visible_to(user)
    if clause is not None:
        query = query.where(clause)
    if bbox is not None:
        query = query.where(in_bbox(bbox))
    for column, value in ((Item.kind, kind), (Item.status, status), (Item.category, category)):
        if value:
            query = query.where(column == value)
    if where is not None:
        query = query.where(where)
    return db.session.scalars(query).all()


def in_bbox(bbox):
    minlon, minlat, maxlon, maxlat = bbox
    return and_(Item.lon.between(minlon, maxlon), Item.lat.between(minlat, maxlat))


def nearby_items(user, lon, lat, category, metres=NEARBY_METRES, days=NEARBY_DAYS):
    """Visible items of `category` within `metres` of the point from the last `days` days,
    nearest first, as (item, distance in metres)."""
    dlon, dlat = degrees_around(lat, metres)
    candidates = items_in_bbox(user, (lon - dlon, lat - dlat, lon + dlon, lat + dlat),
                               category=category)
    since = utcnow() - timedelta(days=days)
    found = [(item, metres_between(lon, lat, item.lon, item.lat))
             for item in candidates if item.created_at >= since]
    return sorted(((i, d) for i, d in found if d <= metres), key=lambda pair: pair[1])


def referenced_photo_files():
    """The names of every file a photo row points to (served, thumbnail, unmasked)."""
    rows = db.session.execute(select(Photo.stored_name, Photo.thumbnail_name,
                                     Photo.original_name))
    return {name for row in rows for name in row if name}
