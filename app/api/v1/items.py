"""Items through the JSON API: list, read, create (atomic, idempotent), follow, moderate."""

import math

from flask import Response, g, jsonify, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from app.errors import DomainError, InvalidInput, error_response
from app.extensions import db, limiter
from app.inputs import json_object, load_json, normalise_email_address, parse_int
from app.items import queries, services
from app.items.kept_answers import kept_answer
from app.items.models import Item
from app.items.pagination import BadCursor, read_cursor
from app.items.permissions import (
    can_enter_for_resident,
    can_moderate_item,
    can_view_item,
    sees_public_feature_only,
)
from app.items.prepared import dumps, stored_texts
from app.items.schemas import (
    MAP_COLUMNS,
    collection_text,
    feature_collection,
    item_feature,
    item_from_feature,
    map_features,
    map_legend,
    prepared_features,
)
from app.items.status import Status
from app.items.submission import refusal_response, submission_response, submit_and_commit
from app.limits import capture_limit, submission_limit
from app.moderation import services as moderation
from app.moderation.masking import analyse_pending
from app.permissions import open_to_anyone
from app.walks.findings import capture_service

from . import bp, invalid
from .guards import api_requires


def _staff_caller():
    return can_enter_for_resident(g.get("api_user"))


def _bbox(raw):
    try:
        values = [float(v) for v in raw.split(",")]
    except ValueError:
        return None
    if len(values) != 4 or not all(math.isfinite(v) for v in values):
        return None
    minlon, minlat, maxlon, maxlat = values
    if not (-180 <= minlon <= maxlon <= 180 and -90 <= minlat <= maxlat <= 90):
        return None
    return values


def _visible_item(item_id):
    """The item if the caller may see it (bearer or tracking token), else None: a 404 never
    tells whether a hidden item exists."""
    item = db.session.get(Item, item_id)
    if item is None:
        return None, None
    token = request.args.get("suivi")
    if token and services.item_for_tracking(token) is item:
        return item, token
    return (item, None) if can_view_item(g.api_user, item) else (None, None)


MAX_FEATURES = 2000


def _limit(raw):
    """The page size asked for (MAX_FEATURES when not asked), or None when malformed."""
    if raw is None:
        return MAX_FEATURES
    number = parse_int(raw)
    return number if number is not None and 1 <= number <= MAX_FEATURES else None


@bp.route("/items")
def list_items():
    """Items the caller may see, as GeoJSON, newest first; `bbox=minlon,minlat,maxlon,maxlat`,
    `kind`, `status`, `category` filter them. At most `limit` (2000) features per answer:
    `numberMatched` says how many match in all, `numberReturned` how many this answer holds,
    and when more follow, `links` holds the `next` page (a keyset cursor in `after`).
    With `clusters=N` and a bbox, more than N matching items are answered as counts per
    area instead (`clustered: true`, see _clusters): what the map draws when zoomed out.
    `fields=map` answers the lean features the map draws (position, id, reference,
    category and status codes, title), with the labels and page address once per answer."""
    errors = {}
    bbox = None
    if request.args.get("bbox"):
        bbox = _bbox(request.args["bbox"])
        if bbox is None:
            errors["bbox"] = _("bbox attend minlon,minlat,maxlon,maxlat en degrés.")
    status = request.args.get("status")
    if status and status not in {s.value for s in Status}:
        errors["status"] = _("Statut inconnu.")
    limit = _limit(request.args.get("limit"))
    if limit is None:
        errors["limit"] = _("limit attend un nombre entier de 1 à %(max)d.", max=MAX_FEATURES)
    start = None
    if request.args.get("after"):
        try:
            start = read_cursor(request.args["after"])
        except BadCursor:
            errors["after"] = _("Ce curseur de page n'est pas valide : reprenez la liste "
                                "depuis le début.")
    clusters_over = _limit(request.args["clusters"]) if "clusters" in request.args else 0
    if clusters_over is None:
        errors["clusters"] = _("clusters attend un nombre entier de 1 à %(max)d.",
                               max=MAX_FEATURES)
    lean = request.args.get("fields") == "map"
    if not lean and request.args.get("fields") is not None:
        errors["fields"] = _("fields attend map (les champs que la carte dessine) ou rien.")
    if errors:
        return invalid(errors)
    filters = {"kind": request.args.get("kind"), "status": status,
               "category": request.args.get("category")}
    question = (bbox, filters, limit, start, clusters_over, lean)
    if g.api_user is None:  # anonymous: everyone is answered the same
        return kept_answer(lambda: _collection(*question))
    return _collection(*question)


