"""Where a point stands relative to the QPV perimeters: inside, near (the band), or outside."""

import math
from dataclasses import dataclass
from enum import StrEnum

import shapely
from shapely.geometry import Point, shape

from .projection import to_lambert93


class Position(StrEnum):
    INSIDE = "inside"
    NEAR = "near"  # "abords": outside, but within the band
    OUTSIDE = "outside"


@dataclass(frozen=True)
class Placement:
    position: Position
    code: str | None  # the nearest perimeter's code
    distance_m: float  # 0 inside


def valid_lon_lat(lon, lat):
    """True for finite WGS84 coordinates within their ranges."""
    return (
        isinstance(lon, int | float)
        and isinstance(lat, int | float)
        and math.isfinite(lon)
        and math.isfinite(lat)
        and -180 <= lon <= 180
        and -90 <= lat <= 90
    )


class PerimeterIndex:
    """Prepared perimeter geometries, built once and queried many times.

    `perimeters` is an iterable of (code, GeoJSON geometry mapping) in lon/lat.
    """

    def __init__(self, perimeters):
        self._codes = []
        self._wgs84 = []
        self._l93 = []
        for code, geometry in perimeters:
            geom = shape(geometry)
            self._codes.append(code)
            self._wgs84.append(geom)
            self._l93.append(to_lambert93(geom))
        for geom in self._wgs84 + self._l93:
            shapely.prepare(geom)

    def __len__(self):
        return len(self._codes)

    def place(self, lon, lat, band_m):
        """Place (lon, lat) relative to the perimeters, with a band of `band_m` metres."""
        if not valid_lon_lat(lon, lat):
            raise ValueError("coordinates must be finite lon/lat within range")
        if not self._codes:
            return Placement(Position.OUTSIDE, None, math.inf)
        point = Point(lon, lat)
        for code, geom in zip(self._codes, self._wgs84, strict=True):
            if geom.covers(point):
                return Placement(Position.INSIDE, code, 0.0)
        projected = to_lambert93(point)
        distance, code = min(
            (geom.distance(projected), code)
            for code, geom in zip(self._codes, self._l93, strict=True)
        )
        position = Position.NEAR if distance <= band_m else Position.OUTSIDE
        return Placement(position, code, distance)
