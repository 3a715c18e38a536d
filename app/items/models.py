"""The one item model shared by DEM findings, GUSP reports and proposals."""

import math
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import Organisation, User
from app.clock import utcnow
from app.extensions import db
from app.places.models import Place

from .states import Status, Visibility

KINDS = ("dem", "gusp", "proposal")
MAX_DESCRIPTION = 4000


def _in(column, values):
    return "{} IN ({})".format(column, ", ".join(f"'{v}'" for v in values))


# The public position's latitude band (1/BANDS_PER_DEGREE of a degree, about 5.6 m): the map's
# index leads with it, so that a box is read as a few short ranges of its longitudes, one
# per band it spans, whatever the size of the table (a longitude alone would read the
# box's whole north-south stripe of the town).
BANDS_PER_DEGREE = 20_000


def band_of(lat):
    """The latitude band of `lat`: never smaller for a larger latitude, so the bands of a
    box's edges bound the bands of every point inside it."""
    return math.floor(lat * BANDS_PER_DEGREE)


def _public_band(context):
    """An insert's band, from the public latitude it writes (every insert, ORM or not)."""
    return band_of(context.get_current_parameters()["public_lat"])


def reference_of(item_id, year):
    """An item's reference from its id and year of creation (lists that read columns only)."""
    return f"{year}-{item_id:05d}"


class ListedItem:
    """An item as a long list shows it: the columns its page read (a row with `id` and
    `created_at`) as attributes, and its reference, without building an Item."""

    def __init__(self, row):
        self.__dict__.update(row._asdict())

    @property
    def reference(self):
        return reference_of(self.id, self.created_at.year)


