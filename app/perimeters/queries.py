"""Reading perimeters, and the per-process index used to place points."""

from sqlalchemy import func, select

from app.extensions import db
from app.geo.perimeter import PerimeterIndex
from app.stamps import kept, register_stamp

from .models import Perimeter

register_stamp("perimeters", select(func.count(Perimeter.id)),
               select(func.max(Perimeter.loaded_at)))


def all_perimeters():
    return db.session.scalars(select(Perimeter).order_by(Perimeter.code)).all()


def perimeter_index():
    """A prepared index of the stored perimeters, rebuilt only when they change.

    Its fingerprint is a stamp (count, latest load) read with the others (app/stamps.py),
    so a reload by another process is seen without restarting workers.
    """
    return kept("perimeters",
                lambda: PerimeterIndex((p.code, p.geometry) for p in all_perimeters()))
