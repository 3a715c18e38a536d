"""WGS84 <-> Lambert-93 projections, for every computation in metres."""

from functools import cache

import shapely
from pyproj import Transformer

WGS84 = "EPSG:4326"
LAMBERT93 = "EPSG:2154"


@cache
def _to_l93():
    return Transformer.from_crs(WGS84, LAMBERT93, always_xy=True)


def to_lambert93(geometry):
    """Return `geometry` (lon/lat) projected to Lambert-93 metres."""
    return shapely.transform(geometry, _to_l93().transform, interleaved=False)


def area_hectares(geometry):
    """Area of a lon/lat polygon in hectares."""
    return to_lambert93(geometry).area / 10_000
