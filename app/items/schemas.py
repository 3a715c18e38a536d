"""The JSON shapes of items: reading a submitted GeoJSON Feature, writing one back."""

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.inputs import InvalidInput, normalise_email_address
from app.walks.privacy import public_point

from .categories import CATEGORIES
from .permissions import is_staff, sees_every_item
from .status import STATUS_LABELS, Status

STRING_PROPERTIES = ("kind", "category", "subcategory", "title", "description", "residence",
                     "building", "entrance", "floor", "spot", "email", "recommendation")
BOOLEAN_PROPERTIES = ("danger", "on_behalf", "strong_point")
SEVERITY_LABELS = {1: _l("Gênant"), 2: _l("Important"), 3: _l("Grave")}


def _number(value):
    return isinstance(value, int | float) and not isinstance(value, bool)


def item_from_feature(feature):
    """Return (data, errors) from a GeoJSON Feature as posted to POST /api/v1/items."""
    errors = {}
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        return {}, {"item": _("Envoyez un objet GeoJSON de type Feature.")}
    props = feature.get("properties") or {}
    if not isinstance(props, dict):
        return {}, {"properties": _("Les propriétés doivent être un objet.")}
    data = {}
    for name in STRING_PROPERTIES:
        value = props.get(name)
        if value is not None and not isinstance(value, str):
            errors[name] = _("Ce champ doit être du texte.")
        elif value is not None:
            data[name] = value.strip() or None
    if data.get("email"):
        try:
            data["email"] = normalise_email_address(data["email"])
        except InvalidInput as refused:
            errors.update(refused.errors)
    for name in BOOLEAN_PROPERTIES:
        value = props.get(name, False)
        if not isinstance(value, bool):
            errors[name] = _("Ce champ vaut true ou false.")
        data[name] = value is True
    for name in ("severity", "place", "walk", "stop"):
        value = props.get(name)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
            errors[name] = _("Ce champ doit être un nombre entier.")
        else:
            data[name] = value
    geometry = feature.get("geometry")
    if geometry is not None:
        coordinates = geometry.get("coordinates") if isinstance(geometry, dict) else None
        if (geometry.get("type") if isinstance(geometry, dict) else None) != "Point" or not (
            isinstance(coordinates, list) and len(coordinates) in (2, 3)
            and all(_number(c) for c in coordinates)
        ):
            errors["location"] = _("La géométrie doit être un point [longitude, latitude].")
        else:
            data["lon"], data["lat"] = float(coordinates[0]), float(coordinates[1])
    return data, errors


def _iso(moment):
    return moment.isoformat(timespec="seconds") + "Z"


def photo_urls(item, viewer, tracking_token=None):
    visible = [p for p in item.photos if p.visibility == "public" or tracking_token
               or is_staff(viewer)]
    extra = {"suivi": tracking_token} if tracking_token else {}
    return [
        {"id": photo.id, "url": url_for("items.photo", photo_id=photo.id, **extra),
         "thumbnail": url_for("items.photo", photo_id=photo.id, size="vignette", **extra),
         "alt": photo.alt_text or _("Photo jointe au signalement %(ref)s", ref=item.reference),
         "width": photo.width, "height": photo.height}
        for photo in visible
    ]


def history(item, viewer):
    staff = is_staff(viewer)
    rows = []
    for event in item.events:
        row = {"status": event.to_status, "label": str(STATUS_LABELS[Status(event.to_status)]),
               "at": _iso(event.created_at), "by": event.actor_label, "note": event.note}
        if staff:
            row["internal_note"] = event.internal_note
        rows.append(row)
    return rows


def item_feature(item, viewer=None, tracking_token=None, detail=True):
    """An item as a GeoJSON Feature for `viewer`: no personal data unless they may see it."""
    category = CATEGORIES[item.category]
    props = {
        "id": item.id,
        "reference": item.reference,
        "kind": item.kind,
        "category": item.category,
        "category_label": str(category.label),
        "subcategory": item.subcategory,
        "title": item.title,
        "description": item.description,
        "status": item.status,
        "status_label": str(STATUS_LABELS[Status(item.status)]),
        "visibility": item.visibility,
        "version": item.version,
        "position": item.position,
        "created_at": _iso(item.created_at),
        "severity": item.severity,
        "danger": item.danger,
        "place": item.place.name if item.place else None,
        "url": url_for("items.show", item_id=item.id),
    }
    if detail:
        props.update({
            "residence": item.residence, "building": item.building, "entrance": item.entrance,
            "floor": item.floor, "spot": item.spot,
            "history": history(item, viewer),
            "photos": photo_urls(item, viewer, tracking_token),
            "followers": len(item.followers),
        })
    if item.kind == "proposal":
        props["supports"] = len(item.supports)
    if is_staff(viewer):
        props["organisation"] = item.organisation.code if item.organisation else None
        props["suggested_organisation"] = (
            item.suggested_organisation.code if item.suggested_organisation else None)
        props.update({  # routing and delays (app/routing, app/triage)
            name: value.isoformat() if value else None
            for name, value in (("acknowledge_due", item.acknowledge_due),
                                ("resolve_due", item.resolve_due),
                                ("expected_date", item.expected_date))})
        props["disputed"] = item.is_disputed
    if sees_every_item(viewer):
        props["author_email"] = item.author_email
    return {"type": "Feature", "id": item.id,
            "geometry": {"type": "Point", "coordinates": list(
                (item.lon, item.lat) if is_staff(viewer) or tracking_token
                else public_point(item))},
            "properties": props}


def feature_collection(items, viewer=None):
    return {"type": "FeatureCollection",
            "features": [item_feature(item, viewer, detail=False) for item in items]}
