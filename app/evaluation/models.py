"""The TFPB axis of the landlord's items: the national framework's eight axes, a default
per category, and each change kept (who, when, old → new, why)."""

import datetime as dt

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.extensions import db
from app.items.models import Item

# The landlord whose QPV tax abatement (TFPB) is reviewed every year.
LANDLORD = "hbh"
# The national framework of 2015 for the TFPB abatement in QPVs.
TFPB_AXES = {
    1: _l("Renforcement de la présence du personnel de proximité"),
    2: _l("Formation et soutien des personnels de proximité"),
    3: _l("Sur-entretien"),
    4: _l("Gestion des déchets, des encombrants et des épaves"),
    5: _l("Tranquillité résidentielle"),
    6: _l("Concertation et sensibilisation des locataires"),
    7: _l("Animation, lien social, vivre ensemble"),
    8: _l("Petits travaux d'amélioration de la qualité de service"),
}
# The axis an item of a category falls under unless coordination or the landlord says
# otherwise (categories the landlord never handles have none).
DEFAULT_AXIS = {
    "proprete": 3, "tags": 3, "espaces-verts": 3, "parties-communes": 3, "nuisibles": 3,
    "assainissement": 3, "dechets": 4, "depots-sauvages": 4, "stationnement": 5,
    "tranquillite": 5, "proposition": 6, "eclairage": 8, "voirie": 8, "mobilier-urbain": 8,
    "accessibilite": 8,
}
AXIS_RANGE = "axis BETWEEN 1 AND 8"


class TfpbAxis(db.Model):
    """The axis chosen for an item, when it is not its category's default."""

    __table_args__ = (CheckConstraint(AXIS_RANGE, name="known_axis"),)

    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"),
                                         primary_key=True)
    axis: Mapped[int]


class TfpbAxisChange(db.Model):
    __table_args__ = (CheckConstraint("new_axis BETWEEN 1 AND 8", name="known_axis"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"), index=True)
    old_axis: Mapped[int | None]
    new_axis: Mapped[int]
    reason: Mapped[str] = mapped_column(Text, default="")
    changed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"))
    changed_by_label: Mapped[str] = mapped_column(String(254), default="")
    changed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    item: Mapped[Item] = relationship()
