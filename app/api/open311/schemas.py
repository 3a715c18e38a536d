"""GeoReport v2 shapes: services and their definitions, reading a POSTed request into the
fields items take, and writing an item's public view as a service request."""

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email
from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.clock import paris_isoformat
from app.inputs import parse_int
from app.items.categories import CATEGORIES, SPOTS
from app.items.models import MAX_DESCRIPTION
from app.items.permissions import visible_photos
from app.items.public_view import PRECISE_PLACE_KINDS, public_history, public_view
from app.items.services import TEXT_LIMITS
from app.items.status import CLOSED, Status
from app.places.queries import all_places, nearest_places
from app.proposals.models import THEMES

PROPOSAL = "proposition"
SEVERITIES = {"1": _l("Gênant"), "2": _l("Important"), "3": _l("Grave")}
YES_NO = {"true": _l("Oui"), "false": _l("Non")}
ATTRIBUTE = re.compile(r"^attribute\[([a-z_]{1,40})\]$")
MARKUP = re.compile(r"<\s*/?\s*[A-Za-z!?][^>]*>")
MAX_MEDIA_URL = 2000


@dataclass(frozen=True)
class Attribute:
    """One question of a service definition. `values` returns {key: label} for lists."""

    code: str
    description: str
    datatype: str = "string"
    required: bool = False
    values: object = None
    max_length: int = 0
    kinds: tuple = field(default=("gusp", "proposal"))


def _places():
    return {str(place.id): place.name for place in all_places()}


def _subcategories_of(category):
    return lambda: category.subcategories


ATTRIBUTES = [
    Attribute("title", _l("Titre de la proposition"), required=True, max_length=200,
              kinds=("proposal",)),
    Attribute("theme", _l("Thème du contrat de ville"), "singlevaluelist", required=True,
              values=lambda: THEMES, kinds=("proposal",)),
    Attribute("subcategory", _l("Précision"), "singlevaluelist", kinds=("gusp",)),
    Attribute("severity", _l("Gravité"), "singlevaluelist", values=lambda: SEVERITIES,
              kinds=("gusp",)),
    Attribute("danger", _l("Danger immédiat"), "singlevaluelist", values=lambda: YES_NO,
              kinds=("gusp",)),
    Attribute("place", _l("Lieu de la liste (au lieu d'un point)"), "singlevaluelist",
              values=_places),
    Attribute("residence", _l("Résidence"), max_length=TEXT_LIMITS["residence"]),
    Attribute("building", _l("Bâtiment"), max_length=TEXT_LIMITS["building"]),
    Attribute("entrance", _l("Entrée, cage d'escalier"), max_length=TEXT_LIMITS["entrance"]),
    Attribute("floor", _l("Étage"), max_length=TEXT_LIMITS["floor"]),
    Attribute("spot", _l("Endroit"), "singlevaluelist", values=lambda: SPOTS),
]


def kind_of(category):
    """The kind of item a request of this service creates: outside a walk, a GUSP report;
    the proposal category, a proposal."""
    return "proposal" if category.code == PROPOSAL else "gusp"


def attributes_of(category):
    """{code: Attribute} asked by the service of `category`."""
    kind = kind_of(category)
    found = {}
    for attribute in ATTRIBUTES:
        if kind not in attribute.kinds:
            continue
        if attribute.code == "subcategory":
            if not category.subcategories:
                continue
            attribute = Attribute("subcategory", attribute.description, "singlevaluelist",
                                  values=_subcategories_of(category))
        found[attribute.code] = attribute
    return found


def service(category):
    return {
        "service_code": category.code,
        "service_name": str(category.label),
        "description": (_("Proposition d'amélioration pour la table de quartier du Noyer Doré")
                        if kind_of(category) == "proposal" else
                        _("Signalement « %(label)s » dans le quartier du Noyer Doré (Antony) "
                          "et à ses abords", label=category.label)),
        "metadata": True,
        "type": "realtime",
        "keywords": ", ".join(str(label) for label in category.subcategories.values()),
        "group": kind_of(category),
    }


def all_services():
    return [service(category) for category in CATEGORIES.values()]


