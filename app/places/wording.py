"""A point named after the nearest place, in the reader's language ("à 40 m de l'arrêt
Mont Blanc (bus)"), for pages that would otherwise show coordinates."""

from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l

from .queries import nearest_place

ON_THE_SPOT_M = 15  # closer than this, the point is "at" the place
ROUND_TO_M = 10  # distances are approximate: never suggest metre precision

# Per kind of place: (on the spot, at a distance). French puts the article with the kind
# ("du bâtiment", "de la résidence"), so each kind has its own two sentences.
PHRASES = {
    "stop": (_l("à l'arrêt %(name)s"), _l("à %(m)s m de l'arrêt %(name)s")),
    "street": (_l("sur la voie %(name)s"), _l("à %(m)s m de la voie %(name)s")),
    "residence": (_l("dans la résidence %(name)s"), _l("à %(m)s m de la résidence %(name)s")),
    "building": (_l("au bâtiment %(name)s"), _l("à %(m)s m du bâtiment %(name)s")),
    "entrance": (_l("à l'entrée %(name)s"), _l("à %(m)s m de l'entrée %(name)s")),
    "square": (_l("sur la place %(name)s"), _l("à %(m)s m de la place %(name)s")),
    "facility": (_l("à l'équipement %(name)s"), _l("à %(m)s m de l'équipement %(name)s")),
}


def place_phrase(place, metres):
    """How far `place` is, in words: "à l'arrêt X" or "à 40 m de l'arrêt X"."""
    on_the_spot, at_a_distance = PHRASES[place.kind]
    if metres < ON_THE_SPOT_M:
        return str(on_the_spot) % {"name": place.name}
    rounded = max(ROUND_TO_M, round(metres / ROUND_TO_M) * ROUND_TO_M)
    return str(at_a_distance) % {"name": place.name, "m": format_decimal(rounded)}


def describe_point(lon, lat, exclude_kinds=()):
    """The nearest place to (lon, lat) in words (leaving out places of `exclude_kinds`), or
    None when no place is near."""
    found = nearest_place(lon, lat, exclude_kinds=exclude_kinds)
    return place_phrase(*found) if found else None