def _collection(bbox, filters, limit, start, clusters_over, lean):
    """The answer of list_items to a question it checked."""
    # The box selects on the position each caller is shown (public_view for the public).
    matched, page = None, None
    if clusters_over and bbox is not None:
        # Both read at most clusters_over + 1 entries: a box of the whole town costs no more.
        # The public's first read takes its page whole from the index (the prepared texts
        # are in it); staff's columns are not, so they count from the index first.
        if sees_public_feature_only(g.api_user) and start is None and clusters_over <= limit:
            page = queries.whole_box(g.api_user, bbox, clusters_over, _columns(lean),
                                     **filters)
            if page is None:
                return _clusters(bbox, filters)
        else:
            matched = queries.count_items(g.api_user, bbox, **filters, upto=clusters_over)
            if matched > clusters_over:
                return _clusters(bbox, filters)
    if page is None:
        page = _page(bbox, filters, limit, start, lean, count=matched is None)
    features = _features(page, lean)
    links = []
    if page.next_cursor:
        args = {**request.args.to_dict(), "after": page.next_cursor}
        links.append({"rel": "next", "type": "application/geo+json",
                      "href": url_for("api_v1.list_items", **args, _external=True)})
    if page.matched is not None:
        matched = page.matched
    body = collection_text(features, numberMatched=matched, numberReturned=len(features),
                           links=links, **(map_legend() if lean else {}))
    return Response(body, mimetype="application/json")


def _columns(lean):
    """The columns a page reads (the id first): for those who are not staff, the prepared
    texts (the text last); for staff, what the map draws (schemas.MAP_COLUMNS); None for
    staff's full features, built from the items."""
    if not sees_public_feature_only(g.api_user):
        return MAP_COLUMNS if lean else None
    return (Item.id, Item.map_feature) if lean else (
        Item.id, Item.category, Item.status, Item.public_feature)


def _page(bbox, filters, limit, start, lean, count):
    """The page of items the caller may see: rows of _columns read by the index, or the
    items for staff's full features."""
    return queries.page_of_items(g.api_user, bbox, **filters, limit=limit, start=start,
                                 count=count, columns=_columns(lean))


def _features(page, lean):
    """The features of `page` (see _page) as JSON texts: the prepared texts joined, or built
    from the rows or the items for staff."""
    if sees_public_feature_only(g.api_user):
        return (stored_texts(page.items, "map_feature") if lean
                else prepared_features(page.items))
    if lean:
        return map_features(page.items, g.api_user)
    return [dumps(feature) for feature in
            feature_collection(page.items, g.api_user)["features"]]


def _clusters(bbox, filters):
    """Counts per area as a FeatureCollection: each feature a point (the mean position of
    its items) with `cluster: true` and `count`; `clustered: true` says no item is listed."""
    clusters = queries.clusters_in_bbox(g.api_user, bbox, **filters)
    return jsonify({"type": "FeatureCollection", "clustered": True,
                    "numberMatched": sum(cluster.count for cluster in clusters),
                    "numberReturned": 0, "links": [],
                    "features": [{"type": "Feature", "geometry": {
                        "type": "Point", "coordinates": [cluster.lon, cluster.lat]},
                        "properties": {"cluster": True, "count": cluster.count}}
                        for cluster in clusters]})


@bp.route("/items/nearby")
def nearby():
    """Visible items of the same category within 50 m from the last 90 days ("moi aussi")."""
    try:
        lon, lat = float(request.args["lon"]), float(request.args["lat"])
    except (KeyError, ValueError):
        return invalid({"location": _("Indiquez lon et lat.")})
    if not (math.isfinite(lon) and math.isfinite(lat)):
        return invalid({"location": _("Les coordonnées de l'endroit ne sont pas valides.")})
    found = queries.nearby_items(g.api_user, lon, lat, request.args.get("category"))
    features = []
    for item, distance in found:  # measured to the position this caller is shown
        if item.strong_point:  # not a problem to say "moi aussi" to
            continue
        feature = item_feature(item, g.api_user, detail=False)
        feature["properties"]["distance_m"] = round(distance)
        features.append(feature)
    return jsonify({"type": "FeatureCollection", "features": features})


