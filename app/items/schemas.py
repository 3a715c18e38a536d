"""The JSON shapes of items: reading a submitted GeoJSON Feature, writing one back."""

from flask import g, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.inputs import InvalidInput, normalise_email_address

from .categories import CATEGORIES
from .permissions import (
    can_read_internal_notes,
    can_see_email_given,
    can_see_exact_location,
    is_staff,
    visible_photos,
)
from .public_view import location_of, public_history, public_view
from .queries import support_counts
from .status import STATUS_LABELS, Status

STRING_PROPERTIES = ("kind", "category", "subcategory", "title", "description", "residence",
                     "building", "entrance", "floor", "spot", "email", "recommendation")
BOOLEAN_PROPERTIES = ("danger", "on_behalf", "strong_point")
SEVERITY_LABELS = {1: _l("Gênant"), 2: _l("Important"), 3: _l("Grave")}
KIND_LABELS = {
    "gusp": _l("Un problème dans le quartier"),
    "dem": _l("Un constat pendant une marche"),
    "proposal": _l("Une idée pour le quartier"),
}


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
    visible = visible_photos(item, viewer, by_tracking_link=bool(tracking_token))
    extra = {"suivi": tracking_token} if tracking_token else {}
    return [
        {"id": photo.id, "url": url_for("items.photo", photo_id=photo.id, **extra),
         "thumbnail": url_for("items.photo", photo_id=photo.id, size="vignette", **extra),
         "alt": photo.alt_text or _("Photo jointe au signalement %(ref)s", ref=item.reference),
         "width": photo.width, "height": photo.height}
        for photo in visible
    ]


def history(item, viewer):
    """The public moves, with their internal notes for those who may read them."""
    internal = can_read_internal_notes(viewer, item)
    rows = []
    for event, public in zip(item.events, public_history(item), strict=True):
        row = {**public, "label": str(STATUS_LABELS[Status(event.to_status)]),
               "at": _iso(event.created_at)}
        if internal:
            row["internal_note"] = event.internal_note
        rows.append(row)
    return rows


DETAILS = ("residence", "building", "entrance", "floor", "spot")


class _Shared:
    """What the features of one answer share, worked out once per request rather than once
    per item: labels in the request's language and the address of an item's page."""

    def __init__(self):
        self.category_labels = {code: str(c.label) for code, c in CATEGORIES.items()}
        self.status_labels = {s.value: str(label) for s, label in STATUS_LABELS.items()}
        self.page_prefix = url_for("items.show", item_id=0).removesuffix("0")

    @classmethod
    def of_request(cls):
        if "item_feature_shared" not in g:
            g.item_feature_shared = cls()
        return g.item_feature_shared


def item_feature(item, viewer=None, tracking_token=None, detail=True, supports=None):
    """An item as a GeoJSON Feature for `viewer`: the public view (position and location
    details generalised for a sensitive item, no personal data), plus what their role
    allows; the exact location for staff and the author's tracking link. A list passes
    the proposal's `supports`, counted for all its items at once."""
    shared = _Shared.of_request()
    props = public_view(item)
    if tracking_token or can_see_exact_location(viewer, item):
        props.update(vars(location_of(item, exact=True)))
    lon, lat = props.pop("lon"), props.pop("lat")
    details = {name: props.pop(name) for name in DETAILS}
    props.update({
        "category_label": shared.category_labels[item.category],
        "status_label": shared.status_labels[item.status],
        "version": item.version,
        "created_at": _iso(item.created_at),
        "url": f"{shared.page_prefix}{item.id}",
    })
    if detail:
        props.update({
            **details,
            "history": history(item, viewer),
            "photos": photo_urls(item, viewer, tracking_token),
            "followers": len(item.followers),
        })
    if item.kind == "proposal":
        props["supports"] = len(item.supports) if supports is None else supports
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
    if can_see_email_given(viewer, item):
        props["email_given"] = item.email_given
    return {"type": "Feature", "id": item.id,
            "geometry": {"type": "Point", "coordinates": [lon, lat]}, "properties": props}


def feature_collection(items, viewer=None):
    """A list of items as a FeatureCollection: the lean feature of each, its proposals'
    supports counted in one query."""
    supports = support_counts(items)
    return {"type": "FeatureCollection",
            "features": [item_feature(item, viewer, detail=False,
                                      supports=supports.get(item.id, 0)) for item in items]}