def service_definition(category):
    attributes = []
    for order, attribute in enumerate(attributes_of(category).values(), start=1):
        definition = {
            "variable": True,
            "code": attribute.code,
            "datatype": attribute.datatype,
            "required": attribute.required,
            "datatype_description": (
                _("%(n)d caractères au plus", n=attribute.max_length)
                if attribute.max_length else None),
            "order": order,
            "description": str(attribute.description),
        }
        if attribute.values is not None:  # lists only: a string has no values
            definition["values"] = [{"key": key, "name": str(name)}
                                    for key, name in attribute.values().items()]
        attributes.append(definition)
    return {"service_code": category.code, "attributes": attributes}


def _text(values, name, errors):
    """One text parameter (None when absent); refused when repeated or carrying a NUL."""
    given = values.getlist(name)
    if len(given) > 1:
        errors.append(_("Le paramètre %(name)s est répété.", name=name))
        return None
    if given and "\x00" in given[0]:
        errors.append(_("Le paramètre %(name)s contient un caractère interdit.", name=name))
        return None
    return given[0].strip() if given else None


def _attribute_values(values, category, errors):
    """{code: value} of the attribute[code] parameters, each checked against the definition."""
    asked = attributes_of(category)
    found = {}
    for name in values:
        if not name.startswith("attribute"):
            continue
        match = ATTRIBUTE.match(name)
        if match is None:
            errors.append(_("Paramètre mal formé : %(name)s (attendu : attribute[code]).",
                            name=name[:60]))
            continue
        attribute = asked.get(match.group(1))
        if attribute is None:
            errors.append(_("L'attribut %(code)s n'existe pas pour ce service.",
                            code=match.group(1)))
            continue
        value = _text(values, name, errors)
        if not value:
            continue
        if attribute.values is not None and value not in attribute.values():
            errors.append(_("Valeur inconnue pour attribute[%(code)s] : voir la définition du "
                            "service.", code=attribute.code))
        elif attribute.max_length and len(value) > attribute.max_length:
            errors.append(_("attribute[%(code)s] dépasse %(n)d caractères.",
                            code=attribute.code, n=attribute.max_length))
        else:
            found[attribute.code] = value
    for attribute in asked.values():
        if attribute.required and attribute.code not in found:
            errors.append(_("attribute[%(code)s] est obligatoire pour ce service.",
                            code=attribute.code))
    return found


def _location(values, attributes, errors):
    """(lon, lat, place id) from lat/long, and a place of the list: address_id,
    attribute[place], or an address_string naming it exactly. A place alone gives the point."""
    lon = lat = place = None
    given_lat, given_long = _text(values, "lat", errors), _text(values, "long", errors)
    if given_lat or given_long:
        try:
            lon, lat = float(given_long), float(given_lat)
        except (TypeError, ValueError):
            errors.append(_("lat et long doivent être deux nombres (degrés WGS84)."))
            return None, None, None
    given_place = _text(values, "address_id", errors) or attributes.get("place")
    address = (_text(values, "address_string", errors) or "").casefold()
    if given_place:
        place = parse_int(given_place)
        if place is None or place < 1:
            errors.append(_("address_id doit être l'identifiant d'un lieu de la liste."))
            return None, None, None
    elif address:
        place = next((int(key) for key, name in _places().items()
                      if name.casefold() == address), None)
        if place is None and lon is None:
            errors.append(_("address_string ne correspond à aucun lieu de la liste : donnez "
                            "lat et long, ou address_id."))
            return None, None, None
    if lon is None and place is None:
        errors.append(_("Indiquez l'endroit : lat et long, address_id ou un lieu de la "
                        "liste."))
    return lon, lat, place


def _description(values, errors):
    description = _text(values, "description", errors) or ""
    if len(description) > MAX_DESCRIPTION:
        errors.append(_("La description dépasse %(n)d caractères.", n=MAX_DESCRIPTION))
    elif MARKUP.search(description):
        errors.append(_("La description doit être du texte simple, sans balises HTML."))
    return description


def _email(email, errors):
    try:
        return validate_email(email, check_deliverability=False).normalized
    except EmailNotValidError:
        errors.append(_("Cette adresse e-mail n'est pas valide."))
        return None


def _media_url(url, errors):
    parts = urlsplit(url)
    if len(url) > MAX_MEDIA_URL or parts.scheme not in ("http", "https") or not parts.netloc:
        errors.append(_("media_url doit être une adresse http(s) de %(n)d caractères au plus.",
                        n=MAX_MEDIA_URL))
        return None
    return url


