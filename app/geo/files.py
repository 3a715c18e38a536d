"""Reading perimeter files (GeoJSON, GeoPackage, Shapefile, any CRS) through geopandas.

Import-time only: this module is never imported on the request path.
Errors carry a message template and its parameters so the caller can translate them;
`N_` marks those templates for extraction.
"""

from dataclasses import dataclass

import shapely
from shapely.geometry import mapping, shape
from shapely.validation import explain_validity

from .projection import WGS84, area_hectares


def N_(message):
    return message


class GeodataError(Exception):
    def __init__(self, message, **params):
        super().__init__(message % params if params else message)
        self.message = message
        self.params = params


# Attribute names accepted for a perimeter's code and name: ANCT's, then generic ones.
CODE_COLUMNS = ("code_qp", "code_quartier", "code")
NAME_COLUMNS = ("lib_qp", "nom_qp", "lib_quartier", "name", "nom")
COMMUNES_COLUMN = "lib_communes"
POLYGONAL = ("Polygon", "MultiPolygon")


@dataclass(frozen=True)
class PerimeterFeature:
    code: str
    name: str
    communes: list
    area_ha: float
    geometry: dict  # GeoJSON mapping, lon/lat


def _column(frame, candidates, message, path):
    for name in candidates:
        if name in frame.columns:
            return name
    raise GeodataError(message, path=path, expected=", ".join(candidates))


def _communes(value):
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def read_perimeters(path):
    """Read the polygons of `path`, reprojected to WGS84, as PerimeterFeature objects.

    Raises GeodataError naming the problem: unreadable file, no CRS, missing code or name
    column, a non-polygon or invalid geometry (with the feature's code), or no features.
    """
    frame = read_frame(path)
    code_col = _column(
        frame, CODE_COLUMNS, N_("%(path)s : aucune colonne de code (attendu : %(expected)s)"), path
    )
    name_col = _column(
        frame, NAME_COLUMNS, N_("%(path)s : aucune colonne de nom (attendu : %(expected)s)"), path
    )
    features = []
    for position, row in enumerate(frame.itertuples(index=False), start=1):
        code = str(getattr(row, code_col) or "").strip()
        label = code or f"n° {position}"
        geom = checked_polygon(mapping(row.geometry) if row.geometry is not None else {}, label)
        if not code:
            raise GeodataError(N_("%(path)s : l'objet %(feature)s n'a pas de code"),
                               path=path, feature=label)
        communes = getattr(row, COMMUNES_COLUMN) if COMMUNES_COLUMN in frame.columns else None
        features.append(
            PerimeterFeature(
                code=code,
                name=str(getattr(row, name_col) or code),
                communes=_communes(communes),
                area_ha=round(area_hectares(geom), 2),
                geometry=mapping(geom),
            )
        )
    return features


def read_stops(path):
    """Read the public-transport stops file (points) as gazetteer entries, in WGS84.

    Stops sharing a name and mode are listed once (IDFM publishes one point per line)."""
    frame = read_frame(path)
    seen, stops = set(), []
    for row in frame.itertuples(index=False):
        if row.geometry is None or row.geometry.geom_type != "Point":
            continue
        mode = getattr(row, "mode", "") or ""
        label = f"{row.name} ({mode})" if mode else str(row.name)
        if label in seen:
            continue
        seen.add(label)
        stops.append({"name": label, "kind": "stop", "lon": row.geometry.x,
                      "lat": row.geometry.y, "external_id": f"stop:{label}"})
    return stops


def checked_polygon(geometry, label):
    """Return `geometry` (a GeoJSON mapping) as a valid shapely (Multi)Polygon, or raise
    GeodataError naming the feature `label`."""
    try:
        geom = shape(geometry)
    except (AttributeError, KeyError, TypeError, ValueError, shapely.errors.ShapelyError):
        raise GeodataError(N_("l'objet %(feature)s n'est pas une géométrie GeoJSON"),
                           feature=label) from None
    if geom.is_empty:
        raise GeodataError(N_("l'objet %(feature)s n'a pas de géométrie"), feature=label)
    if geom.geom_type not in POLYGONAL:
        raise GeodataError(N_("l'objet %(feature)s est un %(type)s, pas un polygone"),
                           feature=label, type=geom.geom_type)
    if not geom.is_valid:
        raise GeodataError(N_("l'objet %(feature)s a une géométrie invalide (%(reason)s)"),
                           feature=label, reason=explain_validity(geom))
    return geom


def read_frame(path):
    """A non-empty GeoDataFrame of `path` reprojected to WGS84, or GeodataError."""
    import geopandas

    try:
        frame = geopandas.read_file(path)
    except Exception as exc:  # pyogrio raises several unrelated types for bad files
        raise GeodataError(
            N_("%(path)s : le fichier ne peut pas être lu comme un fichier géographique "
               "(%(detail)s)"),
            path=path, detail=str(exc).splitlines()[0] if str(exc) else type(exc).__name__,
        ) from exc
    if frame.empty:
        raise GeodataError(N_("%(path)s : le fichier ne contient aucun objet"), path=path)
    if frame.crs is None:
        raise GeodataError(
            N_("%(path)s : le fichier n'indique pas son système de coordonnées"), path=path)
    return frame.to_crs(WGS84)
