"""The outbox: e-mails written in the same transaction as the move that causes them."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.clock import utcnow
from app.extensions import db


class Delivery(StrEnum):
    PENDING = "pending"  # waiting for (another) attempt
    SENDING = "sending"  # claimed by a sender; if it stays here the sender died mid-send
    SENT = "sent"
    FAILED = "failed"  # gave up after MAX_ATTEMPTS


class OutboxMessage(db.Model):
    __table_args__ = (
        CheckConstraint("delivery IN ({})".format(", ".join(f"'{d.value}'" for d in Delivery)),
                        name="known_delivery"),
        Index("ix_outbox_message_delivery_next_attempt_at", "delivery", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("item.id", ondelete="SET NULL"))
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    delivery: Mapped[str] = mapped_column(String(10), default=Delivery.PENDING.value)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]

    @property
    def message_id(self):
        """Stable across attempts, so a receiving server or a person can spot a repeat."""
        return f"<outbox-{self.id}-{self.created_at:%Y%m%d%H%M%S}@arpenteur>"
