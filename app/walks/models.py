"""Walking diagnostics (DEM): the walk, its stops, its findings, night grids and re-checks.

Kind-specific data hangs off the item (DESIGN): a finding is an ordinary `Item` of kind
`dem` with a 1:1 `WalkFinding` row saying which walk and stop it belongs to.
"""

import datetime as dt
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from app.auth.models import Organisation, User
from app.clock import utcnow
from app.extensions import db
from app.items.models import Item, Photo


def _in(column, values):
    return "{} IN ({})".format(column, ", ".join(f"'{v}'" for v in values))


class WalkType(StrEnum):
    DAY = "jour"
    NIGHT = "nuit"
    WOMEN = "marche-exploratoire-femmes"
    RECHECK = "contre-visite"


class WalkStatus(StrEnum):
    PLANNED = "planned"
    ONGOING = "ongoing"
    CLOSED = "closed"
    CANCELLED = "cancelled"


WALK_TYPE_LABELS = {
    WalkType.DAY: _l("Diagnostic en marchant de jour"),
    WalkType.NIGHT: _l("Diagnostic en marchant de nuit"),
    WalkType.WOMEN: _l("Marche exploratoire de femmes"),
    WalkType.RECHECK: _l("Contre-visite"),
}
WALK_STATUS_LABELS = {
    WalkStatus.PLANNED: _l("Prévue"),
    WalkStatus.ONGOING: _l("En cours"),
    WalkStatus.CLOSED: _l("Terminée"),
    WalkStatus.CANCELLED: _l("Annulée"),
}
# Walks whose findings are sensitive: their public position is generalised.
SENSITIVE_WALKS = {WalkType.NIGHT, WalkType.WOMEN}
# Walks that fill the safety grid at each stop.
GRID_WALKS = {WalkType.NIGHT, WalkType.WOMEN}

# Participation is counted, never listed: college × gender.
COLLEGES = {
    "habitants": _l("Habitant·es"),
    "associations": _l("Associations"),
    "professionnels": _l("Professionnel·les"),
    "elus": _l("Élu·es"),
}
GENDERS = {"femmes": _l("Femmes"), "hommes": _l("Hommes"), "autres": _l("Autre ou non précisé")}

walk_invitation = Table(
    "walk_invitation",
    db.metadata,
    Column("walk_id", ForeignKey("walk.id", ondelete="CASCADE"), primary_key=True),
    Column("organisation_id", ForeignKey("organisation.id", ondelete="CASCADE"),
           primary_key=True),
)


