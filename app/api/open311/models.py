"""What Open311 adds to an item it created: the key, the request token, the client's link."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.apikeys.models import ApiKey
from app.clock import utcnow
from app.extensions import db
from app.items.models import Item


class Open311Request(db.Model):
    """An item received through `POST requests`. `media_url` is the client's link, kept as
    text for staff and never fetched by the server."""

    __table_args__ = (UniqueConstraint("token"),)

    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"),
                                         primary_key=True)
    key_id: Mapped[int | None] = mapped_column(
        ForeignKey("api_key.id", ondelete="SET NULL"), index=True)
    token: Mapped[str] = mapped_column(String(64))
    media_url: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    item: Mapped[Item] = relationship()
    key: Mapped[ApiKey | None] = relationship()
