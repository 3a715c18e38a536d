"""`flask moderation detect`: look for faces and plates in photos awaiting moderation
ahead of the moderators (run it from cron every minute)."""

import click
from flask.cli import AppGroup
from sqlalchemy import select

from app.extensions import db
from app.items.models import Photo
from app.items.status import Visibility

from .masking import analyse_photo
from .models import PhotoDetection

moderation_cli = AppGroup("moderation", help="Prepare the moderators' work.")


@moderation_cli.command("detect")
@click.option("--limit", default=20, show_default=True, help="Photos analysed at most this run.")
def detect(limit):
    """Run the face and number-plate detector over photos awaiting moderation that it has
    not seen yet, oldest first; the review page then opens with its suggestions. A photo
    the detector cannot read is noted for the moderator, who masks it by hand."""
    photos = db.session.scalars(
        select(Photo).outerjoin(PhotoDetection, PhotoDetection.photo_id == Photo.id)
        .where(Photo.visibility == Visibility.PENDING.value, PhotoDetection.photo_id.is_(None))
        .order_by(Photo.id).limit(limit)).all()
    counts = {"done": 0, "failed": 0}
    for photo in photos:
        counts[analyse_photo(photo).state] += 1
        db.session.commit()  # one photo at a time: a moderator sees each as soon as it is done
    click.echo(f"photos analysed {counts['done']}, failed {counts['failed']}")
