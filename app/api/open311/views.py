"""Open311 GeoReport v2 under /open311/v2/: discovery, services, service definitions,
requests (read and create), tokens, and the `servicerequestupdates` read extension.

Every resource answers in JSON and XML (`.json`, `.xml`); errors take the specification's
shape (`[{code, description}]`, `<errors><error>`) with 400, 403 or 404. Reading needs no
key; creating needs an API key, which carries its own rate limit and logs its use.
"""

from datetime import timedelta
from functools import wraps

from flask import Blueprint, current_app, g, request, url_for
from flask_babel import gettext as _

from app.apikeys import services as keys
from app.clock import parse_iso_datetime, utcnow
from app.errors import register_error_format
from app.extensions import csrf, db, limiter
from app.inputs import parse_int
from app.items.categories import CATEGORIES
from app.items.services import InvalidItem

from . import queries, schemas, services
from .formats import errors, respond

bp = Blueprint("open311", __name__, url_prefix="/open311/v2")
csrf.exempt(bp)  # no session authority here: reading is public, writing needs an API key

FORMAT = "<any(json, xml):fmt>"
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-12-01T00:00:00+01:00"  # the last change of what this endpoint offers
MAX_WINDOW = timedelta(days=90)


class Refused(Exception):
    """A request the specification answers with an error: `status` and descriptions."""

    def __init__(self, status, *descriptions):
        super().__init__(*descriptions)
        self.http_status = status
        self.descriptions = descriptions


@bp.errorhandler(Refused)
def refused(exc):
    return errors(exc.http_status, *exc.descriptions)


@bp.record_once
def _answer_errors_the_open311_way(state):
    register_error_format(state.app, bp.url_prefix + "/", errors)


@bp.before_request
def check_jurisdiction():
    """One jurisdiction is served: naming another one is a 404, as the specification says."""
    given = request.values.get("jurisdiction_id")
    if given and given != current_app.config["OPEN311_JURISDICTION_ID"]:
        return errors(404, _("jurisdiction_id inconnu : ce service ne sert que %(id)s.",
                             id=current_app.config["OPEN311_JURISDICTION_ID"]))
    return None


@bp.after_request
def log_key_use(response):
    """Every request made with a key is logged, refused ones included (e.g. rate limit)."""
    key = g.get("open311_key")
    if key is not None:
        keys.log_key_use(key, request.method, request.path, response.status_code)
        db.session.commit()
    return response


def requires_api_key(view):
    """Creating needs an active key (`api_key`); 403 otherwise, as the specification says."""
    @wraps(view)
    def guarded(*args, **kwargs):
        key = keys.active_key(request.values.get("api_key"))
        if key is None:
            return errors(403, _("api_key manquante, invalide ou révoquée."))
        g.open311_key = key
        return view(*args, **kwargs)

    guarded.guard = "an active Open311 API key"
    return guarded


def key_rate_limit():
    return current_app.config["OPEN311_RATE_LIMIT"]


def key_bucket():
    """Requests count against the key, never against the address they come from."""
    return f"open311-key:{g.open311_key.id}"


@bp.route(f"/discovery.{FORMAT}")
def discovery(fmt):
    """Where this endpoint is, what it speaks, and whom to ask for a key."""
    return respond(fmt, "discovery", {
        "changeset": CHANGESET,
        "contact": current_app.config["OPEN311_CONTACT"],
        "key_service": _("Clés délivrées par l'administration d'Arpenteur (coordination "
                         "GUSP) : %(contact)s", contact=current_app.config["OPEN311_CONTACT"]),
        "endpoints": [{
            "specification": SPECIFICATION,
            "url": url_for("open311.discovery", fmt="json", _external=True).rsplit("/", 1)[0],
            "changeset": CHANGESET,
            "type": current_app.config["OPEN311_ENDPOINT_TYPE"],
            "formats": ["application/json", "text/xml"],
        }],
    })


@bp.route(f"/services.{FORMAT}")
def service_list(fmt):
    """One service per category; `group` is the kind of item it creates."""
    return respond(fmt, "services", schemas.all_services())


@bp.route(f"/services/<code>.{FORMAT}")
def service_definition(code, fmt):
    """The attributes a request of this service may carry (location details, place...)."""
    category = CATEGORIES.get(code)
    if category is None:
        raise Refused(404, _("service_code inconnu : %(code)s (voir services.%(fmt)s).",
                             code=code[:40], fmt=fmt))
    return respond(fmt, "service_definition", schemas.service_definition(category))


