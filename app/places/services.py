"""Filling the gazetteer from files of named points (GeoJSON, any CRS)."""

from sqlalchemy import select

from app.extensions import db

from .models import Place


def save_places(points, source):
    """Insert or update places from dicts (name, kind, lon, lat, external_id); return them."""
    points = list(points)
    # One query for the places already known, not one per point of the file.
    known = {place.external_id: place for place in db.session.scalars(
        select(Place).where(Place.external_id.in_({p["external_id"] for p in points})))}
    saved = []
    for point in points:
        place = known.get(point["external_id"])
        if place is None:
            place = known[point["external_id"]] = Place(external_id=point["external_id"])
            db.session.add(place)
        place.name, place.kind = point["name"], point["kind"]
        place.lon, place.lat = point["lon"], point["lat"]
        place.source = source
        saved.append(place)
    db.session.flush()
    return saved
