from sqlalchemy import select

from app.extensions import db

from .models import Place


def all_places():
    return db.session.scalars(select(Place).order_by(Place.name, Place.id)).all()
