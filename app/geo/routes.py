"""Metric geometry of walks: distance to a route, nearest stop, generalised positions.

Everything is measured in Lambert-93 (EPSG:2154); inputs and outputs are lon/lat.
"""

import math
from functools import cache

from pyproj import Transformer
from shapely.geometry import LineString, Point

from .projection import LAMBERT93, WGS84, metres_between, project_points, to_lambert93

GRID_M = 50
ANCHOR_M = 100  # further than this, the anchor would misplace the point: use the grid


@cache
def _to_wgs84():
    return Transformer.from_crs(LAMBERT93, WGS84, always_xy=True)


def route_line_l93(coordinates):
    """A route ([[lon, lat], ...]) as a Lambert-93 geometry (a point for a single vertex)."""
    if len(coordinates) == 1:
        return to_lambert93(Point(coordinates[0]))
    return to_lambert93(LineString(coordinates))


def metres_from_route(route_l93, lon, lat):
    """Distance in metres from (lon, lat) to a route already projected by route_line_l93."""
    (x,), (y,) = project_points([lon], [lat])
    return route_l93.distance(Point(x, y))


def nearest_point(points, lon, lat):
    """(index, metres) of the point of `points` ([(lon, lat)]) nearest to (lon, lat)."""
    if not points:
        return None, math.inf
    xs, ys = project_points([p[0] for p in points] + [lon], [p[1] for p in points] + [lat])
    x, y = xs[-1], ys[-1]
    distances = [math.hypot(px - x, py - y) for px, py in zip(xs[:-1], ys[:-1], strict=True)]
    best = min(range(len(distances)), key=distances.__getitem__)
    return best, distances[best]


def snap_to_grid(lon, lat, metres=GRID_M):
    """The centre of the `metres` Lambert-93 grid cell holding (lon, lat): a public position
    that says "around here" without giving the exact point."""
    (x,), (y,) = project_points([lon], [lat])
    cx = (math.floor(x / metres) + 0.5) * metres
    cy = (math.floor(y / metres) + 0.5) * metres
    snapped_lon, snapped_lat = _to_wgs84().transform(cx, cy)
    return round(snapped_lon, 6), round(snapped_lat, 6)


def generalised_point(lon, lat, anchor=None):
    """Where a sensitive point is shown to the public: its anchor (lon, lat; e.g. the stop of
    a walk) when within ANCHOR_M metres, otherwise the centre of its GRID_M grid cell."""
    if anchor is not None and metres_between(lon, lat, *anchor) <= ANCHOR_M:
        return anchor
    return snap_to_grid(lon, lat)
