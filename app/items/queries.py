"""Reading items with the viewer's rights applied in SQL."""

from dataclasses import dataclass, replace
from datetime import timedelta

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import selectinload

from app.auth.roles import Role
from app.clock import utcnow
from app.extensions import db
from app.geo.projection import degrees_around, metres_between
from app.places.models import Place

from .models import Item, ListedItem, Photo, band_of
from .pagination import Page, after, cursor_of, newest_first, position_cursor
from .permissions import (
    EVERY_ITEM,
    exact_location_test,
    exact_locations_in_lists,
    sees_every_item,
)
from .public_view import location_of, place_shown, staff_only_categories
from .status import Visibility

NEARBY_METRES = 50
NEARBY_DAYS = 90


def visible_to(user):
    """A WHERE clause: the items `user` (None for anonymous) may see."""
    if sees_every_item(user):
        return None
    # Categories that are never public stay in staff views (and with their own authors).
    staff_only = staff_only_categories()
    clauses = [and_(Item.visibility == Visibility.PUBLIC.value,
                    *([Item.category.not_in(staff_only)] if staff_only else []))]
    if user is not None and user.is_authenticated:
        clauses.append(Item.author_id == user.id)
        if user.has_role(Role.AGENT) and user.organisation_id is not None:
            clauses.append(Item.organisation_id == user.organisation_id)
    return or_(*clauses)


def _selection(user, bbox, kind, status, category):
    """The WHERE clauses of a list: what `user` may see, in the box, of the kind, status and
    category codes."""
    clauses = [clause for clause in (visible_to(user),) if clause is not None]
    if bbox is not None:
        clauses.append(in_bbox(bbox, exact=exact_locations_in_lists(user)))
    clauses += [column == value for column, value in
                ((Item.kind, kind), (Item.status, status), (Item.category, category)) if value]
    return clauses


def by_band(query, user, bbox):
    """`query` read through the public map's index when it selects a box by its latitude
    bands (see in_bbox). SQLite has no statistics until ANALYZE and would rather walk
    every public item newest first, skipping a sort; PostgreSQL always has them and
    chooses the index itself."""
    if (bbox is None or exact_locations_in_lists(user) is not None
            or not _read_band_by_band(bbox)):
        return query
    return query.with_hint(Item, "INDEXED BY ix_item_public_map", "sqlite")


def listing(clauses, user=None, bbox=None):
    """The items matching `clauses` (selecting `bbox` for `user`), newest first (the
    statement, for EXPLAIN too)."""
    return by_band(select(Item).where(*clauses).order_by(*newest_first()), user, bbox)


def _count(clauses, user, bbox, upto=None):
    if upto is None:
        return db.session.scalar(by_band(select(func.count()).select_from(Item)
                                         .where(*clauses), user, bbox))
    matching = by_band(select(Item.id).where(*clauses).limit(upto + 1), user, bbox).subquery()
    return db.session.scalar(select(func.count()).select_from(matching))


def count_items(user, bbox=None, kind=None, status=None, category=None, upto=None):
    """How many items page_of_items would list over all its pages; with `upto`, counting
    stops past it (upto + 1: "more than upto")."""
    return _count(_selection(user, bbox, kind, status, category), user, bbox, upto)


def items_in_bbox(user, bbox=None, kind=None, status=None, category=None, limit=2000):
    """Items `user` may see, newest first, filtered by bbox (minlon, minlat, maxlon, maxlat)
    on the position `user` is shown (so probing with small boxes never finds an exact
    point the public is not shown), and the kind, status and category codes."""
    return page_of_items(user, bbox, kind, status, category, limit=limit, count=False).items