def _optional(values, name, errors, check):
    """An optional text parameter through `check` (which adds its error and answers None
    when the value is refused); None when absent."""
    text = _text(values, name, errors)
    return check(text, errors) if text else None


def read_request(values):
    """(data for the items service, media_url, errors) from the parameters of POST requests.

    `data` has the shape `submit_item` takes, plus `theme` for proposals; names, phone,
    device_id and account_id are not kept (nothing beyond what is needed, RGPD)."""
    errors = []
    code = _text(values, "service_code", errors)
    if not code:
        return None, None, [_("service_code est obligatoire (voir services.json).")]
    category = CATEGORIES.get(code)
    if category is None:
        return None, None, [_("service_code inconnu : %(code)s (voir services.json).",
                              code=code[:40])]
    attributes = _attribute_values(values, category, errors)
    lon, lat, place = _location(values, attributes, errors)
    data = {
        "kind": kind_of(category), "category": category.code,
        "description": _description(values, errors),
        "email": _optional(values, "email", errors, _email),
        "lon": lon, "lat": lat, "place": place,
        **{name: attributes.get(name) for name in
           ("title", "theme", "subcategory", "residence", "building", "entrance", "floor",
            "spot")},
        "severity": int(attributes["severity"]) if "severity" in attributes else None,
        "danger": attributes.get("danger") == "true",
    }
    return data, _optional(values, "media_url", errors, _media_url), errors


def open311_status(status):
    """DESIGN.md: verified, rejected and duplicate are closed; everything else is open."""
    return "closed" if Status(status) in CLOSED else "open"


def _public_views(items):
    """(item, its public view, its public moves, the named place nearest to the point the
    public is shown) for each item: the view generalises what it must, and carries no
    personal data."""
    views = [public_view(item) for item in items]
    return [(item, view, public_history(item), place)
            for item, view, place in zip(items, views, _addresses(views), strict=True)]


def _addresses(views):
    """The named place nearest to the point each view shows, as its public page names it:
    within the naming radius, and for a generalised view none as precise as a door."""
    addresses = [None] * len(views)
    for generalised, exclude_kinds in ((False, ()), (True, PRECISE_PLACE_KINDS)):
        group = [i for i, view in enumerate(views) if view["generalised"] is generalised]
        found = nearest_places([(views[i]["lon"], views[i]["lat"]) for i in group],
                               exclude_kinds)
        for i, near in zip(group, found, strict=True):
            addresses[i] = near[0] if near else None
    return addresses


def service_requests(items):
    """GeoReport v2 service requests for public `items`."""
    answer = []
    for item, view, moves, place in _public_views(items):
        notes = [move["note"] for move in moves if move["note"]]
        photos = visible_photos(item, None)
        answer.append({
            "service_request_id": str(item.id),
            "status": open311_status(view["status"]),
            "status_notes": notes[-1] if notes else None,
            "service_name": str(CATEGORIES[view["category"]].label),
            "service_code": view["category"],
            "description": "\n\n".join(part for part in (view["title"], view["description"])
                                        if part),
            "agency_responsible": item.organisation.name if item.organisation else None,
            "service_notice": None,
            "requested_datetime": paris_isoformat(view["created_at"]),
            "updated_datetime": paris_isoformat(moves[-1]["at"] if moves
                                                else view["created_at"]),
            "expected_datetime": paris_isoformat(item.expected_date),
            "address": place.name if place else None,
            "address_id": None,
            "zipcode": None,
            "lat": view["lat"],
            "long": view["lon"],
            "media_url": url_for("items.photo", photo_id=photos[0].id, _external=True)
            if photos else None,
        })
    return answer


def request_updates(items, start, end):
    """Moves of the public history of `items` dated in [start, end], oldest first: the
    `servicerequestupdates` extension. `update_id` is the item and the move's rank."""
    updates = []
    for item, _view, moves, _place in _public_views(items):
        for rank, move in enumerate(moves, start=1):
            if start <= move["at"] <= end:
                updates.append(((move["at"], item.id, rank), {
                    "update_id": f"{item.id}_{rank}",
                    "service_request_id": str(item.id),
                    "status": open311_status(move["status"]),
                    "external_status_code": move["status"],
                    "updated_datetime": paris_isoformat(move["at"]),
                    "description": move["note"],
                    "media_url": None,
                }))
    return [update for _order, update in sorted(updates, key=lambda pair: pair[0])]