class Item(db.Model):
    __table_args__ = (
        CheckConstraint(_in("kind", KINDS), name="known_kind"),
        CheckConstraint(_in("status", [s.value for s in Status]), name="known_status"),
        CheckConstraint(_in("visibility", [v.value for v in Visibility]),
                        name="known_visibility"),
        CheckConstraint(_in("position", ("inside", "near")), name="known_position"),
        CheckConstraint("severity IS NULL OR severity BETWEEN 1 AND 3", name="severity_range"),
        # Status ties to the columns that depend on it.
        CheckConstraint("(status = 'duplicate') = (duplicate_of_id IS NOT NULL)",
                        name="duplicate_has_original"),
        CheckConstraint("status IN ('new', 'rejected', 'duplicate') OR organisation_id IS NOT NULL",
                        name="routed_has_organisation"),
        Index("ix_item_lon_lat", "lon", "lat"),
        # The public map's bbox, read from the index alone (its prepared text included:
        # migration 0018) as one short range of longitudes per latitude band (migration
        # 0020), and the public list, newest first (migration 0016).
        Index("ix_item_public_map", "public_band", "public_lon", "public_lat", "visibility",
              "created_at", "id", "category", "status", "map_feature"),
        Index("ix_item_visibility_created_at", "visibility", "created_at", "id"),
        # An agent's map: its organisation's items at their exact point, one range of
        # longitudes, not every item of the organisation (migration 0024; the others it
        # sees are read by the public map's index).
        Index("ix_item_organisation_map", "organisation_id", "lon", "lat"),
        CheckConstraint("(anchor_lon IS NULL) = (anchor_lat IS NULL)", name="anchor_whole"),
        Index("ix_item_visibility_status", "visibility", "status"),
        # The triage queue, a status at a time, oldest first, with what its filters test:
        # a filtered part and its count read only the index (migration 0021).
        Index("ix_item_triage_queue", "status", "created_at", "id", "category", "kind",
              "suggested_organisation_id", "return_count"),
        # An organisation's queue, a status at a time, soonest due first (migration 0019),
        # and the queues' overdue and disputed counts.
        Index("ix_item_organisation_queue", "organisation_id", "status", "resolve_due",
              "created_at", "id"),
        Index("ix_item_organisation_acknowledge_due", "organisation_id", "status",
              "acknowledge_due"),
        Index("ix_item_organisation_return_count", "organisation_id", "status", "return_count"),
        Index("ix_item_status_acknowledge_due", "status", "acknowledge_due"),
        Index("ix_item_status_resolve_due", "status", "resolve_due"),
        # The disputed items waiting for triage, and their count (migration 0021).
        Index("ix_item_triage_disputed", "status", "return_count", "created_at", "id",
              "category", "kind", "suggested_organisation_id"),
        # The follow-up's counts and list read only the index (status first, then what
        # they group, sort and filter by).
        Index("ix_item_followup", "status", "organisation_id", "category", "resolve_due",
              "created_at", "acknowledge_due", "kind", "answer_days", "resolve_days"),
        # A period's indicators, delays and recurring hotspots read only this index: items
        # received in the period, with what they count, group and place (migration 0017).
        Index("ix_item_period", "created_at", "status", "kind", "category", "organisation_id",
              "routed_at", "answer_days", "resolve_days", "lon", "lat"),
        # A key is its caller's own: the same key from two callers makes two items, from
        # one caller one item, even from two requests at once.
        UniqueConstraint("idempotency_scope", "idempotency_key"),
        UniqueConstraint("tracking_digest"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    category: Mapped[str] = mapped_column(String(32), index=True)
    subcategory: Mapped[str | None] = mapped_column(String(32))
    title: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    severity: Mapped[int | None]
    danger: Mapped[bool] = mapped_column(default=False)

    lon: Mapped[float]
    lat: Mapped[float]
    position: Mapped[str] = mapped_column(String(10))  # inside the perimeter, or near it
    place_id: Mapped[int | None] = mapped_column(ForeignKey("place.id"))
    residence: Mapped[str | None] = mapped_column(String(120))
    building: Mapped[str | None] = mapped_column(String(60))
    entrance: Mapped[str | None] = mapped_column(String(30))
    floor: Mapped[str | None] = mapped_column(String(30))
    spot: Mapped[str | None] = mapped_column(String(30))
    # What the public is shown (app/items/public_view.py), prepared when the item is
    # created, attached to a walk, or its category's publicity changes — never at each read.
    public_lon: Mapped[float]
    public_lat: Mapped[float]
    public_generalised: Mapped[bool] = mapped_column(default=False)
    # band_of(public_lat), set by every insert and kept by prepared.write_prepared.
    public_band: Mapped[int] = mapped_column(default=_public_band)
    # The same, as the texts a public read joins without building anything
    # (app/items/prepared.py): written after each flush that changes what they show, never
    # loaded with the item.
    public_feature: Mapped[str | None] = mapped_column(Text, deferred=True)
    map_feature: Mapped[str | None] = mapped_column(Text, deferred=True)
    # Generalised whatever its category (e.g. a finding of a night walk), and the point the
    # public may be shown instead of the exact one when near (a walk's stop): set by the
    # package that files the item.
    sensitive: Mapped[bool] = mapped_column(default=False)
    anchor_lon: Mapped[float | None]
    anchor_lat: Mapped[float | None]
    # Something to keep rather than a problem (a walk's strong point, set by the package
    # that files it): shown as such, and nobody is offered to follow it ("moi aussi").
    strong_point: Mapped[bool] = mapped_column(default=False)

    status: Mapped[str] = mapped_column(String(20), default=Status.NEW.value)
    visibility: Mapped[str] = mapped_column(String(10), default=Visibility.PENDING.value)
    version: Mapped[int] = mapped_column()
    # Optimistic locking: every UPDATE checks and bumps the version, so two people acting
    # on the same item at once can never silently overwrite each other.
    __mapper_args__ = {"version_id_col": version}
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    suggested_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("item.id"))
    # Routing and delays (app/routing, app/triage): due dates are fixed when the item is
    # routed, in working days from the organisation's target delays.
    routed_at: Mapped[datetime | None]
    acknowledge_due: Mapped[date | None]
    resolve_due: Mapped[date | None]
    expected_date: Mapped[date | None]  # the intervention date an agent planned
    # The organisation's first answer (acknowledged, planned or resolved) and its first
    # resolution since the item was last routed, and how many working days each took:
    # what the committee's delays are made of (items/status.py keeps them with the status).
    answered_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    answer_days: Mapped[int | None]
    resolve_days: Mapped[int | None]
    return_count: Mapped[int] = mapped_column(default=0, server_default="0")

    author_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))
    entered_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"))  # staff entering for a resident
    author_email: Mapped[str | None] = mapped_column(String(254))
    # The language the author reported in: the e-mails to author_email are written in it.
    author_locale: Mapped[str] = mapped_column(String(8), default="fr", server_default="fr")
    tracking_digest: Mapped[str] = mapped_column(String(64))
    idempotency_key: Mapped[str | None] = mapped_column(String(100))
    idempotency_scope: Mapped[str | None] = mapped_column(String(40))  # "user:<id>", "anonymous"
    request_fingerprint: Mapped[str | None] = mapped_column(String(64))  # what a replay must match
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    place: Mapped[Place | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship(foreign_keys=[organisation_id])
    suggested_organisation: Mapped[Organisation | None] = relationship(
        foreign_keys=[suggested_organisation_id])
    duplicate_of: Mapped["Item | None"] = relationship(remote_side=[id])
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    events: Mapped[list["ItemEvent"]] = relationship(
        back_populates="item", order_by="ItemEvent.id", cascade="all, delete-orphan")
    photos: Mapped[list["Photo"]] = relationship(
        back_populates="item", order_by="Photo.id", cascade="all, delete-orphan")
    followers: Mapped[list["ItemFollower"]] = relationship(
        back_populates="item", cascade="all, delete-orphan")

    @property
    def reference(self):
        """The number residents quote: year of creation and a zero-padded id."""
        return reference_of(self.id, self.created_at.year)

    @property
    def is_public(self):
        return self.visibility == Visibility.PUBLIC

    @property
    def email_given(self):
        """Whether the person who filed it can be kept informed by e-mail (an address given
        with it, or their account); staff learn this, never the address."""
        return self.author_email is not None or self.author_id is not None

    @property
    def is_disputed(self):
        """Sent back as "not ours" twice or more: the committee settles who acts."""
        return self.return_count >= 2

    def __repr__(self):
        return f"<Item {self.id} {self.kind}/{self.category} {self.status}>"


class ItemEvent(db.Model):
    """One dated move in an item's history: who, when, from what to what, and why."""

    # The indicators count items by the moves they made (resolved, reopened, re-routed).
    __table_args__ = (Index("ix_item_event_to_status_item_id", "to_status", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))
    actor_label: Mapped[str] = mapped_column(String(200), default="")  # shown in public
    note: Mapped[str] = mapped_column(Text, default="")  # public
    internal_note: Mapped[str] = mapped_column(Text, default="")  # staff only
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    item: Mapped[Item] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()


class Photo(db.Model):
    """A re-encoded photo without metadata, stored under a random name outside static/."""

    __table_args__ = (
        CheckConstraint(_in("visibility", [v.value for v in Visibility]),
                        name="known_visibility"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"), index=True)
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    thumbnail_name: Mapped[str] = mapped_column(String(64), unique=True)
    width: Mapped[int]
    height: Mapped[int]
    alt_text: Mapped[str] = mapped_column(String(300), default="")
    visibility: Mapped[str] = mapped_column(String(10), default=Visibility.PENDING.value)
    # The unmasked file while a masked version awaits publication (moderation deletes it
    # when the photo goes public).
    original_name: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    item: Mapped[Item] = relationship(back_populates="photos")


class ItemFollower(db.Model):
    """Someone who follows an item ("moi aussi"): an account, an e-mail, or neither. An
    account or an e-mail follows an item once: the constraints settle two requests at once."""

    __table_args__ = (
        UniqueConstraint("item_id", "user_id", name="uq_item_follower_item_id_user_id"),
        UniqueConstraint("item_id", "email", name="uq_item_follower_item_id_email"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"))
    email: Mapped[str | None] = mapped_column(String(254))
    locale: Mapped[str] = mapped_column(String(8), default="fr", server_default="fr")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    item: Mapped[Item] = relationship(back_populates="followers")


PUBLICITY = {
    "public": _l("Public après modération"),
    "generalised": _l("Public, position généralisée (carré de 50 m)"),
    "staff": _l("Jamais public (équipes seulement)"),
}
# Categories absent from the table are public after moderation.
DEFAULT_PUBLICITY = {"tranquillite": "generalised"}


class CategoryPublicity(db.Model):
    """How public the items of a category are; edited by administrators."""

    __table_args__ = (CheckConstraint(_in("publicity", PUBLICITY), name="known_publicity"),)

    category: Mapped[str] = mapped_column(String(32), primary_key=True)
    publicity: Mapped[str] = mapped_column(String(12))
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ItemStamp(db.Model):
    """One row: a random value the database changes in the transaction of any write to the
    item table (its triggers, migration 0022). What a worker keeps of the items for
    anonymous readers is kept under it (app/items/kept_answers.py). Never written by the
    app: its one row is seeded by the migration."""

    id: Mapped[int] = mapped_column(primary_key=True)
    stamp: Mapped[str] = mapped_column(String(32))
