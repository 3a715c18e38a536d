"""Demo data for `seed-demo`: a report waiting for moderation (a name in its text, a photo
with a face-like shape to blur) and a public proposal to support and carry. Placed on real
places of the gazetteer and labelled as demonstration data. Their idempotency keys are random
like any phone's: seeding again finds them by their text."""

import io
import uuid

from PIL import Image, ImageDraw
from sqlalchemy import select

from app.extensions import db
from app.items.models import Item
from app.items.services import submit_item
from app.moderation.services import moderate_item
from app.places.models import Place

from .services import submit_proposal

PLACE = "Mont Blanc (bus)"
REPORT_TEXT = ("[Démo] M. Exemple du bâtiment B dépose ses encombrants près de "
               "l'arrêt.")
PROPOSAL_TITLE = "[Démo] Un abri et un banc à l'arrêt Mont Blanc"
FACE_BOX = (220, 80, 380, 260)  # where the drawn face sits in the demo photo


def demo_photo():
    """A 600 × 400 picture with a face-like disc: what a moderator blurs before publishing."""
    image = Image.new("RGB", (600, 400), (120, 150, 170))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 300, 600, 400), fill=(90, 90, 90))
    draw.ellipse(FACE_BOX, fill=(230, 190, 160))
    for eye in (265, 315):
        draw.ellipse((eye, 140, eye + 20, 160), fill="black")
    out = io.BytesIO()
    image.save(out, "JPEG")
    return out.getvalue()


def _missing(condition):
    """True when no demo item matches `condition` yet."""
    return db.session.scalar(select(Item.id).where(condition).limit(1)) is None


def seed_demo_moderation(moderator):
    """Create the demo report and proposal once; return how many were created."""
    place = db.session.scalar(select(Place).where(Place.name == PLACE))
    if place is None:
        return 0
    created = 0
    if _missing(Item.description == REPORT_TEXT):
        submit_item(None, {"kind": "gusp", "category": "depots-sauvages", "place": place.id,
                           "description": REPORT_TEXT},
                    [("demo.jpg", demo_photo())], str(uuid.uuid4()))
        created += 1
    if _missing(Item.title == PROPOSAL_TITLE):
        item, _token, _created = submit_proposal(None, {
            "title": PROPOSAL_TITLE,
            "description": "Donnée de démonstration : les personnes âgées attendent debout.",
            "place": place.id}, "cadre-de-vie", idempotency_key=str(uuid.uuid4()))
        moderate_item(moderator, item, "publish")
        created += 1
    return created
