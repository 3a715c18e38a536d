from sqlalchemy import select

from app.extensions import db
from app.geo.projection import degrees_around
from app.geo.routes import nearest_point

from .models import Place

# Further than this, a place no longer helps a person find the spot.
NAMING_RADIUS_M = 300


def all_places():
    return db.session.scalars(select(Place).order_by(Place.name, Place.id)).all()


def nearest_place(lon, lat, within_m=NAMING_RADIUS_M, exclude_kinds=()):
    """(place, metres) of the gazetteer place nearest to (lon, lat) within `within_m`
    metres (measured in Lambert-93), leaving out places of `exclude_kinds`, or None when no
    place is that close."""
    dlon, dlat = degrees_around(lat, within_m)
    candidates = db.session.scalars(select(Place).where(
        Place.lon.between(lon - dlon, lon + dlon), Place.lat.between(lat - dlat, lat + dlat),
        Place.kind.not_in(exclude_kinds),
    ).order_by(Place.id)).all()
    index, metres = nearest_point([(p.lon, p.lat) for p in candidates], lon, lat)
    if index is None or metres > within_m:
        return None
    return candidates[index], metres
