"""The home page (report, the public map with its list, the next walks), health and
language."""

from flask import (
    Blueprint,
    current_app,
    has_request_context,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
)
from flask_login import current_user

from app.auth.services import remember_locale
from app.auth.views import safe_next
from app.database import database_state
from app.extensions import db
from app.items.categories import CATEGORIES
from app.items.queries import page_of_cards
from app.items.status import STATUS_LABELS
from app.perimeters.queries import all_perimeters
from app.walks.queries import upcoming_walks

bp = Blueprint("main", __name__)

LANGUAGE_COOKIE = "lang"


HOME_ITEMS = 10  # the latest public items listed under the map; all are on the map
HOME_WALKS = 3


@bp.route("/")
def index():
    """Report in one tap, what is public on the perimeter map with its list, the next walks."""
    served = current_app.config["PERIMETER_CODE"]
    perimeters = sorted(all_perimeters(), key=lambda p: p.code != served)
    return render_template(
        "main/index.html", perimeters=perimeters, walks=upcoming_walks(HOME_WALKS),
        items=page_of_cards(None, limit=HOME_ITEMS, count=False).items, categories=CATEGORIES,
        statuses=STATUS_LABELS)


@bp.route("/healthz")
def healthz():
    """200 {"status": "ok"}; 503 {"status": "read-only"} when the database answers but
    cannot write, 503 {"status": "unavailable"} when it does not answer; within a second."""
    state = database_state()
    return jsonify({"status": state}), 200 if state == "ok" else 503


@bp.route("/langue/<code>")
def set_language(code):
    """Remember the reader's language in a cookie (not a server-side change)."""
    response = make_response(redirect(safe_next(request.args.get("next"))))
    if code in current_app.config["LANGUAGES"]:
        if current_user.is_authenticated:  # their e-mails follow the language they chose
            remember_locale(current_user, code)
            db.session.commit()
        response.set_cookie(LANGUAGE_COOKIE, code, max_age=365 * 24 * 3600, samesite="Lax",
                            httponly=True, secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response


def select_locale():
    code = request.cookies.get(LANGUAGE_COOKIE) if has_request_context() else None
    return code if code in current_app.config["LANGUAGES"] else current_app.config[
        "BABEL_DEFAULT_LOCALE"]
