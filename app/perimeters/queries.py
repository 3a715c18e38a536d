"""Reading perimeters, and the per-process index used to place points."""

from sqlalchemy import func, select

from app.extensions import db
from app.geo.perimeter import PerimeterIndex
from app.stamps import register_stamp, stamp

from .models import Perimeter

_index_cache = {}
register_stamp("perimeters", select(func.count(Perimeter.id)),
               select(func.max(Perimeter.loaded_at)))


def all_perimeters():
    return db.session.scalars(select(Perimeter).order_by(Perimeter.code)).all()


def perimeter_index():
    """A prepared index of the stored perimeters, rebuilt only when they change.

    Its fingerprint is a stamp (count, latest load) read with the others (app/stamps.py),
    so a reload by another process is seen without restarting workers.
    """
    fingerprint = stamp("perimeters")
    key = (db.engine.url.render_as_string(), fingerprint)
    if key not in _index_cache:
        _index_cache.clear()
        _index_cache[key] = PerimeterIndex((p.code, p.geometry) for p in all_perimeters())
    return _index_cache[key]
