"""Where the public sees a sensitive finding: near it, never on it.

Findings about tranquillity, and every finding of a night or women's walk, could point at a
person or a home; the public map gets the stop they belong to (when it is close) or the
centre of a 50 m grid cell, while staff keep the exact point.
"""

from sqlalchemy import or_, select

from app.geo.projection import metres_between
from app.geo.routes import snap_to_grid
from app.items.models import Item
from app.moderation.publicity import publicity_map, publicity_of

from .models import SENSITIVE_WALKS, Walk, WalkFinding

GRID_M = 50
STOP_SNAP_M = 100  # further than this, the stop would misplace the finding: use the grid
# How far a shown point can be from the exact one (a bbox query selects with this margin).
GENERALISATION_MAX_M = STOP_SNAP_M + GRID_M


def is_sensitive(item):
    finding = item.walk_finding
    return publicity_of(item.category) == "generalised" or (
        finding is not None and finding.walk.type in SENSITIVE_WALKS)


def public_point(item):
    """(lon, lat) shown to the public for `item`: exact unless the item is sensitive."""
    if not is_sensitive(item):
        return item.lon, item.lat
    stop = item.walk_finding.stop if item.walk_finding is not None else None
    if stop is not None and metres_between(item.lon, item.lat, stop.lon, stop.lat) <= STOP_SNAP_M:
        return stop.lon, stop.lat
    return snap_to_grid(item.lon, item.lat, GRID_M)


def may_be_generalised():
    """A WHERE clause over Item: the items public_point may move (a superset, for SQL)."""
    generalised = [code for code, publicity in publicity_map().items()
                   if publicity == "generalised"]
    on_sensitive_walks = (select(WalkFinding.item_id).join(Walk)
                          .where(Walk.type.in_([t.value for t in SENSITIVE_WALKS])))
    return or_(Item.category.in_(generalised), Item.id.in_(on_sensitive_walks))
