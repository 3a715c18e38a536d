"""Residents' pages: the public map and list, an item, its tracking link and its photos,
and the service worker that keeps the capture page (app/capture) working offline."""

from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from app.auth.services import user_for_authorization
from app.extensions import db, limiter
from app.limits import submission_limit
from app.permissions import current_viewer, open_to_anyone
from app.places.wording import describe_point
from app.static_files import Minified, file_version

from . import queries, services
from .categories import CATEGORIES
from .models import Item, Photo
from .offline import copy_stamp, service_worker_url
from .pagination import COUNT_CAP, BadCursor, read_cursor
from .permissions import (
    can_read_internal_notes,
    can_see_exact_location,
    can_see_photo,
    can_view_item,
    entering_for_resident,
    sees_staff_view,
    visible_photos,
)
from .public_view import PRECISE_PLACE_KINDS, location_of
from .schemas import KIND_LABELS, SEVERITY_LABELS
from .status import STATUS_LABELS, VISIBILITY_LABELS, Status

bp = Blueprint("items", __name__)
bp.add_app_template_global(service_worker_url)
bp.add_app_template_global(copy_stamp)
# Templates list photos through the one question of who may see each.
bp.add_app_template_global(visible_photos)


_minified = Minified()


@bp.route("/sw.js")
def service_worker():
    """The offline capture's service worker, served from the root so it may control
    /signaler, without comments and spaces like the other scripts; never cached by HTTP
    so a new version is picked up at the next visit."""
    path = Path(current_app.static_folder) / "js" / "sw.js"
    response = current_app.response_class(_minified.of(path, file_version(path)),
                                          mimetype="text/javascript")
    response.headers["Service-Worker-Allowed"] = "/"
    response.headers["Cache-Control"] = "no-cache"
    return response


PUBLIC_PAGE_SIZE = 50


@bp.route("/signalements")
def index():
    """The public map with its list equivalent, filtered by kind, category and status; the
    list comes PUBLIC_PAGE_SIZE items at a time, each page starting after the last item of
    the one before (`apres`, a keyset cursor)."""
    filters = {name: request.args.get(name) or None for name in ("kind", "category", "status")}
    if filters["status"] not in {None, *(s.value for s in Status)}:
        filters["status"] = None
    start = None
    if request.args.get("apres"):
        try:
            start = read_cursor(request.args["apres"])
        except BadCursor:
            flash(_("Ce lien de page n'est pas valide : voici le début de la liste."), "info")
    page = queries.page_of_cards(current_viewer(), **filters, limit=PUBLIC_PAGE_SIZE,
                                 start=start, count=False)
    shown = {k: v for k, v in filters.items() if v}
    return render_template("items/index.html", page=page, filters=filters,
                           matched=queries.count_items(current_viewer(), **filters, upto=COUNT_CAP),
                           count_cap=COUNT_CAP,
                           first_page=start is None,
                           items_api_url=url_for("api_v1.list_items", **shown),
                           next_url=page.next_cursor and url_for(
                               "items.index", **shown, apres=page.next_cursor),
                           first_url=url_for("items.index", **shown),
                           categories=CATEGORIES, kinds=KIND_LABELS, statuses=STATUS_LABELS)


def _near(location):
    """The place nearest to the point shown, in words; a generalised location is never named
    after a place as precise as a door."""
    return describe_point(location.lon, location.lat,
                          exclude_kinds=PRECISE_PLACE_KINDS if location.generalised else ())


def _render_item(item, token=None):
    viewer = current_viewer()
    location = location_of(item, exact=bool(token) or can_see_exact_location(viewer, item))
    return render_template(
        "items/show.html", item=item, token=token, category=CATEGORIES[item.category],
        kinds=KIND_LABELS,
        statuses=STATUS_LABELS, visibilities=VISIBILITY_LABELS, severities=SEVERITY_LABELS,
        staff=sees_staff_view(viewer, item), internal_notes=can_read_internal_notes(viewer, item),
        photos=visible_photos(item, viewer, by_tracking_link=bool(token)), location=location,
        # named after the place nearest to the point shown (a generalised one for the public)
        near=_near(location),
    )


@bp.route("/signalements/<int:item_id>")
def show(item_id):
    item = db.session.get(Item, item_id)
    if item is None or not can_view_item(current_viewer(), item):
        abort(404)
    return _render_item(item)


@bp.route("/suivi/<token>")
def track(token):
    """The author's page, reached by the secret link: visible even before moderation."""
    item = services.item_for_tracking(token)
    if item is None:
        abort(404)
    return _render_item(item, token)


@bp.route("/signalements/<int:item_id>/moi-aussi", methods=["POST"])
@open_to_anyone("following a public item asks for nothing but an optional e-mail")
@limiter.limit(submission_limit, exempt_when=entering_for_resident)
def follow(item_id):
    item = db.session.get(Item, item_id)
    if item is None or not item.is_public or item.strong_point:
        abort(404)
    try:
        services.follow_item(current_viewer(), item, locale=str(get_locale()))
        db.session.commit()
    except IntegrityError:  # the same person's other request committed first
        db.session.rollback()
    flash(ngettext("C'est noté : vous suivez ce signalement (%(num)d personne concernée).",
                   "C'est noté : vous suivez ce signalement (%(num)d personnes concernées).",
                   len(item.followers)), "success")
    return redirect(url_for("items.show", item_id=item.id))


def _may_see_photo(photo):
    """By the tracking link, a bearer token (the JSON API's clients) or the session."""
    token = request.args.get("suivi")
    by_tracking_link = bool(token) and services.item_for_tracking(token) is photo.item
    viewer = user_for_authorization(request.headers.get("Authorization")) or current_viewer()
    return can_see_photo(viewer, photo, by_tracking_link)


@bp.route("/photos/<int:photo_id>", defaults={"size": "grande"})
@bp.route("/photos/<int:photo_id>/<any(grande, vignette):size>")
def photo(photo_id, size):
    """A photo, served only to whoever may see it (never from static/)."""
    found = db.session.get(Photo, photo_id)
    if found is None or not _may_see_photo(found):
        abort(404)
    name = found.thumbnail_name if size == "vignette" else found.stored_name
    response = send_from_directory(Path(current_app.config["UPLOAD_DIR"]), name,
                                   mimetype="image/jpeg", max_age=3600)
    response.headers["Cache-Control"] = (
        "public, max-age=3600" if found.visibility == "public" else "private, no-store")
    return response
