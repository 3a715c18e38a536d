"""Exports of the follow-up's items for spreadsheets and GIS: CSV for French spreadsheets,
GeoJSON and GeoPackage, with the follow-up's filters.

Every export streams: one query reads the items by id, a thousand rows at a time, and
each block is written as it comes; the GeoPackage is written in blocks to a temporary file
that is then sent and removed. pyarrow and GDAL (pyogrio) are imported only here, when a
GeoPackage is asked for.

What is exported of an item is one reading, `export_blocks`: the item's public view
(app/items/public_view) written as SQL over the columns it is prepared in, read column by
column a block at a time rather than rebuilt row by row. No personal data (no author,
e-mail or tracking secret; the title and description only of items moderation made
public); staff get the exact position and location details and the routing fields,
everyone else the public view, generalised for a sensitive item.
"""

import json
import os
import shutil
import tempfile
from datetime import date, datetime
from itertools import repeat
from json.encoder import encode_basestring
from pathlib import Path

from flask import Response, stream_with_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, Date, DateTime, String, and_, case, select, type_coerce
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from app.auth.models import Organisation
from app.clock import utcnow
from app.committee.filters import clauses
from app.csv_writer import FRENCH, csv_response
from app.extensions import db
from app.items.categories import CATEGORIES
from app.items.models import Item, reference_of
from app.items.permissions import can_see_exact_location
from app.items.public_view import PRECISE_PLACE_KINDS
from app.items.status import STATUS_LABELS, Visibility
from app.places.models import Place
from app.triage.queries import overdue_clause

CHUNK = 1000
GEOPACKAGE_CHUNK = 5000
# Location details a generalised item does not show (its residence alone is kept).
DETAILS = ("building", "entrance", "floor", "spot")
# (key, heading, staff only)
COLUMNS = (
    ("reference", _l("Référence"), False), ("id", _l("Identifiant"), False),
    ("kind", _l("Type"), False), ("category", _l("Code catégorie"), False),
    ("category_label", _l("Catégorie"), False), ("subcategory", _l("Précision"), False),
    ("status", _l("Code état"), False), ("status_label", _l("État"), False),
    ("created_at", _l("Reçu le"), False), ("severity", _l("Gravité (1 à 3)"), False),
    ("danger", _l("Danger immédiat"), False), ("title", _l("Titre"), False),
    ("description", _l("Description"), False),
    ("organisation", _l("Organisme"), True), ("routed_at", _l("Transmis le"), True),
    ("acknowledge_due", _l("À prendre en compte avant le"), True),
    ("resolve_due", _l("À résoudre avant le"), True), ("overdue", _l("En retard"), True),
    ("returns", _l("Renvois"), True),
    ("answer_days", _l("Jours ouvrés jusqu'à la prise en compte"), True),
    ("resolve_days", _l("Jours ouvrés jusqu'à la résolution"), True),
    ("position", _l("Dans le quartier ou aux abords"), False),
    ("generalised", _l("Position généralisée"), False), ("place", _l("Lieu"), False),
    ("residence", _l("Résidence"), False), ("building", _l("Bâtiment"), False),
    ("entrance", _l("Entrée"), False), ("floor", _l("Étage"), False),
    ("spot", _l("Endroit"), False), ("lon", _l("Longitude"), False),
    ("lat", _l("Latitude"), False),
)
def columns_for(viewer):
    """[(key, heading)] of the columns `viewer` gets."""
    staff = can_see_exact_location(viewer)
    return [(key, heading) for key, heading, staff_only in COLUMNS if staff or not staff_only]


def property_keys(viewer):
    """The column keys `viewer` gets, but the point's: the properties of a GIS feature."""
    return [key for key, _heading in columns_for(viewer) if key not in ("lon", "lat")]


def labels():
    """{"category" | "status": {code: label}}, translated once per export (not per row)."""
    return {"category": {code: str(c.label) for code, c in CATEGORIES.items()},
            "status": {status.value: str(label) for status, label in STATUS_LABELS.items()}}


def _shown(column):
    """A text moderation made public (None while it has not read it)."""
    return case((Item.visibility == Visibility.PUBLIC.value, column), else_=None)


