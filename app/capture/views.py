"""The capture door: the Signaler page and the form it posts, for every kind of item. It
sits above items and walks because it files what it receives through the service that
fits, a plain item or a walk finding (app/walks/findings.py)."""

import uuid

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_wtf.csrf import generate_csrf

from app.errors import DomainError, wants_json_response
from app.forms import renew_idempotency_key, show_refusal, uploaded_files
from app.inputs import parse_int
from app.items import services
from app.items.categories import CATEGORIES
from app.items.offline import KEPT_PAGE_HEADERS, offline_files
from app.items.permissions import entering_for_resident
from app.items.schemas import KIND_LABELS, SEVERITY_LABELS
from app.items.submission import refusal_response, submission_response, submit_and_commit
from app.limits import capture_limit
from app.permissions import current_viewer, open_to_anyone
from app.places.queries import all_places
from app.walks.findings import capture_service

from .forms import CaptureForm

bp = Blueprint("capture", __name__)


def _capture_page(form, status=200):
    places = all_places()
    form.set_places(places)
    walk = parse_int(form.walk.data)
    # During a walk: this very page and the walk's route are kept for offline use too.
    kept = [url_for("capture.page", walk=walk, stop=form.stop.data or None),
            url_for("api_v1.get_walk", walk_id=walk)] if walk is not None and walk > 0 else []
    return render_template(
        "items/capture.html", form=form, categories=CATEGORIES, kinds=KIND_LABELS,
        severities=SEVERITY_LABELS, staff=entering_for_resident(),
        place_points={str(p.id): (p.lon, p.lat) for p in places},
        walk_route=kept[1] if kept else None, offline_files=offline_files(*kept),
    ), status, KEPT_PAGE_HEADERS


@bp.route("/signaler", methods=["GET", "POST"])
@open_to_anyone("no account is needed to report (RGPD); abuse is rate-limited")
@capture_limit(methods=["POST"], exempt_when=entering_for_resident)
def page():
    """The capture page, and the form it posts. Without JavaScript the browser posts it and
    is sent to the tracking page. With JavaScript the item is kept on the phone and sent
    later: anonymous people's to the JSON API, signed-in people's here, as JSON
    (`Accept: application/json`, CSRF token and Idempotency-Key in the form), so that it
    is filed under their account; the answer is then the JSON API's."""
    form = CaptureForm()
    as_json = request.method == "POST" and wants_json_response()
    if request.method == "GET":
        form.follow_walk(request.args)
    # A double tap or a resent form creates one item; a key that is not one of ours (a
    # browser never sends one) is simply replaced. A phone's is refused instead: replacing
    # it at each attempt would make one item per attempt.
    if not services.is_valid_idempotency_key(form.idempotency_key.data):
        if as_json:
            return refusal_response({"idempotency_key": _(
                "Clé d'envoi (Idempotency-Key) invalide : 32 à 100 caractères, lettres, "
                "chiffres, - _ . : (un UUID aléatoire convient).")})
        form.idempotency_key.data = str(uuid.uuid4())
    if not form.validate_on_submit():
        if as_json:
            return refusal_response({name: messages[0] for name, messages in form.errors.items()})
        return _capture_page(form, 422 if form.errors else 200)
    data = {**form.item_data(), "locale": str(get_locale())}
    try:
        item, token, created = submit_and_commit(
            current_viewer(), data, uploaded_files(form.photo), form.idempotency_key.data,
            capture_service(data))
    except services.IdempotencyKeyReused as reused:
        if as_json:
            return refusal_response(reused.errors)
        renew_idempotency_key(form)
        return _capture_page(form, 422)
    except DomainError as refused:  # bad input, a full disk (507), photos too busy (503)
        if as_json:
            return refusal_response(refused.errors, refused.status)
        show_refusal(form, refused)
        return _capture_page(form, refused.status)
    if as_json:
        return submission_response(item, token, created, current_viewer())
    flash(_("Merci ! Votre signalement n° %(ref)s est enregistré. Il sera public après "
            "relecture par le conseil citoyen. Gardez ce lien pour le suivre.",
            ref=item.reference), "success")
    return redirect(url_for("items.track", token=token))


@bp.route("/signaler/session")
def session():
    """Who is signed in here, with a fresh CSRF token: asked by a phone just before it sends
    an item a signed-in person kept on it, which is sent only under that same account."""
    viewer = current_viewer()
    response = jsonify({"account": viewer.id if viewer else None, "csrf_token": generate_csrf()})
    response.headers["Cache-Control"] = "no-store"
    return response


