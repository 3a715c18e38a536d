"""How public each category is, read once per request (a request may draw hundreds of items).

"generalised" categories are drawn on the public map at the centre of a 50 m grid cell
(app/walks/privacy.public_point, through app/geo/routes.snap_to_grid)."""

from flask import g
from sqlalchemy import select

from app.extensions import db

from .models import DEFAULT_PUBLICITY, CategoryPublicity


def publicity_map():
    """{category code: "public" | "generalised" | "staff"} for the categories not public."""
    if "category_publicity" not in g:
        stored = dict(db.session.execute(
            select(CategoryPublicity.category, CategoryPublicity.publicity)).all())
        g.category_publicity = {**DEFAULT_PUBLICITY, **stored}
    return g.category_publicity


def publicity_of(category):
    return publicity_map().get(category, "public")


def staff_only_categories():
    return [code for code, publicity in publicity_map().items() if publicity == "staff"]