def _read(staff, today):
    """{column key: SQL expression} of what is read of each item, already what staff (or,
    when `staff` is false, anyone else) may see: the public view's rule
    (public_view.location_of) written as SQL, so that no row is rebuilt in Python — staff
    read the exact point and every detail, everyone else the prepared public position and,
    for a generalised item, the residence alone (no building, entrance, floor or spot, no
    place as precise as a door)."""
    read = {"id": Item.id, "created_at": Item.created_at, "kind": Item.kind,
            "category": Item.category, "subcategory": Item.subcategory,
            "status": Item.status, "severity": Item.severity, "danger": Item.danger,
            "title": _shown(Item.title), "description": _shown(Item.description),
            "position": Item.position, "residence": Item.residence}
    if staff:
        return {**read, "organisation": Organisation.name, "routed_at": Item.routed_at,
                "acknowledge_due": Item.acknowledge_due, "resolve_due": Item.resolve_due,
                "overdue": type_coerce(case((overdue_clause(today), True), else_=False),
                                       Boolean),
                "returns": Item.return_count, "answer_days": Item.answer_days,
                "resolve_days": Item.resolve_days, "place": Place.name,
                **{name: getattr(Item, name) for name in DETAILS},
                "lon": Item.lon, "lat": Item.lat}
    generalised = Item.public_generalised
    return {**read, "generalised": generalised,
            "place": case((and_(generalised, Place.kind.in_(PRECISE_PLACE_KINDS)), None),
                          else_=Place.name),
            **{name: case((generalised, None), else_=getattr(Item, name))
               for name in DETAILS},
            "lon": Item.public_lon, "lat": Item.public_lat}


class IsoText(FunctionElement):
    """A date or moment column as the text Python's isoformat() writes of it (a moment to the
    second, with its microseconds only when it has some), where the database has it as text
    already: SQLite stores "2026-03-01 09:00:00.000000", and parsing 50,000 rows' moments
    into objects only to write them back took a sixth of the GeoJSON export's time. Other
    engines read the column as it is (values, written by JSON_TEXT): on PostgreSQL,
    to_char cost more than psycopg's parsing and isoformat() together."""

    type = String()
    inherit_cache = True


@compiles(IsoText)
def _iso_text_as_read(element, compiler, **kw):
    return compiler.process(element.clauses, **kw)


@compiles(IsoText, "sqlite")
def _iso_text_sqlite(element, compiler, **kw):
    value = compiler.process(element.clauses, **kw)  # a date is stored as "2026-03-01"
    return (f"CASE WHEN substr({value}, 21) IN ('', '000000') "
            f"THEN replace(substr({value}, 1, 19), ' ', 'T') ELSE replace({value}, ' ', 'T') END")


def export_blocks(filters, viewer, chunk=CHUNK, iso_dates=False):
    """The filtered items `viewer` may follow, by id, as blocks of up to `chunk` items, each
    {column key: [its value for each item]} (the keys of columns_for): one query, its rows
    fetched `chunk` at a time (a server-side cursor on PostgreSQL). Numbers and booleans
    stay values (each format writes them its way), and so do dates and moments unless
    `iso_dates` asks for them as ISO text where the database has it (IsoText)."""
    staff, named = can_see_exact_location(viewer), labels()
    read = _read(staff, filters.today)
    if iso_dates:
        read = {key: IsoText(column) if isinstance(column.type, (Date, DateTime)) else column
                for key, column in read.items()}
    query = (select(*read.values()).outerjoin(Organisation,
                                             Organisation.id == Item.organisation_id)
             .outerjoin(Place, Place.id == Item.place_id)
             .where(*clauses(filters, viewer)).order_by(Item.id)
             .execution_options(yield_per=chunk))
    for rows in db.session.connection().execute(query).partitions():
        block = dict(zip(read, zip(*rows, strict=True), strict=True))
        block.update(
            reference=list(map(reference_of, block["id"], map(_year, block["created_at"]))),
            category_label=[named["category"][code] for code in block["category"]],
            status_label=[named["status"][code] for code in block["status"]],
            lon=list(map(round, block["lon"], repeat(6))),
            lat=list(map(round, block["lat"], repeat(6))))
        if staff:
            block["generalised"] = [False] * len(rows)
        yield block


def _year(created_at):
    """The year of a moment, or of its ISO text (IsoText)."""
    return int(created_at[:4]) if isinstance(created_at, str) else created_at.year


def _filename(extension):
    return f"signalements-{utcnow():%Y-%m-%d}.{extension}"


def csv_export(filters, viewer):
    """The items as a CSV that French spreadsheets open as it is, streamed."""
    return csv_response(export_blocks(filters, viewer), columns_for(viewer),
                        _filename("csv"), FRENCH, by_columns=True)


def _iso(values):
    """A column of dates or moments as ISO text (None stays None)."""
    return [value if value is None else value.isoformat() for value in values]


def _quoted_iso(value):
    return f'"{value.isoformat()}"'  # digits, dashes, colons and a dot: nothing to escape


# Each value's JSON text by its type, as json.dumps(..., ensure_ascii=False) writes it (any
# other type through json itself).
JSON = json.JSONEncoder(ensure_ascii=False).encode
JSON_TEXT = {type(None): lambda _value: "null", bool: lambda value: "true" if value else "false",
             int: int.__repr__, float: float.__repr__, str: encode_basestring,
             date: _quoted_iso, datetime: _quoted_iso}


def _json_texts(values):
    """The JSON text of each value of a column, in one sweep when the column holds one
    type (None aside), as most do."""
    kinds = set(map(type, values))
    if len(kinds) == 1:
        return list(map(JSON_TEXT.get(kinds.pop(), JSON), values))
    kinds.discard(type(None))
    if len(kinds) == 1 and (write := JSON_TEXT.get(kinds.pop())):
        return ["null" if value is None else write(value) for value in values]
    return [JSON_TEXT.get(type(value), JSON)(value) for value in values]