def page_of_items(user, bbox=None, kind=None, status=None, category=None, limit=2000,
                  start=None, count=True, columns=None):
    """One page of items_in_bbox, starting after the position `start` (see pagination), with
    how many items match in all and where the next page starts. A first page that holds
    every match counts them itself; any other is counted by the database unless `count` is
    False (matched None). With `columns`, the page holds rows of these columns (with `id`)
    instead of items: a read of prepared texts builds no object, nor a date per row (the
    next page's position is read for the last row only)."""
    clauses = _selection(user, bbox, kind, status, category)
    if columns is None:
        query, read = (listing(clauses, user, bbox).options(selectinload(Item.place)),
                       db.session.scalars)
    else:  # rows of columns read by the connection: the ORM's handling of each is not needed
        query, read = (by_band(select(*columns).where(*clauses).order_by(*newest_first()),
                               user, bbox), db.session.connection().execute)
    query = query.limit(limit + 1)
    if start is not None:
        query = query.where(after(start))
    rows = read(query).all()
    more = len(rows) > limit
    rows = rows[:limit]
    if start is None and not more:
        matched = len(rows)
    else:
        matched = _count(clauses, user, bbox) if count else None
    return Page(rows, matched, _cursor_after(rows[-1]) if more else None)


# What a card of a list shows (items/_cards.html), read as columns: the place's name and
# kind from the gazetteer, for place_shown.
CARD_COLUMNS = (
    Item.id, Item.title, Item.description, Item.category, Item.status, Item.created_at,
    Item.public_generalised, Item.organisation_id,
    *(select(column).where(Place.id == Item.place_id).scalar_subquery().label(f"place_{name}")
      for name, column in (("name", Place.name), ("kind", Place.kind))))


class Card(ListedItem):
    """An item as a card shows it: a row of CARD_COLUMNS, its reference and the name of its
    place as the reader is shown it (exactly when `exact`)."""

    def __init__(self, row, exact):
        super().__init__(row)
        self.place = place_shown(self.place_name, self.place_kind, self.public_generalised,
                                 exact)


def page_of_cards(user, **filters):
    """page_of_items (taking the same filters and positions) as Cards: a list of fifty
    items reads the columns its cards show rather than building fifty items."""
    page = page_of_items(user, columns=CARD_COLUMNS, **filters)
    exact = exact_location_test(user)
    return replace(page, items=[Card(row, exact(row)) for row in page.items])


def whole_box(user, bbox, most, columns, kind=None, status=None, category=None):
    """Every item of page_of_items in `bbox` as one page of rows of `columns` (with `id`
    first), newest first, if there are at most `most` of them, else None: one read of at
    most `most` + 1 index entries whatever the box holds (the map's first page, or the
    sign that it should draw counts per area instead)."""
    clauses = _selection(user, bbox, kind, status, category)
    found = by_band(select(*columns, Item.created_at).where(*clauses).limit(most + 1),
                    user, bbox).subquery()
    rows = db.session.connection().execute(
        select(*(found.c[column.key] for column in columns))
        .order_by(found.c.created_at.desc(), found.c.id.desc())).all()
    return None if len(rows) > most else Page(rows, len(rows), None)


def _cursor_after(row):
    """The cursor of the page after `row` (an item, or a row of columns with its id, and
    its creation time when they hold it)."""
    if isinstance(row, Item):
        return cursor_of(row)
    created_at = (row.created_at if "created_at" in row._fields else
                  db.session.scalar(select(Item.created_at).where(Item.id == row.id)))
    return position_cursor(created_at, row.id)


CLUSTER_GRID = 8  # cells across and down the box


@dataclass(frozen=True)
class Cluster:
    lon: float  # the mean position of its items, as `user` is shown them
    lat: float
    count: int


