"""Land tenure zones, the routing table and the target delays, all editable data."""

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import Organisation
from app.clock import utcnow
from app.extensions import db

# Land with no tenure zone is public land; a rule's `land` is this or a land owner's code.
PUBLIC_LAND = "public"


class TenureZone(db.Model):
    """Land owned by an organisation (typically the landlord's "résidentialisé" land)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    source: Mapped[str] = mapped_column(String(200), default="")
    geometry: Mapped[dict] = mapped_column(JSON)  # GeoJSON (Multi)Polygon, lon/lat
    is_demo: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    owner: Mapped[Organisation] = relationship()


class RoutingRule(db.Model):
    """Category × land (public, or a land owner's code) → the responsible organisation."""

    __table_args__ = (UniqueConstraint("category", "land"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    category: Mapped[str] = mapped_column(String(32))
    land: Mapped[str] = mapped_column(String(32))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))

    organisation: Mapped[Organisation] = relationship()


class TargetDelay(db.Model):
    """How many working days an organisation has to acknowledge and to resolve an item of
    a category; the row with category "*" is the organisation's default."""

    __table_args__ = (
        UniqueConstraint("organisation_id", "category"),
        CheckConstraint("acknowledge_days > 0 AND resolve_days >= acknowledge_days",
                        name="sensible_days"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    category: Mapped[str] = mapped_column(String(32))
    acknowledge_days: Mapped[int]
    resolve_days: Mapped[int]

    organisation: Mapped[Organisation] = relationship()


class TargetDelayChange(db.Model):
    """One change of a target delay: who, when, old → new (None: no row, the default
    applies). Kept when the account is deleted, under the name it had."""

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    category: Mapped[str] = mapped_column(String(32))
    old_acknowledge_days: Mapped[int | None]
    old_resolve_days: Mapped[int | None]
    new_acknowledge_days: Mapped[int | None]
    new_resolve_days: Mapped[int | None]
    changed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"))
    changed_by_label: Mapped[str] = mapped_column(String(254), default="")
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)

    organisation: Mapped[Organisation] = relationship()
