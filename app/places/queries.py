from sqlalchemy import select

from app.extensions import db
from app.geo.projection import project_points

from .models import Place


def all_places():
    return db.session.scalars(select(Place).order_by(Place.name, Place.id)).all()


def nearest_places(points, without_kinds=()):
    """For each (lon, lat) of `points`, the nearest place of the gazetteer whose kind is
    not in `without_kinds` (None when there is none), measured in Lambert-93."""
    places = [place for place in all_places() if place.kind not in without_kinds]
    if not places or not points:
        return [None] * len(points)
    xs, ys = project_points([p.lon for p in places], [p.lat for p in places])
    found = []
    for x, y in zip(*project_points([lon for lon, _ in points], [lat for _, lat in points]),
                    strict=True):
        distances = [(px - x) ** 2 + (py - y) ** 2 for px, py in zip(xs, ys, strict=True)]
        found.append(places[distances.index(min(distances))])
    return found
