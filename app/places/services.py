"""Filling the gazetteer from files of named points (GeoJSON, any CRS)."""

from sqlalchemy import select

from app.extensions import db

from .models import Place

# IDFM stop modes -> gazetteer kind
STOP_MODES = {"RER", "Bus", "bus", "Tram", "Métro"}


def save_places(points, source):
    """Insert or update places from dicts (name, kind, lon, lat, external_id); return them."""
    saved = []
    for point in points:
        place = db.session.scalar(select(Place).where(Place.external_id == point["external_id"]))
        if place is None:
            place = Place(external_id=point["external_id"])
            db.session.add(place)
        place.name, place.kind = point["name"], point["kind"]
        place.lon, place.lat = point["lon"], point["lat"]
        place.source = source
        saved.append(place)
    db.session.flush()
    return saved
