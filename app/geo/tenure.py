"""Land tenure: who owns the land at a point, from prepared polygons. Pure Python.

Land outside every zone is public land. Where zones overlap (an import reports it), the
smallest zone wins: it is the most precise statement about that spot.
"""

import shapely
from shapely.geometry import Point, mapping, shape

from .files import NAME_COLUMNS, checked_polygon, read_frame
from .projection import to_lambert93


class TenureIndex:
    """`zones`: iterable of (owner code, GeoJSON geometry mapping in lon/lat)."""

    def __init__(self, zones):
        self._zones = []
        for owner, geometry in zones:
            geom = shape(geometry)
            shapely.prepare(geom)
            self._zones.append((geom.area, owner, geom))
        self._zones.sort(key=lambda zone: zone[0])

    def __len__(self):
        return len(self._zones)

    def owner_at(self, lon, lat):
        """The owner code of the smallest zone containing (lon, lat), or None (public)."""
        point = Point(lon, lat)
        for _area, owner, geom in self._zones:
            if geom.covers(point):
                return owner
        return None


def read_tenure_file(path):
    """Read the polygons of a GeoJSON, GeoPackage or Shapefile (any CRS) as
    [(name, GeoJSON mapping in lon/lat)]. Every feature must be a valid polygon: the first
    that is not raises GeodataError naming it (by its name, else its position)."""
    frame = read_frame(path)
    name_column = next((c for c in NAME_COLUMNS if c in frame.columns), None)
    zones = []
    for position, row in enumerate(frame.itertuples(index=False), start=1):
        name = str(getattr(row, name_column) or "").strip() if name_column else ""
        label = name or f"n° {position}"
        geometry = mapping(row.geometry) if row.geometry is not None else {}
        checked_polygon(geometry, label)
        zones.append((name or label, geometry))
    return zones


def overlaps(named_geometries, min_area_m2=1.0):
    """Pairs (name_a, name_b, overlap in m²) of zones overlapping by more than `min_area_m2`.

    Touching edges are not overlaps; areas are measured in Lambert-93.
    """
    shapes = [(name, to_lambert93(shape(geometry))) for name, geometry in named_geometries]
    tree = shapely.STRtree([geom for _name, geom in shapes])
    found = []
    for i, (name, geom) in enumerate(shapes):
        for j in tree.query(geom):
            if j > i:
                area = geom.intersection(shapes[j][1]).area
                if area > min_area_m2:
                    found.append((name, shapes[j][0], round(area, 1)))
    return found
