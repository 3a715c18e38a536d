"""Exports of the follow-up's items for spreadsheets and GIS: CSV for French spreadsheets,
GeoJSON and GeoPackage, with the follow-up's filters.

Every export streams: one query reads the items by id, a thousand rows at a time, and
they are written as they come, about 64 KB at a time; the GeoPackage is written in chunks
to a temporary file that is then sent and removed. pyarrow and GDAL (pyogrio) are imported
only here, when a GeoPackage is asked for.

What a row holds is one function, `export_row`, built on the item's one public view
(app/items/public_view): no personal data (no author, e-mail or tracking secret; the title
and description only of items moderation made public); staff get the exact position and
location details and the routing fields, everyone else the public view, generalised for a
sensitive item.
"""

import json
import shutil
import tempfile
from datetime import UTC
from itertools import islice
from pathlib import Path
from types import SimpleNamespace

from flask import Response, send_file, stream_with_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.auth.models import Organisation
from app.clock import utcnow
from app.committee.filters import clauses
from app.csv_writer import FRENCH, csv_response
from app.extensions import db
from app.items.categories import CATEGORIES
from app.items.models import Item, reference_of
from app.items.permissions import can_see_exact_location
from app.items.public_view import location_of, public_view
from app.items.status import STATUS_LABELS, Visibility
from app.places.models import Place
from app.triage.queries import is_overdue

CHUNK = 1000
PIECE_CHARS = 64 * 1024  # what the GeoJSON stream sends at a time
GEOPACKAGE_CHUNK = 5000
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
READ = (Item.id, Item.created_at, Item.kind, Item.category, Item.subcategory, Item.status,
        Item.visibility, Item.title, Item.description, Item.severity, Item.danger,
        Item.routed_at, Item.acknowledge_due, Item.resolve_due, Item.return_count,
        Item.answer_days, Item.resolve_days, Item.lon, Item.lat, Item.public_lon,
        Item.public_lat, Item.public_generalised, Item.position, Item.residence,
        Item.building, Item.entrance, Item.floor, Item.spot,
        Organisation.name.label("organisation_name"), Place.name.label("place_name"),
        Place.kind.label("place_kind"))


def columns_for(viewer):
    """[(key, heading)] of the columns `viewer` gets."""
    staff = can_see_exact_location(viewer)
    return [(key, heading) for key, heading, staff_only in COLUMNS if staff or not staff_only]


def property_keys(viewer):
    """The column keys `viewer` gets, but the point's: the properties of a GIS feature."""
    return [key for key, _heading in columns_for(viewer) if key not in ("lon", "lat")]


def _as_item(values):
    """A row read from the database ({column: value}) in the shape public_view and
    is_overdue read."""
    place = (SimpleNamespace(name=values["place_name"], kind=values["place_kind"])
             if values["place_name"] is not None else None)
    return SimpleNamespace(**values, place=place,
                           reference=reference_of(values["id"], values["created_at"]))


def labels():
    """{"category" | "status": {code: label}}, translated once per export (not per row)."""
    return {"category": {code: str(c.label) for code, c in CATEGORIES.items()},
            "status": {status.value: str(label) for status, label in STATUS_LABELS.items()}}


def export_row(item, staff, today, labels):
    """One exported item as {column key: value}: the item's public view (the exact location
    for staff), its labels (from `labels()`) and, for staff, its routing; dates, numbers
    and booleans stay values (each format writes them its way)."""
    row = public_view(item)
    if staff:
        row.update(vars(location_of(item, exact=True)))
    if item.visibility != Visibility.PUBLIC.value:
        row.update(title=None, description=None)  # moderation has not read them yet
    row.update(category_label=labels["category"][item.category],
               status_label=labels["status"][item.status],
               lon=round(row["lon"], 6), lat=round(row["lat"], 6))
    if staff:
        row.update({
            "organisation": item.organisation_name, "routed_at": item.routed_at,
            "acknowledge_due": item.acknowledge_due, "resolve_due": item.resolve_due,
            "overdue": is_overdue(item, today), "returns": item.return_count,
            "answer_days": item.answer_days, "resolve_days": item.resolve_days,
        })
    return row


def export_rows(filters, viewer, chunk=CHUNK):
    """Yield export_row of every filtered item `viewer` may follow, by id: one query,
    its rows fetched `chunk` at a time (a server-side cursor on PostgreSQL)."""
    staff, named = can_see_exact_location(viewer), labels()
    query = (select(*READ).outerjoin(Organisation, Organisation.id == Item.organisation_id)
             .outerjoin(Place, Place.id == Item.place_id)
             .where(*clauses(filters, viewer)).order_by(Item.id)
             .execution_options(yield_per=chunk))
    keys = [column.key for column in READ]
    for rows in db.session.connection().execute(query).partitions():
        for row in rows:
            yield export_row(_as_item(dict(zip(keys, row, strict=True))), staff,
                             filters.today, named)


def _filename(extension):
    return f"signalements-{utcnow():%Y-%m-%d}.{extension}"


def csv_export(filters, viewer):
    """The items as a CSV that French spreadsheets open as it is, streamed."""
    return csv_response(export_rows(filters, viewer), columns_for(viewer), _filename("csv"),
                        FRENCH)


def _json_value(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def _features(filters, viewer):
    """The FeatureCollection's text, in pieces of about PIECE_CHARS characters."""
    keys, separator, size = property_keys(viewer), "\n", 0
    pieces = ['{"type": "FeatureCollection", "features": [']
    for row in export_rows(filters, viewer):
        properties = {key: _json_value(row.get(key)) for key in keys}
        feature = {"type": "Feature", "id": row["id"], "properties": properties,
                   "geometry": {"type": "Point", "coordinates": [row["lon"], row["lat"]]}}
        text = separator + json.dumps(feature, ensure_ascii=False)
        separator = ",\n"
        pieces.append(text)
        size += len(text)
        if size >= PIECE_CHARS:
            yield "".join(pieces)
            pieces, size = [], 0
    pieces.append("\n]}\n")
    yield "".join(pieces)


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


def _batch(rows, keys, schema):
    """An Arrow record batch of export rows, built column by column."""
    import pyarrow
    import shapely

    columns = []
    for key in keys:
        values = [row.get(key) for row in rows]
        if key in DAYS:
            values = [day.isoformat() if day else None for day in values]
        elif key in MOMENTS:  # naive moments are UTC (app/clock.py)
            values = [moment.replace(tzinfo=UTC) if moment and moment.tzinfo is None
                      else moment for moment in values]
        columns.append(pyarrow.array(values, type=schema.field(key).type))
    points = shapely.points([row["lon"] for row in rows], [row["lat"] for row in rows])
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
    rows = export_rows(filters, viewer, GEOPACKAGE_CHUNK)
    batches = (_batch(block, keys, schema)
               for block in iter(lambda: list(islice(rows, GEOPACKAGE_CHUNK)), []))
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
    return send_file(handle, mimetype="application/geopackage+sqlite3", as_attachment=True,
                     download_name=_filename("gpkg"))


EXPORTS = {"csv": csv_export, "geojson": geojson_export, "gpkg": geopackage_export}
