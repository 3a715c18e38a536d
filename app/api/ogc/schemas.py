"""OGC API – Features documents: landing page, conformance, collections, features."""

from flask import current_app, url_for
from flask_babel import gettext as _
from shapely.geometry import shape

from app.clock import paris_isoformat, utcnow
from app.geo.projection import degrees_around
from app.items.categories import CATEGORIES
from app.items.public_view import public_view
from app.items.status import CLOSED, STATUS_LABELS, Status
from app.perimeters.queries import all_perimeters

COLLECTION = "public-items"
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
GREGORIAN = "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"
CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
]
JSON = "application/json"
GEOJSON = "application/geo+json"
OPENAPI = "application/vnd.oai.openapi+json;version=3.1"
# What the public map tells about each item, in this order (a stable schema for GIS tools):
# fields of the item's public view, location details generalised with its position.
PROPERTIES = ("reference", "kind", "category", "subcategory", "title", "description",
              "status", "severity", "danger", "position", "generalised", "place",
              "residence", "building", "entrance", "floor", "spot")


def link(href, rel, media_type, title=None):
    link = {"href": href, "rel": rel, "type": media_type}
    if title:
        link["title"] = title
    return link


def landing_page():
    return {
        "title": _("Arpenteur — carte publique du Noyer Doré"),
        "description": _("Les signalements, constats de marche et propositions publiés du "
                         "quartier prioritaire du Noyer Doré (Antony), positions sensibles "
                         "généralisées, sans donnée personnelle."),
        "links": [
            link(url_for("ogcapi.landing_page", _external=True), "self", JSON,
                  _("Cette page")),
            link(url_for("api_v1.openapi", _external=True), "service-desc", OPENAPI,
                  _("Description OpenAPI des API d'Arpenteur")),
            link(url_for("ogcapi.conformance", _external=True), "conformance", JSON,
                  _("Classes de conformité")),
            link(url_for("ogcapi.collections", _external=True), "data", JSON,
                  _("Collections")),
        ],
    }


def _spatial_extent():
    """The served perimeter with its band (abords), in lon/lat."""
    served = [p for p in all_perimeters() if p.code == current_app.config["PERIMETER_CODE"]]
    if not served:
        return [-180.0, -90.0, 180.0, 90.0]
    minlon, minlat, maxlon, maxlat = shape(served[0].geometry).bounds
    dlon, dlat = degrees_around(maxlat, current_app.config["PERIMETER_BAND_M"])
    return [round(v, 6) for v in (minlon - dlon, minlat - dlat, maxlon + dlon, maxlat + dlat)]


def collection(first_date):
    items = url_for("ogcapi.features", collection_id=COLLECTION, _external=True)
    return {
        "id": COLLECTION,
        "title": _("Contributions publiques du Noyer Doré"),
        "description": _("Signalements GUSP, constats de diagnostic en marchant et "
                         "propositions, après modération ; une position sensible est "
                         "montrée généralisée."),
        "itemType": "feature",
        "crs": [CRS84],
        "extent": {
            "spatial": {"bbox": [_spatial_extent()], "crs": CRS84},
            "temporal": {"interval": [[paris_isoformat(first_date), None]], "trs": GREGORIAN},
        },
        "links": [
            link(url_for("ogcapi.collection", collection_id=COLLECTION, _external=True),
                  "self", JSON),
            link(items, "items", GEOJSON, _("Les contributions (GeoJSON)")),
        ],
    }


def feature(item):
    """An OGC feature from the item's public view: the point the public is shown and the
    public fields, with labels, `created_at` in Paris time and the item's page as `url`."""
    view = public_view(item)
    properties = {name: view[name] for name in PROPERTIES}
    properties.update({
        "category_label": str(CATEGORIES[view["category"]].label),
        "status_label": str(STATUS_LABELS[Status(view["status"])]),
        "open": Status(view["status"]) not in CLOSED,
        "created_at": paris_isoformat(view["created_at"]),
        "url": url_for("items.show", item_id=view["id"], _external=True),
    })
    return {"type": "Feature", "id": view["id"],
            "geometry": {"type": "Point", "coordinates": [view["lon"], view["lat"]]},
            "properties": properties}


def feature_collection(items, matched, offset, limit, page_url):
    """One page of features, with the counts and the links to the pages around it."""
    links = [link(page_url(offset), "self", GEOJSON)]
    if offset + limit < matched:
        links.append(link(page_url(offset + limit), "next", GEOJSON, _("Page suivante")))
    if offset > 0:
        links.append(link(page_url(max(offset - limit, 0)), "prev", GEOJSON,
                           _("Page précédente")))
    return {
        "type": "FeatureCollection",
        "timeStamp": utcnow().isoformat(timespec="seconds") + "Z",
        "numberMatched": matched,
        "numberReturned": len(items),
        "features": [feature(item) for item in items],
        "links": links,
    }
