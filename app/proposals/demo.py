"""Demo data for `seed-demo`: a report waiting for moderation (a name in its text, a photo
with a face-like shape to blur) and a public proposal to support and carry. Placed on real
places of the gazetteer and labelled as demonstration data."""

import io

from PIL import Image, ImageDraw
from sqlalchemy import select

from app.extensions import db
from app.items.services import find_by_idempotency_key, submit_item
from app.moderation.services import moderate_item
from app.places.models import Place

from .services import submit_proposal

PLACE = "Mont Blanc (bus)"
REPORT_KEY, PROPOSAL_KEY = "demo-moderation-report", "demo-table-proposal"
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


def seed_demo_moderation(moderator):
    """Create the demo report and proposal once; return how many were created."""
    place = db.session.scalar(select(Place).where(Place.name == PLACE))
    if place is None:
        return 0
    created = 0
    if find_by_idempotency_key(REPORT_KEY) is None:
        submit_item(None, {
            "kind": "gusp", "category": "depots-sauvages", "place": place.id,
            "description": "[Démo] M. Exemple du bâtiment B dépose ses encombrants près de "
                           "l'arrêt."}, [("demo.jpg", demo_photo())], REPORT_KEY)
        created += 1
    if find_by_idempotency_key(PROPOSAL_KEY) is None:
        item, _token, _created = submit_proposal(None, {
            "title": "[Démo] Un abri et un banc à l'arrêt Mont Blanc",
            "description": "Donnée de démonstration : les personnes âgées attendent debout.",
            "place": place.id}, "cadre-de-vie", idempotency_key=PROPOSAL_KEY)
        moderate_item(moderator, item, "publish")
        created += 1
    return created
