"""The gazetteer: named places residents choose from when they cannot use a map."""

from sqlalchemy import CheckConstraint, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db

PLACE_KINDS = ("stop", "street", "residence", "building", "entrance", "square", "facility")


class Place(db.Model):
    __table_args__ = (
        CheckConstraint("kind IN ({})".format(", ".join(f"'{k}'" for k in PLACE_KINDS)),
                        name="known_kind"),
        Index("ix_place_lon_lat", "lon", "lat"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    lon: Mapped[float]
    lat: Mapped[float]
    source: Mapped[str] = mapped_column(String(200), default="")
    external_id: Mapped[str | None] = mapped_column(String(100), unique=True)
    is_demo: Mapped[bool] = mapped_column(default=False)

    def __repr__(self):
        return f"<Place {self.name}>"
