"""The JSON shapes of items: reading a submitted GeoJSON Feature, writing one back."""

from flask import request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.errors import InvalidInput
from app.inputs import normalise_email_address

from .categories import CATEGORIES
from .models import Item, ListedItem
from .permissions import (
    can_read_internal_notes,
    exact_location_test,
    sees_staff_view,
    visible_photos,
)
from .prepared import (
    DETAILS,
    dumps,
    feature_properties_text,
    full_feature_text,
    iso,
    map_feature,
    public_feature,
    stored_texts,
    support_counts,
)
from .public_view import location_of, public_history
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
               "at": iso(event.created_at)}
        if internal:
            row["internal_note"] = event.internal_note
        rows.append(row)
    return rows


_SHARED = {}


class _Shared:
    """What the features of one answer share, worked out once per request rather than once
    per item: labels in the request's language and the address of an item's page."""

    def __init__(self):
        self.category_labels = {code: str(c.label) for code, c in CATEGORIES.items()}
        self.status_labels = {s.value: str(label) for s, label in STATUS_LABELS.items()}
        self.page_prefix = url_for("items.show", item_id=0).removesuffix("0")
        self._label_texts = {}

    @classmethod
    def of_request(cls):
        """The one for this request's language and address prefix: labels never change
        while the app runs, so each worker works them out once per language."""
        key = (str(get_locale()), request.script_root)
        if key not in _SHARED:
            _SHARED[key] = cls()
        return _SHARED[key]

    def added(self, item_id, category, status):
        """The properties a request adds to an item's public feature."""
        return {"category_label": self.category_labels[category],
                "status_label": self.status_labels[status],
                "url": f"{self.page_prefix}{item_id}"}

    def added_text(self, item_id, category, status):
        """added(), as the JSON text full_feature_text appends (labels written once)."""
        key = (category, status)
        if key not in self._label_texts:
            self._label_texts[key] = feature_properties_text(
                {name: value for name, value in self.added(0, category, status).items()
                 if name != "url"})
        return f'{self._label_texts[key]},"url":"{self.page_prefix}{item_id}"'


def item_feature(item, viewer=None, tracking_token=None, detail=True, supports=None):
    """An item as a GeoJSON Feature for `viewer`: the public feature (position and location
    details generalised for a sensitive item, no personal data), plus what their role
    allows; the exact location for staff and the author's tracking link. A list passes
    the proposal's `supports`, counted for all its items at once."""
    if supports is None and item.kind == "proposal":
        supports = len(item.supports)
    feature = public_feature(item, supports)
    props = feature["properties"]
    staff = sees_staff_view(viewer, item)  # the exact location too (can_see_exact_location)
    where = vars(location_of(item, exact=bool(tracking_token) or staff))
    feature["geometry"]["coordinates"] = [where.pop("lon"), where.pop("lat")]
    details = {name: where.pop(name) for name in DETAILS}
    props.update(where)
    props.update(_Shared.of_request().added(item.id, item.category, item.status))
    if detail:
        props.update({
            **details,
            "history": history(item, viewer),
            "photos": photo_urls(item, viewer, tracking_token),
            "followers": len(item.followers),
        })
    if staff:
        props["organisation"] = item.organisation.code if item.organisation else None
        props["suggested_organisation"] = (
            item.suggested_organisation.code if item.suggested_organisation else None)
        props.update({  # routing and delays (app/routing, app/triage)
            name: value.isoformat() if value else None
            for name, value in (("acknowledge_due", item.acknowledge_due),
                                ("resolve_due", item.resolve_due),
                                ("expected_date", item.expected_date))})
        props["disputed"] = item.is_disputed
        # Whether the author can be kept informed by e-mail, never the address: it serves
        # only to send updates (and shows in the person's own account and data export).
        props["email_given"] = item.email_given
    return feature


def feature_collection(items, viewer=None):
    """A list of items as a FeatureCollection: the lean feature of each, its proposals'
    supports counted in one query."""
    supports = support_counts([item.id for item in items if item.kind == "proposal"])
    return {"type": "FeatureCollection",
            "features": [item_feature(item, viewer, detail=False,
                                      supports=supports.get(item.id, 0)) for item in items]}


def prepared_features(rows):
    """The features of a page of rows (id, category, status, public_feature) read for
    someone who is not staff: each stored text with this request's labels and page address
    appended, nothing built."""
    shared = _Shared.of_request()
    return [full_feature_text(text, shared.added_text(item_id, category, status))
            for (item_id, category, status, _stored), text
            in zip(rows, stored_texts(rows, "public_feature"), strict=True)]


# What the map draws of an item for staff, read as columns (the prepared map_feature texts
# serve those who are not staff): both positions, the one shown chosen per item.
MAP_COLUMNS = (Item.id, Item.created_at, Item.category, Item.status, Item.title,
               Item.organisation_id, Item.lon, Item.lat, Item.public_lon, Item.public_lat)


def map_features(rows, viewer=None):
    """The lean features the map draws of `rows` (of MAP_COLUMNS), at the position `viewer`
    is shown: staff build them from a page of rows, without an Item each."""
    exact = exact_location_test(viewer)
    features = []
    for row in map(ListedItem, rows):
        shown = (row.lon, row.lat) if exact(row) else (row.public_lon, row.public_lat)
        features.append(dumps(map_feature(row, *shown)))
    return features


def map_legend():
    """What the lean map features leave to one place per answer: the labels of category
    and status codes in the request's language, and the address of an item's page
    (`item_url` followed by its id)."""
    shared = _Shared.of_request()
    return {"labels": {"category": shared.category_labels, "status": shared.status_labels},
            "item_url": shared.page_prefix}


def collection_text(features, **members):
    """A FeatureCollection as JSON text, from the JSON texts of its `features` and its other
    `members` (counts, links, labels)."""
    head = dumps({"type": "FeatureCollection", **members})
    return f'{head[:-1]},"features":[{",".join(features)}]}}'