@bp.route("/items/<int:item_id>")
def get_item(item_id):
    item, token = _visible_item(item_id)
    if item is None:
        return error_response(404, _("Ce signalement n'existe pas ou n'est pas public."))
    return jsonify(item_feature(item, g.api_user, token))


def _read_submission():
    """(feature, uploads) from a JSON body or a multipart body with an `item` part."""
    if request.mimetype == "multipart/form-data":
        part = request.form.get("item")
        if part is None and "item" in request.files:
            part = request.files["item"].read().decode("utf-8", "replace")
        try:
            feature = load_json(part) if part else None
        except InvalidInput:
            raise  # hostile content, refused on its field like a JSON body
        except ValueError:
            feature = None  # not JSON: refused below as not a Feature
        uploads = [(f.filename or "", f.read()) for f in request.files.getlist("photo")
                   if f.filename or f.content_length]
        return feature, uploads
    return request.get_json(silent=True), []


@bp.route("/items", methods=["POST"])
@open_to_anyone("no account is needed to report (RGPD); abuse is rate-limited")
@capture_limit(exempt_when=_staff_caller)
def create_item():
    """Create an item in one atomic request. An Idempotency-Key is the caller's own (the
    bearer's account, or anonymous callers'): the same request under the same key creates
    one item, also from concurrent requests; the key with another request is a 422."""
    key = request.headers.get("Idempotency-Key")
    if key is not None and not services.is_valid_idempotency_key(key):
        return invalid({"idempotency_key": _("En-tête Idempotency-Key invalide (32 à 100 "
                                             "caractères : lettres, chiffres, - _ . : ; un "
                                             "UUID aléatoire convient).")})
    feature, uploads = _read_submission()
    data, errors = item_from_feature(feature)
    if errors:
        return invalid(errors)
    data["locale"] = str(get_locale())  # the capture page's language, for the e-mails
    try:
        item, token, created = submit_and_commit(g.api_user, data, uploads, key,
                                                  capture_service(data))
    except DomainError as refused:  # bad input, a full disk (507), photos too busy (503)
        return refusal_response(refused.errors, refused.status)
    return submission_response(item, token, created, g.api_user)


@bp.route("/items/<int:item_id>/followers", methods=["POST"])
@open_to_anyone("following a public item asks for nothing but an optional e-mail")
@limiter.limit(submission_limit, exempt_when=_staff_caller)
def follow(item_id):
    """"Moi aussi": follow a public item instead of filing a duplicate."""
    item = db.session.get(Item, item_id)
    if item is None or not item.is_public or item.strong_point:
        return error_response(404, _("Ce signalement n'existe pas ou n'est pas public."))
    email = json_object(request.get_json(silent=True) or {}, email=str).get("email")
    if email is not None:
        email = normalise_email_address(email)
    try:
        follower = services.follow_item(g.api_user, item, email, str(get_locale()))
        db.session.commit()
    except IntegrityError:  # the same person's other request committed first
        db.session.rollback()
        follower = None
    return jsonify({"followers": len(item.followers)}), 201 if follower else 200


@bp.route("/items/<int:item_id>/moderation", methods=["POST"])
@api_requires(can_moderate_item)
def moderate(item_id):
    """Publish or hide an item: {"action": "publish"|"hide", "reason"} (moderators)."""
    item = db.session.get(Item, item_id)
    if item is None:
        return error_response(404, _("Ce signalement n'existe pas."))
    body = json_object(request.get_json(silent=True), action=str, reason=str)
    if body.get("action") == "publish":  # suggestions stay even if publication is refused
        analyse_pending(item.photos)
        db.session.commit()
    try:
        moderation.moderate_item(g.api_user, item, body.get("action"), body.get("reason") or "")
    except services.InvalidItem as refused:
        db.session.rollback()
        return invalid(refused.errors)
    db.session.commit()
    return jsonify(item_feature(item, g.api_user))
