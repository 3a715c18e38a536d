"""Exports of the follow-up's items for spreadsheets and GIS: CSV for French spreadsheets,
GeoJSON and GeoPackage, with the follow-up's filters.

Every export streams: one query reads the items by id, a thousand rows at a time, and
each block is written as it comes; the GeoPackage is written in blocks to a temporary file
that is then sent and removed. pyarrow and GDAL (pyogrio) are imported only here, when a
GeoPackage is asked for.

What is exported of an item is one reading, `_read`: the item's public view
(app/items/public_view) written as SQL over the columns it is prepared in, never rebuilt
row by row. The CSV and the GeoPackage read it column by column a block at a time
(`export_blocks`); the GeoJSON has the database write each feature's text from it
(export_sql.point_feature). No personal data (no author, e-mail or tracking secret; the
title and description only of items moderation made public); staff get the exact
position and location details and the routing fields, everyone else the public view,
generalised for a sensitive item.
"""

import os
import shutil
import tempfile
from pathlib import Path

import numpy
from flask import Response, stream_with_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, and_, case, false, select, type_coerce

from app.auth.models import Organisation
from app.clock import utcnow
from app.committee.filters import clauses
from app.committee.permissions import follows_as_staff
from app.csv_writer import FRENCH, csv_response
from app.extensions import db
from app.items.categories import CATEGORIES
from app.items.models import Item, reference_of
from app.items.public_view import PRECISE_PLACE_KINDS
from app.items.status import STATUS_LABELS, Visibility
from app.places.models import Place
from app.triage.queries import overdue_clause

from .export_sql import Reference, point_feature, six_decimals

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
    staff = follows_as_staff(viewer)
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
    place as precise as a door). The columns made from these (the reference, the labels,
    staff's `generalised`) are not read: export_blocks or _derived_in_sql make them."""
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
                "lon": six_decimals(Item.lon), "lat": six_decimals(Item.lat)}
    generalised = Item.public_generalised
    return {**read, "generalised": generalised,
            "place": case((and_(generalised, Place.kind.in_(PRECISE_PLACE_KINDS)), None),
                          else_=Place.name),
            **{name: case((generalised, None), else_=getattr(Item, name))
               for name in DETAILS},
            "lon": six_decimals(Item.public_lon), "lat": six_decimals(Item.public_lat)}


def _rows(filters, viewer, columns, chunk):
    """The rows of `columns` of the filtered items `viewer` may follow, by id: one query,
    its rows fetched `chunk` at a time (a server-side cursor on PostgreSQL)."""
    query = (select(*columns).outerjoin(Organisation, Organisation.id == Item.organisation_id)
             .outerjoin(Place, Place.id == Item.place_id)
             .where(*clauses(filters, viewer)).order_by(Item.id)
             .execution_options(yield_per=chunk))
    return db.session.connection().execute(query).partitions()


def export_blocks(filters, viewer, chunk=CHUNK):
    """The filtered items `viewer` may follow, by id, as blocks of up to `chunk` items, each
    {column key: [its value for each item]} (the keys of columns_for). Numbers, booleans,
    dates and moments stay values: each format writes them its way.

    The columns made from others are made here, a block at a time, which costs less than
    the database writing each row's: a label is one shared text."""
    staff, named = follows_as_staff(viewer), labels()
    read = _read(staff, filters.today)
    for rows in _rows(filters, viewer, read.values(), chunk):
        block = dict(zip(read, zip(*rows, strict=True), strict=True))
        block.update(
            reference=list(map(reference_of, block["id"],
                               (created_at.year for created_at in block["created_at"]))),
            category_label=list(map(named["category"].get, block["category"])),
            status_label=list(map(named["status"].get, block["status"])))
        if staff:
            block["generalised"] = [False] * len(rows)
        yield block


def _derived_in_sql(staff, named):
    """{column key: SQL expression} of the columns made from others, for a text the
    database writes whole (the GeoJSON's features)."""
    derived = {"reference": Reference(Item.id, Item.created_at),
               "category_label": case(named["category"], value=Item.category, else_=None),
               "status_label": case(named["status"], value=Item.status, else_=None)}
    if staff:
        derived["generalised"] = type_coerce(false(), Boolean)
    return derived


def _filename(extension):
    return f"signalements-{utcnow():%Y-%m-%d}.{extension}"


def csv_export(filters, viewer):
    """The items as a CSV that French spreadsheets open as it is, streamed."""
    return csv_response(export_blocks(filters, viewer), columns_for(viewer),
                        _filename("csv"), FRENCH, by_columns=True)


def _features(filters, viewer):
    """The FeatureCollection's text, a block of features at a time, one feature a line:
    each feature's text is written by the database (export_sql.point_feature), and only
    joined here."""
    staff = follows_as_staff(viewer)
    read = {**_read(staff, filters.today), **_derived_in_sql(staff, labels())}
    feature = point_feature(read["id"], [(key, read[key]) for key in property_keys(viewer)],
                            read["lon"], read["lat"])
    yield '{"type": "FeatureCollection", "features": ['
    separator = "\n"
    for rows in _rows(filters, viewer, [feature], CHUNK):
        yield separator + ",\n".join(text for (text,) in rows)
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
# A point's WKB, as GDAL reads it: byte order (1, little-endian), geometry type (1, Point),
# x, y; numpy lays the fields out packed, 21 bytes.
WKB_POINT = numpy.dtype([("order", "u1"), ("type", "<u4"), ("x", "<f8"), ("y", "<f8")])


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


def _column(values, key, schema):
    """An Arrow array of one block's column. A date is written by Arrow as its ISO text,
    in C: calling isoformat() on each cost more than all the other fields but one."""
    import pyarrow

    if key in DAYS:
        return pyarrow.array(values, type=pyarrow.date32()).cast(pyarrow.string())
    return pyarrow.array(values, type=schema.field(key).type)


def _points(lon, lat):
    """The WKB of each (lon, lat) point as an Arrow array, laid out by numpy in one go
    (WKB_POINT): building a shapely point for each took 30 ms of 50,000 items' export."""
    import pyarrow

    wkb = numpy.empty(len(lon), WKB_POINT)
    wkb["order"], wkb["type"], wkb["x"], wkb["y"] = 1, 1, lon, lat
    offsets = numpy.arange(0, (len(lon) + 1) * wkb.itemsize, wkb.itemsize, dtype=numpy.int32)
    return pyarrow.Array.from_buffers(pyarrow.binary(), len(lon),
                                      [None, pyarrow.py_buffer(offsets), pyarrow.py_buffer(wkb)])


def _batch(block, keys, schema):
    """An Arrow record batch of a block of export rows, column by column."""
    import pyarrow

    columns = [_column(block[key], key, schema) for key in keys]
    return pyarrow.RecordBatch.from_arrays([*columns, _points(block["lon"], block["lat"])],
                                           schema=schema)


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