def _feature_template(keys):
    """The text of one feature with a `%s` for its id, each property's JSON text (in the
    order of `keys`) and its longitude and latitude: what json.dumps writes of it."""
    members = ", ".join(f"{encode_basestring(key)}: %s" for key in keys)
    return ('{"type": "Feature", "id": %s, "properties": {' + members
            + '}, "geometry": {"type": "Point", "coordinates": [%s, %s]}}')


def _features(filters, viewer):
    """The FeatureCollection's text, a block of features at a time, one feature a line:
    each column is written as JSON text in one sweep, then each feature fills a template,
    with no object built per feature."""
    keys = property_keys(viewer)
    template = _feature_template(keys)
    yield '{"type": "FeatureCollection", "features": ['
    separator = "\n"
    for block in export_blocks(filters, viewer, iso_dates=True):
        columns = [_json_texts(block[key]) for key in ("id", *keys, "lon", "lat")]
        yield separator + ",\n".join(template % values for values in zip(*columns,
                                                                        strict=True))
        separator = ",\n"
    yield "\n]}\n"


def geojson_export(filters, viewer):
    """The items as a GeoJSON FeatureCollection (WGS84), streamed feature by feature."""
    return Response(stream_with_context(_features(filters, viewer)),
                    mimetype="application/geo+json",
                    headers={"Content-Disposition":
                             f'attachment; filename="{_filename("geojson")}"'})


# GeoPackage columns that are not text (the others are); dates stay ISO text.
WHOLE_NUMBERS = {"id", "severity", "returns", "answer_days", "resolve_days"}
YES_NO = {"danger", "overdue", "generalised"}
MOMENTS = {"created_at", "routed_at"}
DAYS = {"acknowledge_due", "resolve_due"}


def _schema(keys):
    """The Arrow schema of the GeoPackage's batches: typed fields, then the WKB point."""
    import pyarrow

    def kind(key):
        if key in WHOLE_NUMBERS:
            return pyarrow.int64()
        if key in YES_NO:
            return pyarrow.bool_()
        if key in MOMENTS:
            return pyarrow.timestamp("ms", tz="UTC")
        return pyarrow.string()

    return pyarrow.schema([*((key, kind(key)) for key in keys),
                           ("geometry", pyarrow.binary())])


def _batch(block, keys, schema):
    """An Arrow record batch of a block of export rows, column by column."""
    import pyarrow
    import shapely

    columns = []
    for key in keys:
        values = block[key]
        if key in DAYS:
            values = _iso(values)
        columns.append(pyarrow.array(values, type=schema.field(key).type))
    points = shapely.points(block["lon"], block["lat"])
    columns.append(pyarrow.array(shapely.to_wkb(points), type=pyarrow.binary()))
    return pyarrow.RecordBatch.from_arrays(columns, schema=schema)


def geopackage_export(filters, viewer):
    """The items as a GeoPackage for QGIS (layer `items`, EPSG:4326): Arrow batches of
    GEOPACKAGE_CHUNK rows stream into GDAL, which writes a temporary file that is then
    sent and removed (one batch in memory at a time, besides the file). No spatial index:
    writing one costs more than reading 50,000 points without it (QGIS builds one on
    demand)."""
    import pyarrow
    import pyogrio

    # A throwaway file: no need to wait for the disk at each batch.
    pyogrio.set_gdal_config_options({"OGR_SQLITE_SYNCHRONOUS": "OFF"})
    keys = property_keys(viewer)
    schema = _schema(keys)
    batches = (_batch(block, keys, schema)
               for block in export_blocks(filters, viewer, GEOPACKAGE_CHUNK))
    folder = Path(tempfile.mkdtemp(prefix="arpenteur-export-"))
    path = folder / "items.gpkg"
    try:
        pyogrio.write_arrow(pyarrow.RecordBatchReader.from_batches(schema, batches), path,
                            layer="items", driver="GPKG", geometry_name="geometry",
                            geometry_type="Point", crs="EPSG:4326",
                            layer_options={"SPATIAL_INDEX": "NO"})
        handle = path.open("rb")  # stays readable once the folder is gone (POSIX)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return Response(_read_through(handle), mimetype="application/geopackage+sqlite3",
                    headers={"Content-Disposition":
                             f'attachment; filename="{_filename("gpkg")}"',
                             "Content-Length": os.fstat(handle.fileno()).st_size})


def _read_through(handle, size=1 << 16):
    """The file's bytes a piece at a time, the file closed once they are sent (or the
    download is dropped): the app may compress them as they go, as it does the others."""
    with handle:
        yield from iter(lambda: handle.read(size), b"")


EXPORTS = {"csv": csv_export, "geojson": geojson_export, "gpkg": geopackage_export}
