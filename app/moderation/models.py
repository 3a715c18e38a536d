"""The moderation record: every decision, every text edit (with the original), every flag,
and the regions of photos to blur (suggested or drawn)."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.clock import utcnow
from app.extensions import db
from app.items.models import _in

ACTIONS = ("publish", "hide", "edit", "mask", "merge", "flagged")
FLAG_REASONS = {
    "personal-data": _l("Données personnelles (nom, adresse, visage…)"),
    "insult": _l("Insulte ou propos blessant"),
    "off-topic": _l("Hors sujet"),
    "other": _l("Autre raison"),
}
ONE_TARGET = "(item_id IS NULL) <> (comment_id IS NULL)"


class ModerationEvent(db.Model):
    """Who decided what about which item, comment or photo, when, and why."""

    __table_args__ = (CheckConstraint(_in("action", ACTIONS), name="known_action"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"),
                                                index=True)
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("comment.id", ondelete="CASCADE"),
                                                   index=True)
    photo_id: Mapped[int | None] = mapped_column(ForeignKey("photo.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str] = mapped_column(Text, default="")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    actor: Mapped[User | None] = relationship()


class TextRevision(db.Model):
    """A moderator's edit of public text. The item or comment holds the public text; the
    first revision's `before` is the author's original, shown to moderators only."""

    __table_args__ = (CheckConstraint(ONE_TARGET, name="one_target"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"),
                                                index=True)
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("comment.id", ondelete="CASCADE"),
                                                   index=True)
    field: Mapped[str] = mapped_column(String(20))
    before: Mapped[str] = mapped_column(Text)
    after: Mapped[str] = mapped_column(Text)
    editor_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    editor: Mapped[User | None] = relationship()


class Flag(db.Model):
    """Someone says public content should not be public. One flag per person (account, or
    network address when signed out) and content: the unique constraint enforces it."""

    __table_args__ = (
        CheckConstraint(_in("reason", FLAG_REASONS), name="known_reason"),
        CheckConstraint(ONE_TARGET, name="one_target"),
        UniqueConstraint("target", "reporter"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    target: Mapped[str] = mapped_column(String(30))  # "item:12" or "comment:7"
    item_id: Mapped[int | None] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"),
                                                index=True)
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("comment.id", ondelete="CASCADE"),
                                                   index=True)
    reason: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    reporter: Mapped[str] = mapped_column(String(80))  # "user:5" or "addr:<sha256>"
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))
    reviewed_at: Mapped[datetime | None]  # set when a moderator decides
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


REGION_KINDS = {"face": _l("visage"), "plate": _l("plaque"), "manual": _l("zone ajoutée")}
REGION_STATES = ("suggested", "masked", "dismissed")
DETECTION_STATES = ("done", "failed")


class PhotoDetection(db.Model):
    """The detector looked at a photo once: what came of it. The primary key makes the
    analysis happen once, however many moderators and cron runs reach it together."""

    __table_args__ = (CheckConstraint(_in("state", DETECTION_STATES), name="known_state"),)

    photo_id: Mapped[int] = mapped_column(ForeignKey("photo.id", ondelete="CASCADE"),
                                          primary_key=True)
    state: Mapped[str] = mapped_column(String(10))
    error: Mapped[str] = mapped_column(Text, default="")  # the technical reason of a failure
    duration_ms: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PhotoRegion(db.Model):
    """A rectangle of a photo, in its pixels: suggested by the detector (a face, a plate) or
    drawn by a moderator; blurred when `masked`. A suggestion neither masked nor dismissed
    keeps the photo from being published."""

    __table_args__ = (
        CheckConstraint(_in("kind", REGION_KINDS), name="known_kind"),
        CheckConstraint(_in("state", REGION_STATES), name="known_state"),
        CheckConstraint("x >= 0 AND y >= 0 AND width > 0 AND height > 0", name="positive_box"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    photo_id: Mapped[int] = mapped_column(ForeignKey("photo.id", ondelete="CASCADE"),
                                          index=True)
    kind: Mapped[str] = mapped_column(String(10))
    state: Mapped[str] = mapped_column(String(10))
    x: Mapped[int]
    y: Mapped[int]
    width: Mapped[int]
    height: Mapped[int]
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    @property
    def box(self):
        return self.x, self.y, self.width, self.height

    @property
    def suggested_by_detector(self):
        return self.kind != "manual"
