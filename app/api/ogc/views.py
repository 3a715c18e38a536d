"""OGC API – Features under /ogcapi/: landing page, conformance, collections and the
`public-items` collection (bbox, limit, offset, datetime), read-only and JSON.

Errors are answered as OGC API exceptions (`{"code", "description"}`), unknown query
parameters included, as Part 1 asks."""

import math
from datetime import timedelta

from flask import Blueprint, jsonify, request, url_for
from flask_babel import gettext as _

from app.clock import parse_iso_datetime
from app.errors import register_error_format
from app.inputs import parse_int

from . import queries, schemas

bp = Blueprint("ogcapi", __name__, url_prefix="/ogcapi")

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
ITEMS_PARAMETERS = {"limit", "offset", "bbox", "bbox-crs", "datetime", "f"}
FORMATS = {"json", "geojson"}
OPEN = ("", "..")


class Refused(Exception):
    def __init__(self, status, description):
        super().__init__(description)
        self.http_status = status
        self.description = description


def exception(status, description):
    """An OGC API exception document; input refused anywhere (422 in the rest of
    Arpenteur) is a 400 here, as the standard says."""
    status = 400 if status == 422 else status
    code = {400: "InvalidParameterValue", 404: "NotFound"}.get(status, str(status))
    return jsonify({"code": code, "description": description}), status


@bp.record_once
def _answer_errors_the_ogc_way(state):
    register_error_format(state.app, bp.url_prefix + "/", exception)


@bp.errorhandler(Refused)
def refused(exc):
    return exception(exc.http_status, exc.description)


def _check_parameters(allowed):
    unknown = sorted(set(request.args) - allowed)
    if unknown:
        raise Refused(400, _("Paramètre inconnu : %(name)s (acceptés : %(allowed)s).",
                             name=unknown[0][:40], allowed=", ".join(sorted(allowed)) or "—"))
    if request.args.get("f", "json") not in FORMATS:
        raise Refused(400, _("Format inconnu : seul json (GeoJSON) est servi."))


def _json(document, media_type=schemas.JSON):
    response = jsonify(document)
    response.mimetype = media_type
    return response


def _collection_or_404(collection_id):
    if collection_id != schemas.COLLECTION:
        raise Refused(404, _("Collection inconnue : %(id)s.", id=collection_id[:40]))


@bp.route("/")
def landing_page():
    _check_parameters({"f"})
    return _json(schemas.landing_page())


@bp.route("/conformance")
def conformance():
    _check_parameters({"f"})
    return _json({"conformsTo": schemas.CONFORMANCE})


@bp.route("/collections")
def collections():
    _check_parameters({"f"})
    return _json({
        "links": [schemas.link(url_for("ogcapi.collections", _external=True), "self",
                                schemas.JSON)],
        "collections": [schemas.collection(queries.first_public_date())],
    })


@bp.route("/collections/<collection_id>")
def collection(collection_id):
    _check_parameters({"f"})
    _collection_or_404(collection_id)
    return _json(schemas.collection(queries.first_public_date()))


def _integer(name, default, minimum):
    raw = request.args.get(name)
    if raw is None:
        return default
    number = parse_int(raw)
    if number is None or number < minimum:
        raise Refused(400, _("%(name)s attend un entier supérieur ou égal à %(min)d.",
                             name=name, min=minimum))
    return number


def _bbox():
    """(minlon, minlat, maxlon, maxlat) in CRS84 from 4 numbers, or 6 with heights."""
    raw = request.args.get("bbox")
    if raw is None:
        return None
    if request.args.get("bbox-crs", schemas.CRS84) != schemas.CRS84:
        raise Refused(400, _("bbox-crs : seul %(crs)s est servi.", crs=schemas.CRS84))
    try:
        values = [float(v) for v in raw.split(",")]
    except ValueError:
        values = []
    if len(values) == 6:
        values = values[0:2] + values[3:5]
    if len(values) != 4 or not all(math.isfinite(v) for v in values):
        raise Refused(400, _("bbox attend minlon,minlat,maxlon,maxlat en degrés."))
    minlon, minlat, maxlon, maxlat = values
    if not (-180 <= minlon <= 180 and -180 <= maxlon <= 180 and -90 <= minlat <= maxlat <= 90):
        raise Refused(400, _("bbox attend minlon,minlat,maxlon,maxlat en degrés."))
    return values


def _moment(text, end):
    """One end of a `datetime` (None when open); a bare date covers its whole day."""
    if text in OPEN:
        return None
    moment = parse_iso_datetime(text)
    if end:
        moment += timedelta(days=1) if "T" not in text.upper() else timedelta(seconds=1)
        moment -= timedelta(microseconds=1)
    return moment


def _datetime():
    """(start, end) from `datetime`: an instant, a date, or an interval start/end where
    `..` or nothing leaves a side open."""
    raw = request.args.get("datetime")
    if raw is None:
        return None, None
    parts = raw.split("/")
    try:
        if len(parts) == 1 and raw not in OPEN:
            return _moment(raw, end=False), _moment(raw, end=True)
        if len(parts) == 2 and not (parts[0] in OPEN and parts[1] in OPEN):
            start, end = _moment(parts[0], end=False), _moment(parts[1], end=True)
            if start is None or end is None or start <= end:
                return start, end
    except ValueError:
        pass
    raise Refused(400, _("datetime attend une date RFC 3339 ou un intervalle début/fin "
                         "(« .. » pour un côté ouvert)."))


@bp.route("/collections/<collection_id>/items")
def features(collection_id):
    """A page of the collection's features (GeoJSON), newest ids last, with
    `numberMatched`, `numberReturned` and `next`/`prev` links."""
    _collection_or_404(collection_id)
    _check_parameters(ITEMS_PARAMETERS)
    limit = min(_integer("limit", DEFAULT_LIMIT, 1), MAX_LIMIT)
    offset = _integer("offset", 0, 0)
    bbox = _bbox()
    start, end = _datetime()
    matched, items = queries.public_page(bbox, start, end, offset, limit)
    args = {k: v for k, v in request.args.items() if k not in ("offset", "limit")}

    def page_url(page_offset):
        return url_for("ogcapi.features", collection_id=collection_id, _external=True,
                       **args, limit=limit, offset=page_offset)

    return _json(schemas.feature_collection(items, matched, offset, limit, page_url),
                 schemas.GEOJSON)


@bp.route("/collections/<collection_id>/items/<feature_id>")
def feature(collection_id, feature_id):
    _collection_or_404(collection_id)
    _check_parameters({"f"})
    item_id = parse_int(feature_id)
    item = queries.public_item(item_id) if item_id is not None else None
    if item is None:
        raise Refused(404, _("Aucune contribution publique n° %(id)s.", id=feature_id[:20]))
    document = schemas.feature(item)
    document["links"] = [
        schemas.link(url_for("ogcapi.feature", collection_id=collection_id,
                              feature_id=feature_id, _external=True), "self", schemas.GEOJSON),
        schemas.link(url_for("ogcapi.collection", collection_id=collection_id,
                              _external=True), "collection", schemas.JSON),
    ]
    return _json(document, schemas.GEOJSON)
