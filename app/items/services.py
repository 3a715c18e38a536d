"""Capturing items: the rules every door (HTML form, JSON API, offline queue) goes through."""

import hashlib
import hmac
import json
import re
import secrets
from collections.abc import Callable
from typing import NamedTuple

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import IntegrityError

from app.errors import DomainError
from app.extensions import db
from app.geo.perimeter import Position, valid_lon_lat
from app.notifications.services import public_url, queue_email
from app.perimeters.queries import perimeter_index
from app.places.models import Place
from app.routing.services import suggest_organisation

from . import photos as photo_files
from .categories import CATEGORIES
from .models import KINDS, MAX_DESCRIPTION, PUBLICITY, CategoryPublicity, Item, ItemFollower
from .prepared import prepare_items
from .public_view import PREPARED, prepare_public_view, public_position, publicity_of
from .status import Status, Visibility, record

TEXT_LIMITS = {"title": 200, "residence": 120, "building": 60, "entrance": 30, "floor": 30}
# Idempotency keys: long enough not to be guessed (a random UUID, with or without its
# hyphens, is what the capture page sends).
IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9_.:-]{32,100}$")


class InvalidItem(DomainError):
    """Bad input, field by field: {"field": "French message"}."""

    status = 422

    def __init__(self, errors):
        super().__init__(next(iter(errors.values())), next(iter(errors)))
        self.errors = errors


class IdempotencyKeyReused(InvalidItem):
    """A key already used by this caller for a different request. Says nothing of what the
    first request was."""

    def __init__(self):
        super().__init__({"idempotency_key": _(
            "Cette clé d'envoi (Idempotency-Key) a déjà servi pour un envoi différent. Chaque "
            "nouvel envoi demande une nouvelle clé ; seul un envoi identique peut la réutiliser.")})


def tracking_digest(token):
    return hashlib.sha256(token.encode()).hexdigest()


def is_valid_idempotency_key(key):
    return isinstance(key, str) and IDEMPOTENCY_KEY.match(key) is not None


def idempotency_scope(actor):
    """Whose keys a key lives among: the caller's account, or anonymous callers', where the
    request itself (its fingerprint) is what a replay must prove."""
    return f"user:{actor.id}" if actor is not None else "anonymous"


def request_fingerprint(data, uploads=()):
    """A digest of the normalised request: the cleaned fields (empty ones left out, keys
    sorted) and the bytes of each photo, in order. A replay must carry the same."""
    fields = {name: value for name, value in data.items()
              if value is not None and value is not False and value != ""}
    digest = hashlib.sha256(json.dumps(fields, sort_keys=True, separators=(",", ":"),
                                       default=str).encode())
    for _filename, content in uploads:
        digest.update(hashlib.sha256(content).digest())
    return digest.hexdigest()


def tracking_token_for(scope, idempotency_key):
    """The secret of the tracking link. With an Idempotency-Key it is derived from the key
    and its scope (HMAC with the app secret), so a replayed submission can be answered
    with the same link."""
    if not idempotency_key:
        return secrets.token_urlsafe(24)
    key = current_app.config["SECRET_KEY"].encode()
    message = f"tracking:{scope}:{idempotency_key}".encode()
    return hmac.new(key, message, "sha256").hexdigest()[:32]


def find_replay(actor, data, uploads, idempotency_key):
    """(item, tracking token) created earlier by this caller under this key for this same
    request, or None when the key is new. Raises IdempotencyKeyReused when the caller used
    the key for another request: nothing of that one is given away."""
    if not idempotency_key:
        return None
    scope = idempotency_scope(actor)
    item = db.session.scalar(select(Item).where(Item.idempotency_scope == scope,
                                                Item.idempotency_key == idempotency_key))
    if item is None:
        return None
    if not hmac.compare_digest(item.request_fingerprint or "",
                               request_fingerprint(data, uploads)):
        raise IdempotencyKeyReused()
    return item, tracking_token_for(scope, idempotency_key)


def _check_location(data, errors):
    """Resolve the point (given, or from a gazetteer place) and place it on the perimeter."""
    place = None
    if data.get("place") is not None:
        place = db.session.get(Place, data["place"])
        if place is None:
            errors["place"] = _("Ce lieu n'existe pas dans la liste.")
            return None, None
    lon, lat = data.get("lon"), data.get("lat")
    if lon is None and lat is None and place is not None:
        lon, lat = place.lon, place.lat
    if lon is None or lat is None:
        errors["location"] = _("Indiquez l'endroit : touchez la carte, utilisez votre position "
                               "ou choisissez un lieu dans la liste.")
        return None, None
    if not valid_lon_lat(lon, lat):
        errors["location"] = _("Les coordonnées de l'endroit ne sont pas valides.")
        return None, None
    band = current_app.config["PERIMETER_BAND_M"]
    placement = perimeter_index().place(lon, lat, band)
    if placement.position is Position.OUTSIDE:
        errors["location"] = _(
            "Cet endroit est hors du quartier du Noyer Doré et de ses abords (à %(distance)d m "
            "du périmètre). Pour le reste d'Antony, adressez-vous aux services de la ville "
            "(accueil de la mairie ou formulaire de contact du site de la ville).",
            distance=int(placement.distance_m) if placement.code else 0,
        )
        return None, None
    return (lon, lat, placement.position.value), place


