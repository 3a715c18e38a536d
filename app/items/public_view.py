"""What the public may see of an item: the one answer every page, feed, export, PDF, CSV,
Open311 and OGC API response starts from.

- `public_view(item)`: the item's public fields as plain values (no personal data, no staff
  material), its location generalised when the item is sensitive.
- `location_of(item, exact=False)`: the location alone; `exact=True` for those who keep the
  exact point (staff, the author's tracking link: see permissions.can_see_exact_location).

A sensitive item (its category is "generalised", or the package that filed it said so, e.g.
a night walk's finding) is shown near its point, never on it: at its anchor (a walk's
stop) when within 100 m, otherwise at the centre of its 50 m grid cell; and of its location
details only the residence is kept (no building, entrance, floor or spot, nor a gazetteer
place as precise as a door). That position is prepared when the item changes, not at each
read — `prepare_public_view` — and stored in `public_lon`, `public_lat`,
`public_generalised`, so that the public map selects on what it shows; the whole public
feature is prepared as text from `public_view` too (app/items/prepared.py).

Category publicity (public / generalised / staff-only) is read here: it is the rule the
public view follows (an administrator changes it through services.set_category_publicity).
"""

from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType

from sqlalchemy import func, select

from app.geo.routes import generalised_point
from app.stamps import register_stamp, stamp

from .models import DEFAULT_PUBLICITY, CategoryPublicity

# Gazetteer places as precise as a door: a generalised item does not name them.
PRECISE_PLACE_KINDS = ("building", "entrance")
PREPARED = ("public_lon", "public_lat", "public_generalised")

# The stored rows, few and short, as one text: their own stamp.
PUBLICITY_ROWS = select(func.aggregate_strings(
    CategoryPublicity.category + "=" + CategoryPublicity.publicity, ","))
register_stamp("category_publicity", PUBLICITY_ROWS)


# --- category publicity -------------------------------------------------------------------

def publicity_map():
    """{category code: "public" | "generalised" | "staff"} for the categories not public.
    The stored rows are few and short: they are their own stamp (app/stamps.py), read with
    the others, so every worker sees an administrator's change at its next transaction."""
    return _publicity_of_rows(stamp("category_publicity")[0])


@lru_cache(maxsize=4)
def _publicity_of_rows(rows):
    """The publicity map of the stored rows, `category=publicity` joined by commas."""
    stored = dict(row.split("=", 1) for row in (rows or "").split(",") if row)
    return MappingProxyType({**DEFAULT_PUBLICITY, **stored})


def publicity_of(category):
    return publicity_map().get(category, "public")


def staff_only_categories():
    return [code for code, publicity in publicity_map().items() if publicity == "staff"]


# --- preparing the public position --------------------------------------------------------

def public_position(lon, lat, sensitive, anchor_lon, anchor_lat, category_generalised):
    """(lon, lat, generalised): what the public is shown, in the order of PREPARED."""
    if not (sensitive or category_generalised):
        return lon, lat, False
    anchor = (anchor_lon, anchor_lat) if anchor_lon is not None else None
    return (*generalised_point(lon, lat, anchor), True)


def prepare_public_view(item, anchor=None, sensitive=None):
    """Prepare what the public is shown of `item`: called when it is created, and by the
    package that attaches it to something giving it an `anchor` ((lon, lat) the public may
    be shown instead of the exact point when near: a walk's stop) or making it `sensitive`
    (generalised whatever its category: a night or women's walk's finding)."""
    if anchor is not None:
        item.anchor_lon, item.anchor_lat = anchor
    if sensitive is not None:
        item.sensitive = sensitive
    item.public_lon, item.public_lat, item.public_generalised = public_position(
        item.lon, item.lat, bool(item.sensitive), item.anchor_lon, item.anchor_lat,
        publicity_of(item.category) == "generalised")


# --- reading ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Location:
    lon: float
    lat: float
    generalised: bool
    position: str  # "inside" the perimeter, or "near" it
    place: str | None  # the gazetteer place's name
    residence: str | None
    building: str | None
    entrance: str | None
    floor: str | None
    spot: str | None


def location_of(item, exact=False):
    """Where `item` is, as the public is shown it, or exactly when `exact`."""
    place = item.place
    name = place_shown(place and place.name, place and place.kind, item.public_generalised,
                       exact)
    if exact or not item.public_generalised:
        return Location(
            item.lon if exact else item.public_lon, item.lat if exact else item.public_lat,
            False, item.position, name, item.residence,
            item.building, item.entrance, item.floor, item.spot)
    return Location(item.public_lon, item.public_lat, True, item.position, name,
                    item.residence, None, None, None, None)


def place_shown(name, kind, generalised, exact=False):
    """The name of an item's gazetteer place (`name` and `kind`, None without one) as
    location_of gives it: a generalised item is not named after a place as precise as a
    door, unless the reader keeps exact locations."""
    if exact or not generalised or kind not in PRECISE_PLACE_KINDS:
        return name
    return None


def public_history(item):
    """The public moves of `item`: status, when, by whom (an organisation or a role, never
    a name) and the public note; internal notes are staff material."""
    return [{"status": event.to_status, "at": event.created_at, "by": event.actor_label,
             "note": event.note} for event in item.events]


def public_view(item):
    """Everything the public may see of `item`, as plain values: no author, e-mail or
    tracking secret, no internal notes, due dates or moderation log; the location
    generalised when the item is sensitive (see location_of). Whether the item may be seen
    at all is asked first (permissions.can_view_item)."""
    return {
        "id": item.id, "reference": item.reference, "kind": item.kind,
        "category": item.category, "subcategory": item.subcategory, "title": item.title,
        "description": item.description, "status": item.status,
        "visibility": item.visibility, "created_at": item.created_at,
        "severity": item.severity, "danger": item.danger,
        **vars(location_of(item)),  # plain values: no need for asdict's deep copies
    }