@bp.route(f"/requests.{FORMAT}", methods=["POST"])
@requires_api_key
@limiter.limit(key_rate_limit, key_func=key_bucket)
def create_request(fmt):
    """Create an item from a form-encoded request: it enters moderation and routing like
    any other, and becomes readable here once a moderator has published it."""
    data, media_url, problems = schemas.read_request(request.values)
    if problems:
        raise Refused(400, *problems)
    try:
        received = services.submit_request(g.open311_key, data, media_url)
        db.session.commit()
    except InvalidItem as invalid:
        db.session.rollback()
        raise Refused(400, *invalid.errors.values()) from None
    return respond(fmt, "service_requests", [{
        "service_request_id": str(received.item_id),
        "token": received.token,
        "service_notice": _("Reçu. Le signalement sera public après relecture par le conseil "
                            "citoyen du Noyer Doré, puis transmis à l'organisme qui doit agir."),
        "account_id": (request.values.get("account_id") or "")[:100] or None,
    }], 201)


def _date_window():
    """(start, end) in naive UTC from start_date/end_date: the last 90 days by default, at
    most 90 days."""
    try:
        start, end = (parse_iso_datetime(request.args[name]) if request.args.get(name)
                      else None for name in ("start_date", "end_date"))
    except ValueError:
        raise Refused(400, _("start_date et end_date sont des dates ISO 8601, par exemple "
                             "2026-03-14T10:00:00+01:00.")) from None
    if start is None and end is None:
        end = utcnow()
    start = start if start is not None else end - MAX_WINDOW
    end = end if end is not None else start + MAX_WINDOW
    if start > end:
        raise Refused(400, _("start_date est postérieure à end_date."))
    if end - start > MAX_WINDOW:
        raise Refused(400, _("La période demandée dépasse 90 jours."))
    return start, end


def _list_param(name, allowed):
    """A comma-separated parameter as a list of values among `allowed`."""
    values = [v.strip() for v in request.args.get(name, "").split(",") if v.strip()]
    unknown = [v for v in values if not allowed(v)]
    if unknown:
        raise Refused(400, _("Valeur inconnue pour %(name)s : %(value)s.", name=name,
                             value=unknown[0][:40]))
    return values


@bp.route(f"/requests.{FORMAT}")
def list_requests(fmt):
    """Public requests, newest first, at most 1,000: by `service_request_id` (a list,
    ignoring every other filter), or by `service_code`, `status` and a window of at most
    90 days (`start_date`, `end_date`; the last 90 days by default)."""
    ids = _list_param("service_request_id", lambda v: parse_int(v) is not None)
    if ids:
        items = queries.public_requests(ids=[parse_int(v) for v in ids])
    else:
        codes = _list_param("service_code", CATEGORIES.__contains__)
        statuses = _list_param("status", ("open", "closed").__contains__)
        start, end = _date_window()
        items = queries.public_requests(codes=codes, statuses=statuses, start=start, end=end)
    return respond(fmt, "service_requests", schemas.service_requests(items))


@bp.route(f"/requests/<int:request_id>.{FORMAT}")
def get_request(request_id, fmt):
    item = queries.public_request(request_id)
    if item is None:
        raise Refused(404, _("Aucune demande publique n° %(id)d.", id=request_id))
    return respond(fmt, "service_requests", schemas.service_requests([item]))


@bp.route(f"/tokens/<token>.{FORMAT}")
def token_lookup(token, fmt):
    """The service_request_id of the request a POST answered `token` for."""
    received = services.request_for_token(token)
    if received is None:
        raise Refused(404, _("Jeton inconnu."))
    return respond(fmt, "service_requests", [{"service_request_id": str(received.item_id),
                                              "token": received.token}])


@bp.route(f"/servicerequestupdates.{FORMAT}")
def request_updates(fmt):
    """The extension clients use to follow requests without polling each one: every public
    move dated in the window (`start_date`, `end_date`, at most 90 days)."""
    start, end = _date_window()
    items = queries.public_items_moved_between(start, end)
    return respond(fmt, "service_request_updates", schemas.request_updates(items, start, end))