def _check_fields(data, errors):
    kind = data.get("kind")
    if kind not in KINDS:
        errors["kind"] = _("Choisissez le type : signalement, constat de marche ou proposition.")
    category = CATEGORIES.get(data.get("category") or "")
    if category is None:
        errors["category"] = _("Choisissez une catégorie.")
    elif kind in KINDS and kind not in category.kinds:
        errors["category"] = _("Cette catégorie ne convient pas à ce type de contribution.")
    elif data.get("subcategory") and data["subcategory"] not in category.subcategories:
        errors["subcategory"] = _("Cette précision ne correspond pas à la catégorie.")
    if len(data.get("description") or "") > MAX_DESCRIPTION:
        errors["description"] = _("La description dépasse %(n)d caractères.", n=MAX_DESCRIPTION)
    if kind == "proposal" and not (data.get("title") or "").strip():
        errors["title"] = _("Donnez un titre à votre proposition.")
    for field, limit in TEXT_LIMITS.items():
        if len(data.get(field) or "") > limit:
            errors[field] = _("Ce champ dépasse %(n)d caractères.", n=limit)
    if data.get("severity") not in (None, 1, 2, 3):
        errors["severity"] = _("La gravité va de 1 (gênant) à 3 (grave).")


def _safe_photos(uploads, errors):
    """uploads: [(filename, bytes)]. Returns SafePhoto objects, or fills errors['photo']."""
    if len(uploads) > photo_files.MAX_PHOTOS:
        errors["photo"] = _("Trois photos au plus.")
        return []
    safe = []
    for filename, content in uploads:
        try:
            safe.append(photo_files.make_safe(content, filename))
        except photo_files.PhotoRefused as refused:
            errors["photo"] = refused.message
            return []
    return safe


class Part(NamedTuple):
    """What a package built on items adds to an item it files (a walk finding's walk part):
    the problems it found, reported with the item's, and how to hang itself on the new item
    before it is inserted."""

    errors: dict
    attach: Callable


def submit_item(actor, data, uploads=(), idempotency_key=None, part=None):
    """Create an item from cleaned input; return (item, tracking_token, created).

    `data` holds kind, category, subcategory, title, description, lon, lat, place (id),
    residence, building, entrance, floor, spot, severity (1-3), danger, email, and locale,
    the language the person reports in (their e-mails are written in it). A walk finding
    is filed by app/walks/findings.py through this function, passing its walk `part`.
    `uploads` is a list of (filename, bytes). `actor` is the signed-in user or None.
    An Idempotency-Key is the caller's own: replaying the same request under it returns
    the existing item with created=False; the same key with another request raises
    IdempotencyKeyReused. Raises InvalidItem with every problem at once, so the person can
    fix them in one go.
    """
    uploads = list(uploads)
    replay = find_replay(actor, data, uploads, idempotency_key)
    if replay is not None:
        return (*replay, False)
    errors = {}
    _check_fields(data, errors)
    located, place = _check_location(data, errors)
    safe = _safe_photos(uploads, errors)
    if part is not None:
        errors.update(part.errors)
    if errors:
        raise InvalidItem(errors)
    lon, lat, position = located
    scope = idempotency_scope(actor)
    token = tracking_token_for(scope, idempotency_key)
    staff_entry = data.get("on_behalf") and actor is not None
    item = Item(
        photos=[], followers=[],  # known empty: answering never has to ask the database
        kind=data["kind"], category=data["category"], subcategory=data.get("subcategory"),
        title=(data.get("title") or "").strip() or None,
        description=(data.get("description") or "").strip(),
        severity=data.get("severity"), danger=bool(data.get("danger")),
        lon=lon, lat=lat, position=position, place=place,
        residence=data.get("residence"), building=data.get("building"),
        entrance=data.get("entrance"), floor=data.get("floor"), spot=data.get("spot"),
        status=Status.NEW.value, visibility=Visibility.PENDING.value,
        author=None if staff_entry else actor, entered_by_id=actor.id if staff_entry else None,
        author_email=data.get("email") or None, author_locale=data.get("locale") or "fr",
        tracking_digest=tracking_digest(token), idempotency_key=idempotency_key,
        idempotency_scope=scope if idempotency_key else None,
        request_fingerprint=request_fingerprint(data, uploads) if idempotency_key else None,
    )
    item.suggested_organisation = suggest_organisation(item.category, lon, lat)
    prepare_public_view(item)
    record(item, Status.NEW, actor)
    db.session.add(item)
    if part is not None:
        part.attach(item)
    for photo in safe:
        photo_files.attach_photo(item, photo)
    db.session.flush()
    if item.author_email:  # the only copy of the tracking link the author can get back
        queue_email(item.author_email, "received", item, item.author_locale,
                    link=public_url("items.track", token=token))
    return item, token, True


