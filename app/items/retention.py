"""The retention periods stated at collection, enforced (RGPD).

An e-mail given to follow an item is kept until 12 months after the item closes
(verified, rejected or duplicate), then erased; the item itself stays, anonymous.
"""

from datetime import timedelta

from sqlalchemy import func, or_, select

from app.clock import utcnow
from app.extensions import db

from .models import Item, ItemEvent, ItemFollower
from .status import CLOSED

CONTACT_RETENTION = timedelta(days=365)


def erase_expired_contacts(now=None):
    """Erase the e-mails of items closed more than CONTACT_RETENTION ago; return how many
    items were concerned."""
    cutoff = (now or utcnow()) - CONTACT_RETENTION
    closed_at = (select(ItemEvent.item_id, func.max(ItemEvent.created_at).label("at"))
                 .group_by(ItemEvent.item_id).subquery())
    expired = db.session.scalars(
        select(Item).join(closed_at, closed_at.c.item_id == Item.id)
        .where(Item.status.in_([s.value for s in CLOSED]), closed_at.c.at < cutoff)
        .where(or_(Item.author_email.is_not(None),
                   Item.followers.any(ItemFollower.email.is_not(None))))
    ).all()
    for item in expired:
        item.author_email = None
        for follower in item.followers:
            follower.email = None
    db.session.flush()
    return len(expired)