def clusters_in_bbox(user, bbox, kind=None, status=None, category=None):
    """The items of page_of_items counted per cell of a CLUSTER_GRID × CLUSTER_GRID grid
    over `bbox`, by the database: what a map draws when more items fall in view than a
    phone should draw one by one."""
    minlon, minlat, maxlon, maxlat = bbox
    lon, lat = position_shown(exact_locations_in_lists(user))
    width = max(maxlon - minlon, 1e-9) / CLUSTER_GRID
    height = max(maxlat - minlat, 1e-9) / CLUSTER_GRID
    column = func.round((lon - minlon) / width - 0.5)
    row = func.round((lat - minlat) / height - 0.5)
    query = by_band(select(func.avg(lon), func.avg(lat), func.count()).select_from(Item)
                    .where(*_selection(user, bbox, kind, status, category))
                    .group_by(column, row), user, bbox)
    return [Cluster(float(mean_lon), float(mean_lat), count)
            for mean_lon, mean_lat, count in db.session.execute(query)]


# A box spanning more latitude bands than this (about 2 km high: more than the whole
# neighbourhood) reads them as one range rather than one per band.
MAX_BAND_RANGES = 400


def position_shown(exact):
    """The SQL (longitude, latitude) of the position shown of each item, `exact` as
    permissions.exact_locations_in_lists says."""
    if exact == EVERY_ITEM:
        return Item.lon, Item.lat
    if exact is None:
        return Item.public_lon, Item.public_lat
    own = Item.organisation_id == exact
    return (case((own, Item.lon), else_=Item.public_lon),
            case((own, Item.lat), else_=Item.public_lat))


def in_bbox(bbox, exact=EVERY_ITEM):
    """A WHERE clause: the position shown of an item (`exact` as
    permissions.exact_locations_in_lists says) lies in the box. On the public position the
    box also names its latitude bands, so that the public map's index (visibility, band,
    longitude…) reads one short range of longitudes per band: what a box costs then depends
    on what lies in and near it, not on the size of the table."""
    minlon, minlat, maxlon, maxlat = bbox

    def inside(lon, lat):
        return and_(lon.between(minlon, maxlon), lat.between(minlat, maxlat))

    if exact == EVERY_ITEM:
        return inside(Item.lon, Item.lat)
    first, last = _bands(bbox)
    bands = (Item.public_band.in_(range(first, last + 1)) if _read_band_by_band(bbox)
             else Item.public_band.between(first, last))
    public = and_(bands, inside(Item.public_lon, Item.public_lat))
    if exact is None:
        return public
    # An agent: its organisation's items at their exact point, the others at the public one.
    own = Item.organisation_id == exact
    return or_(and_(own, inside(Item.lon, Item.lat)),
               and_(or_(Item.organisation_id.is_(None), Item.organisation_id != exact), public))


def _bands(bbox):
    """The first and last latitude bands of the box, within the world's latitudes: a box
    asked far past a pole names no band rather than a number no column holds."""
    return tuple(band_of(min(max(lat, -90.0), 90.0)) for lat in (bbox[1], bbox[3]))


def _read_band_by_band(bbox):
    first, last = _bands(bbox)
    return last - first < MAX_BAND_RANGES


def nearby_items(user, lon, lat, category, metres=NEARBY_METRES, days=NEARBY_DAYS):
    """Visible items of `category` within `metres` of the point from the last `days` days,
    nearest first, as (item, distance in metres to the position `user` is shown: a
    generalised item stays generalised)."""
    dlon, dlat = degrees_around(lat, metres)
    candidates = items_in_bbox(user, (lon - dlon, lat - dlat, lon + dlon, lat + dlat),
                               category=category)
    since = utcnow() - timedelta(days=days)
    exact = exact_location_test(user)
    shown = [(item, location_of(item, exact(item))) for item in candidates
             if item.created_at >= since]
    found = [(item, metres_between(lon, lat, where.lon, where.lat)) for item, where in shown]
    return sorted(((i, d) for i, d in found if d <= metres), key=lambda pair: pair[1])


def referenced_photo_files():
    """The names of every file a photo row points to (served, thumbnail, unmasked)."""
    rows = db.session.execute(select(Photo.stored_name, Photo.thumbnail_name,
                                     Photo.original_name))
    return {name for row in rows for name in row if name}
