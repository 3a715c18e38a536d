"""Loading official perimeters into the database."""

from sqlalchemy import select

from app.extensions import db

from .models import Perimeter


def save_perimeters(features, source):
    """Insert or update perimeters (PerimeterFeature objects) by code; return them."""
    saved = []
    for feature in features:
        perimeter = db.session.scalar(select(Perimeter).where(Perimeter.code == feature.code))
        if perimeter is None:
            perimeter = Perimeter(code=feature.code)
            db.session.add(perimeter)
        perimeter.name = feature.name
        perimeter.communes = feature.communes
        perimeter.area_ha = feature.area_ha
        perimeter.geometry = feature.geometry
        perimeter.source = source
        saved.append(perimeter)
    db.session.flush()
    return saved
