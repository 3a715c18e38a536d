"""WGS84 <-> Lambert-93 projections, for every computation in metres."""

import math
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


def project_points(lons, lats):
    """Project lon/lat sequences to Lambert-93 (x, y) arrays in metres."""
    return _to_l93().transform(lons, lats)


def metres_between(lon1, lat1, lon2, lat2):
    """Distance in metres between two lon/lat points, measured in Lambert-93."""
    (x1, x2), (y1, y2) = project_points([lon1, lon2], [lat1, lat2])
    return ((x2 - x1) ** 2 + (y2 - y1) ** 2) ** 0.5


def degrees_around(lat, metres):
    """A (dlon, dlat) box half-size in degrees covering `metres` around latitude `lat`,
    for a cheap bounding-box prefilter before measuring in metres."""
    dlat = metres / 111_000
    return dlat / max(math.cos(math.radians(lat)), 0.01), dlat