def submit_with_replay(actor, data, uploads, idempotency_key, submit=submit_item):
    """`submit` (submit_item, or a higher package's wrapper of it), also when a concurrent
    request under the same key and scope wins the race: the unique constraint stops this
    insert, the session is rolled back (nothing of this attempt is kept) and the winner's
    item is the answer, if it was the same request."""
    try:
        return submit(actor, data, uploads, idempotency_key)
    except IntegrityError:
        db.session.rollback()
        replay = find_replay(actor, data, list(uploads), idempotency_key)
        if replay is None:
            raise
        return (*replay, False)


def item_for_tracking(token):
    if not token:
        return None
    return db.session.scalar(select(Item).where(Item.tracking_digest == tracking_digest(token)))


def follow_item(actor, item, email=None, locale="fr"):
    """"Moi aussi": follow an item instead of filing a duplicate; return the new follower,
    or None for a person already following (an account, or an e-mail, follows once). Two
    requests at once meet the unique constraints: the caller answers the IntegrityError
    as "already following". `locale` is the language the person uses: their e-mails are
    written in it."""
    if actor is not None:
        if any(f.user_id == actor.id for f in item.followers):
            return None
        follower = ItemFollower(user_id=actor.id, email=email, locale=locale)
    else:
        if email and any(f.email == email for f in item.followers):
            return None
        follower = ItemFollower(email=email, locale=locale)
    item.followers.append(follower)
    db.session.flush()
    return follower


def move_followers(duplicate, original):
    """The people following `duplicate`, and its author, now follow `original`; a person
    (an account or an e-mail) already following it is not added twice."""
    following = {("user", f.user_id) for f in original.followers} | {
        ("email", f.email) for f in original.followers}
    following -= {("user", None), ("email", None)}

    def newcomer(user_id, email):
        person = {("user", user_id), ("email", email)} - {("user", None), ("email", None)}
        if following & person:
            return False
        following.update(person)
        return True

    for follower in list(duplicate.followers):
        duplicate.followers.remove(follower)  # an orphan is deleted, a moved one updated
        if newcomer(follower.user_id, follower.email):
            original.followers.append(follower)
    if (duplicate.author_id or duplicate.author_email) and newcomer(
            duplicate.author_id, duplicate.author_email):
        original.followers.append(ItemFollower(user_id=duplicate.author_id,
                                               email=duplicate.author_email))


class UnknownPublicity(DomainError):
    status = 422


def set_category_publicity(actor, category, publicity):
    """An administrator sets how public a category is; what the public is shown of that
    category's items is prepared again in the same transaction."""
    if publicity not in PUBLICITY:
        raise UnknownPublicity(_("Choisissez une publicité parmi celles proposées."),
                               "publicity")
    row = db.session.get(CategoryPublicity, category) or CategoryPublicity(category=category)
    row.publicity, row.updated_by_id = publicity, actor.id
    db.session.add(row)
    db.session.flush()
    _prepare_category(category)
    return row


def _prepare_category(category):
    """Prepare again the public position of every item of `category`, in one statement.

    Written beside the ORM on purpose: this derived column is no edit of the item, so it
    must not bump the version a person editing the item at the same time holds.
    """
    generalised = publicity_of(category) == "generalised"
    columns = (Item.id, Item.lon, Item.lat, Item.sensitive, Item.anchor_lon, Item.anchor_lat,
               Item.public_generalised, Item.public_lon, Item.public_lat)
    changes = []
    for row in db.session.execute(select(*columns).where(Item.category == category)):
        prepared = public_position(row.lon, row.lat, row.sensitive, row.anchor_lon,
                                    row.anchor_lat, generalised)
        if prepared != (row.public_lon, row.public_lat, row.public_generalised):
            changes.append({"item_id": row.id, **{f"new_{name}": value for name, value
                                                  in zip(PREPARED, prepared, strict=True)}})
    if changes:
        table = Item.__table__
        db.session.execute(update(table).where(table.c.id == bindparam("item_id")).values(
            {name: bindparam(f"new_{name}") for name in PREPARED}), changes)
    for loaded in list(db.session.identity_map.values()):
        if isinstance(loaded, Item) and loaded.category == category:
            db.session.expire(loaded, list(PREPARED))
    prepare_items([change["item_id"] for change in changes])