class Walk(db.Model):
    __table_args__ = (
        CheckConstraint(_in("type", [t.value for t in WalkType]), name="known_type"),
        CheckConstraint(_in("status", [s.value for s in WalkStatus]), name="known_status"),
        # A compte rendu is published only once the walk is over.
        CheckConstraint("published_at IS NULL OR status = 'closed'", name="published_closed"),
        UniqueConstraint("join_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    type: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(200))
    date: Mapped[dt.date] = mapped_column(index=True)
    start_time: Mapped[dt.time]
    end_time: Mapped[dt.time | None]
    meeting_point: Mapped[str] = mapped_column(String(200))
    sector: Mapped[str] = mapped_column(String(120), index=True)
    # GeoJSON LineString coordinates, [[lon, lat], ...] in WGS84.
    route: Mapped[list] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(12), default=WalkStatus.PLANNED.value)
    join_code: Mapped[str] = mapped_column(String(12))
    # {college: {gender: count}}: aggregates only, never names.
    participation: Mapped[dict | None] = mapped_column(JSON)
    summary: Mapped[str] = mapped_column(Text, default="")
    previous_walk_id: Mapped[int | None] = mapped_column(
        ForeignKey("walk.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[dt.datetime | None]
    published_at: Mapped[dt.datetime | None]

    stops: Mapped[list["WalkStop"]] = relationship(
        back_populates="walk", order_by="WalkStop.position", cascade="all, delete-orphan")
    findings: Mapped[list["WalkFinding"]] = relationship(
        back_populates="walk", order_by="WalkFinding.item_id")
    organisations: Mapped[list[Organisation]] = relationship(
        secondary=walk_invitation, order_by=Organisation.name)
    previous_walk: Mapped["Walk | None"] = relationship(remote_side=[id])
    created_by: Mapped[User | None] = relationship()

    @property
    def type_label(self):
        return WALK_TYPE_LABELS[WalkType(self.type)]

    @property
    def status_label(self):
        return WALK_STATUS_LABELS[WalkStatus(self.status)]

    @property
    def has_grid(self):
        return self.type in GRID_WALKS

    def __repr__(self):
        return f"<Walk {self.id} {self.type} {self.date}>"


class WalkStop(db.Model):
    __table_args__ = (UniqueConstraint("walk_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    walk_id: Mapped[int] = mapped_column(ForeignKey("walk.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]  # 1, 2, 3... along the route
    name: Mapped[str] = mapped_column(String(200))
    lon: Mapped[float]
    lat: Mapped[float]

    walk: Mapped[Walk] = relationship(back_populates="stops")
    grid: Mapped["NightGrid | None"] = relationship(back_populates="stop", uselist=False,
                                                     cascade="all, delete-orphan")


class WalkFinding(db.Model):
    """What makes an item a walk finding: its walk, its stop, strong/weak, the proposed fix."""

    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"),
                                         primary_key=True)
    walk_id: Mapped[int] = mapped_column(ForeignKey("walk.id", ondelete="CASCADE"), index=True)
    stop_id: Mapped[int | None] = mapped_column(ForeignKey("walk_stop.id", ondelete="SET NULL"))
    strong_point: Mapped[bool] = mapped_column(default=False)
    recommendation: Mapped[str] = mapped_column(Text, default="")  # préconisation
    late: Mapped[bool] = mapped_column(default=False)  # sent after the walk closed

    item: Mapped[Item] = relationship(
        lazy="selectin",  # a walk's findings are read with their items: no N+1
        backref=backref("walk_finding", uselist=False, cascade="all, delete-orphan",
                        lazy="selectin"))  # lists serialise many items: no N+1
    walk: Mapped[Walk] = relationship(back_populates="findings", lazy="joined")
    stop: Mapped[WalkStop | None] = relationship()


LIGHTING = {
    "off": _l("Éteint"),
    "weak": _l("Faible"),
    "glaring": _l("Éblouissant"),
    "hidden": _l("Masqué par les arbres"),
    "good": _l("Suffisant"),
}
# The nine 0-3 ratings of the night safety grid (DOMAIN.md, after Safetipin audits).
RATINGS = {
    "lighting": _l("Éclairage"),
    "openness": _l("Ouverture (voir loin devant soi)"),
    "visibility": _l("Visibilité (être vu·e)"),
    "people": _l("Présence de passants"),
    "security": _l("Présence de sécurité"),
    "walk_path": _l("Cheminement piéton"),
    "transport": _l("Transports publics proches"),
    "gender_mix": _l("Mixité femmes-hommes"),
    "feeling": _l("Sentiment de sécurité"),
}


class NightGrid(db.Model):
    """The safety grid filled at one stop of a night (or women's) walk."""

    __table_args__ = tuple(
        CheckConstraint(f"{name} BETWEEN 0 AND 3", name=f"{name}_range") for name in RATINGS
    ) + (CheckConstraint(_in("lighting_state", LIGHTING), name="known_lighting"),)

    stop_id: Mapped[int] = mapped_column(ForeignKey("walk_stop.id", ondelete="CASCADE"),
                                         primary_key=True)
    lighting_state: Mapped[str] = mapped_column(String(10))
    lighting: Mapped[int]
    openness: Mapped[int]
    visibility: Mapped[int]
    people: Mapped[int]
    security: Mapped[int]
    walk_path: Mapped[int]
    transport: Mapped[int]
    gender_mix: Mapped[int]
    feeling: Mapped[int]
    comment: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    stop: Mapped[WalkStop] = relationship(back_populates="grid")

    def ratings(self):
        return {name: getattr(self, name) for name in RATINGS}


class RecheckOutcome(StrEnum):
    RESOLVED = "resolved"
    STILL_THERE = "still-there"
    WORSE = "worse"


RECHECK_LABELS = {
    RecheckOutcome.RESOLVED: _l("Résolu"),
    RecheckOutcome.STILL_THERE: _l("Toujours là"),
    RecheckOutcome.WORSE: _l("Aggravé"),
}


class Recheck(db.Model):
    """An earlier item looked at again during a walk: the last word per walk × item counts."""

    __table_args__ = (
        CheckConstraint(_in("outcome", [o.value for o in RecheckOutcome]), name="known_outcome"),
        UniqueConstraint("walk_id", "item_id"),
        Index("ix_recheck_item_id", "item_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    walk_id: Mapped[int] = mapped_column(ForeignKey("walk.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"))
    outcome: Mapped[str] = mapped_column(String(12))
    note: Mapped[str] = mapped_column(Text, default="")
    photo_id: Mapped[int | None] = mapped_column(ForeignKey("photo.id", ondelete="SET NULL"))
    checked_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"))
    checked_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    walk: Mapped[Walk] = relationship()
    item: Mapped[Item] = relationship()
    photo: Mapped[Photo | None] = relationship()

    @property
    def outcome_label(self):
        return RECHECK_LABELS[RecheckOutcome(self.outcome)]
