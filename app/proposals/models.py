"""What hangs off a proposal: its theme and reasoned answer, supports, comments, and the
tables de quartier that carry it."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from app.auth.models import Organisation, User
from app.clock import utcnow
from app.extensions import db
from app.items.models import Item, _in
from app.items.status import Visibility

# The axes of the city contract "Engagements Quartiers 2030".
THEMES = {
    "cohesion-sociale": _l("Cohésion sociale"),
    "cadre-de-vie": _l("Cadre de vie et environnement"),
    "emploi": _l("Emploi et développement économique"),
}
ANSWERS = {
    "accepted": _l("Acceptée"),
    "partly": _l("Acceptée en partie"),
    "declined": _l("Refusée"),
}
OUTCOMES = {"carried": _l("Portée"), "not_carried": _l("Non portée")}
MAX_COMMENT = 2000


class Proposal(db.Model):
    """The proposal side of an item of kind `proposal` (one row per such item)."""

    __table_args__ = (
        CheckConstraint("theme IS NULL OR " + _in("theme", THEMES), name="known_theme"),
        CheckConstraint("answer IS NULL OR " + _in("answer", ANSWERS), name="known_answer"),
        # An answer always comes with its reasons, its date and the body that gave it.
        CheckConstraint("answer IS NULL OR (answer_text <> '' AND answered_at IS NOT NULL "
                        "AND answer_organisation_id IS NOT NULL)", name="answer_has_reasons"),
    )

    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"),
                                         primary_key=True)
    # None until someone classifies a proposal that arrived without one (API, capture form).
    theme: Mapped[str | None] = mapped_column(String(20))
    answer: Mapped[str | None] = mapped_column(String(10))
    answer_text: Mapped[str] = mapped_column(Text, default="")
    answer_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    answered_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"))
    answered_at: Mapped[datetime | None]

    item: Mapped[Item] = relationship(backref=backref("proposal", uselist=False))
    answer_organisation: Mapped[Organisation | None] = relationship()

    @property
    def time_to_answer(self):
        """From submission to the reasoned answer (the committee's indicator), or None."""
        return self.answered_at - self.item.created_at if self.answered_at else None


class Support(db.Model):
    """One resident supports one proposal once: the unique constraint settles races between
    two sessions of the same person."""

    __table_args__ = (UniqueConstraint("item_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"), index=True)
    # Kept, anonymised, when the account is deleted: the support still counts.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    item: Mapped[Item] = relationship(backref=backref("supports", cascade="all, delete-orphan",
                                                      passive_deletes=True))
    user: Mapped[User | None] = relationship()


class Comment(db.Model):
    """A resident's comment on a proposal; public only once a moderator publishes it."""

    __table_args__ = (
        CheckConstraint(_in("visibility", [v.value for v in Visibility]),
                        name="known_visibility"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"),
                                                  index=True)
    body: Mapped[str] = mapped_column(Text)
    visibility: Mapped[str] = mapped_column(String(10), default=Visibility.PENDING.value,
                                            index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    item: Mapped[Item] = relationship(backref=backref(
        "comments", order_by="Comment.id", cascade="all, delete-orphan", passive_deletes=True))
    author: Mapped[User | None] = relationship()

    @property
    def is_public(self):
        return self.visibility == Visibility.PUBLIC


class TableMeeting(db.Model):
    """A table de quartier: an open residents' meeting, with its agenda of proposals."""

    id: Mapped[int] = mapped_column(primary_key=True)
    held_at: Mapped[datetime]
    place: Mapped[str] = mapped_column(String(200))
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    entries: Mapped[list["AgendaEntry"]] = relationship(
        back_populates="meeting", order_by="AgendaEntry.id", cascade="all, delete-orphan")


class AgendaEntry(db.Model):
    """A proposal on a meeting's agenda, and what the table decided about it."""

    __table_args__ = (
        UniqueConstraint("meeting_id", "item_id"),
        CheckConstraint("outcome IS NULL OR " + _in("outcome", OUTCOMES), name="known_outcome"),
        CheckConstraint("outcome IS NULL OR outcome = 'carried' OR reason <> ''",
                        name="not_carried_has_reason"),
        CheckConstraint("outcome IS NULL OR outcome = 'not_carried' "
                        "OR organisation_id IS NOT NULL", name="carried_has_organisation"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("table_meeting.id", ondelete="CASCADE"),
                                            index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"), index=True)
    outcome: Mapped[str | None] = mapped_column(String(12))
    reason: Mapped[str] = mapped_column(Text, default="")
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]

    meeting: Mapped[TableMeeting] = relationship(back_populates="entries")
    item: Mapped[Item] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
