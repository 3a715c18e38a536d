"""Regions of a photo to blur before it goes public (faces, number plates): the detector's
suggestions, kept once per photo, and the blurring itself."""

import io
import time
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from PIL import Image, ImageFilter
from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite

from app.extensions import db

from .detection import DetectionFailed, find_regions
from .models import REGION_KINDS, PhotoDetection, PhotoRegion

# Strong enough that a face or a plate cannot be read back, at the 2048 px of stored photos.
BLUR_RADIUS = 24


def region_inside(region, width, height):
    """True for a rectangle (x, y, w, h) of positive size lying wholly within the photo."""
    x, y, w, h = region
    return w > 0 and h > 0 and x >= 0 and y >= 0 and x + w <= width and y + h <= height


def blur_regions(content, regions):
    """Return PNG bytes of the image `content` with each (x, y, w, h) region blurred."""
    with Image.open(io.BytesIO(content)) as source:
        image = source.convert("RGB")
    for x, y, w, h in regions:
        box = (x, y, x + w, y + h)
        image.paste(image.crop(box).filter(ImageFilter.GaussianBlur(BLUR_RADIUS)), box)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def unmasked_name(photo):
    """The file of the photo as it was sent (kept until publication), or the served one."""
    return photo.original_name or photo.stored_name


def regions_of(photo):
    """The photo's regions, in the order they were found or drawn."""
    return db.session.scalars(select(PhotoRegion).where(PhotoRegion.photo_id == photo.id)
                              .order_by(PhotoRegion.id)).all()


def detection_of(photo):
    return db.session.get(PhotoDetection, photo.id)


def undecided(photo):
    """Suggestions of the detector that a moderator has neither masked nor dismissed."""
    return [region for region in regions_of(photo) if region.state == "suggested"]


def _insert_once(values):
    """INSERT the detection row unless one exists (another analysis of the same photo won
    the race); True when this one was written."""
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    table = PhotoDetection.__table__
    statement = (dialect.insert(table).values(**values)
                 .on_conflict_do_nothing(index_elements=["photo_id"]).returning(table.c.photo_id))
    return db.session.execute(statement).first() is not None


def analyse_photo(photo):
    """Run the face and plate detector over `photo` once and keep its suggestions.

    Returns the PhotoDetection (state `done`, or `failed` with the technical reason: a
    failure never blocks moderation, the moderator masks by hand). A photo already analysed
    is not analysed again; two analyses racing write one row and one set of suggestions.
    """
    known = detection_of(photo)
    if known is not None:
        return known
    started = time.perf_counter()
    try:
        content = (Path(current_app.config["UPLOAD_DIR"]) / unmasked_name(photo)).read_bytes()
        found, state, error = find_regions(content, photo.width, photo.height), "done", ""
    except (DetectionFailed, OSError) as failure:
        current_app.logger.warning("detection failed on photo %s: %s", photo.id, failure)
        found, state, error = [], "failed", str(failure)[:500]
    duration_ms = round((time.perf_counter() - started) * 1000)
    if _insert_once({"photo_id": photo.id, "state": state, "error": error,
                     "duration_ms": duration_ms}):
        db.session.add_all(PhotoRegion(photo_id=photo.id, kind=f.kind, state="suggested",
                                       x=f.x, y=f.y, width=f.width, height=f.height)
                           for f in found)
        db.session.flush()
    return db.session.get(PhotoDetection, photo.id, populate_existing=True)


def analyse_pending(photos):
    """Analyse the photos awaiting moderation that the detector has not seen yet. Callers
    commit this before asking to publish, whose refusal would roll the suggestions back."""
    for photo in photos:
        if photo.visibility == "pending":
            analyse_photo(photo)


def undecided_message(photo, number, regions):
    """Why `photo` (the item's photo `number`) cannot be published yet."""
    kinds = ", ".join(sorted({str(REGION_KINDS[r.kind]) for r in regions}))
    return ngettext(
        "La photo %(n)d a %(num)d zone suggérée (%(kinds)s) ni floutée ni écartée : "
        "décidez-en avant de publier.",
        "La photo %(n)d a %(num)d zones suggérées (%(kinds)s) ni floutées ni écartées : "
        "décidez-en avant de publier.", len(regions), n=number, kinds=kinds)


def detection_note(detection):
    """What the moderator reads about the detector's pass over a photo."""
    if detection is None:
        return _("Recherche des visages et des plaques pas encore faite.")
    if detection.state == "failed":
        return _("La détection automatique n'a pas pu analyser cette photo : cherchez "
                 "vous-même les visages et les plaques, puis dessinez les zones à flouter.")
    found = db.session.scalar(select(func.count(PhotoRegion.id)).where(
        PhotoRegion.photo_id == detection.photo_id, PhotoRegion.kind != "manual"))
    if not found:
        return _("La détection n'a trouvé ni visage ni plaque : vérifiez quand même la "
                 "photo.")
    return ngettext("La détection a suggéré %(num)d zone : floutez-la ou écartez-la.",
                    "La détection a suggéré %(num)d zones : floutez-les ou écartez-les.",
                    found)
