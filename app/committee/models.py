"""Committee meetings: the agenda generated from the data, edited by the coordination, and
one decision per agenda point."""

import datetime as dt

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import Organisation
from app.clock import utcnow
from app.extensions import db
from app.items.models import Item, ItemEvent

# Why a point is on the agenda, in the order the agenda is built.
REASONS = {
    "follow-up": _l("Suite de la réunion précédente"),
    "disputed": _l("Contesté : renvoyé deux fois, le comité désigne qui agit"),
    "overdue": _l("En retard"),
    "reopened": _l("Rouvert : la résolution n'a pas tenu"),
    "proposal": _l("Proposition en attente de réponse"),
    "recheck": _l("Constat de marche en attente de contre-visite"),
    "routed": _l("Transmis depuis la dernière réunion"),
    "added": _l("Ajouté à l'ordre du jour"),
    "free": _l("Point libre"),
}


class Meeting(db.Model):
    __tablename__ = "committee_meeting"

    id: Mapped[int] = mapped_column(primary_key=True)
    held_on: Mapped[dt.date] = mapped_column(index=True)
    starts_at: Mapped[dt.time]
    place: Mapped[str] = mapped_column(String(200))
    attendees: Mapped[str] = mapped_column(Text, default="")  # bodies and colleges present
    notes: Mapped[str] = mapped_column(Text, default="")
    agenda_generated_at: Mapped[dt.datetime | None]
    closed_at: Mapped[dt.datetime | None]  # minutes final: no more changes
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column()
    __mapper_args__ = {"version_id_col": version}

    points: Mapped[list["AgendaPoint"]] = relationship(
        back_populates="meeting", order_by="(AgendaPoint.position, AgendaPoint.id)",
        cascade="all, delete-orphan")

    @property
    def is_closed(self):
        return self.closed_at is not None


class AgendaPoint(db.Model):
    """One point of a meeting's agenda: an item (with its state when the agenda was made),
    or a free point; `details` holds the figures of a summary point."""

    __table_args__ = (UniqueConstraint("meeting_id", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("committee_meeting.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    reasons: Mapped[list] = mapped_column(JSON)  # REASONS codes
    item_id: Mapped[int | None] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(300), default="")
    details: Mapped[dict | None] = mapped_column(JSON)
    # A follow-up: the previous meeting's point whose decision this point checks.
    follows_point_id: Mapped[int | None] = mapped_column(
        ForeignKey("agenda_point.id", ondelete="SET NULL"))
    # The item as the agenda saw it: a decision tells when it moved since.
    seen_status: Mapped[str | None] = mapped_column(String(20))
    seen_version: Mapped[int | None]
    seen_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    version: Mapped[int] = mapped_column()
    __mapper_args__ = {"version_id_col": version}

    meeting: Mapped[Meeting] = relationship(back_populates="points")
    item: Mapped[Item | None] = relationship()
    seen_organisation: Mapped[Organisation | None] = relationship()
    follows: Mapped["AgendaPoint | None"] = relationship(remote_side=[id])
    decision: Mapped["Decision | None"] = relationship(
        back_populates="point", uselist=False, cascade="all, delete-orphan")

    @property
    def moved(self):
        """The item changed since the agenda was made (any move, note or due date)."""
        return self.item is not None and self.seen_version != self.item.version


class Decision(db.Model):
    """What the committee decided on a point: who acts, by when, a note. For an item, the
    move or history row it made is `item_event`."""

    __tablename__ = "committee_decision"
    __table_args__ = (UniqueConstraint("point_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    point_id: Mapped[int] = mapped_column(ForeignKey("agenda_point.id", ondelete="CASCADE"))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    due_on: Mapped[dt.date | None]
    note: Mapped[str] = mapped_column(Text, default="")
    moved: Mapped[bool] = mapped_column(default=False)  # the item had moved since the agenda
    item_event_id: Mapped[int | None] = mapped_column(
        ForeignKey("item_event.id", ondelete="SET NULL"))
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"))
    decided_by_label: Mapped[str] = mapped_column(String(254), default="")
    decided_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    point: Mapped[AgendaPoint] = relationship(back_populates="decision")
    organisation: Mapped[Organisation | None] = relationship()
    item_event: Mapped[ItemEvent | None] = relationship()
