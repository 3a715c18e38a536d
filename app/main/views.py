"""The home page (the perimeter map and its text equivalent), health and language."""

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

from app.auth.views import safe_next
from app.database import database_state
from app.perimeters.queries import all_perimeters

bp = Blueprint("main", __name__)

LANGUAGE_COOKIE = "lang"


@bp.route("/")
def index():
    served = current_app.config["PERIMETER_CODE"]
    perimeters = sorted(all_perimeters(), key=lambda p: p.code != served)
    return render_template("main/index.html", perimeters=perimeters)


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
        response.set_cookie(LANGUAGE_COOKIE, code, max_age=365 * 24 * 3600, samesite="Lax",
                            httponly=True, secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response


def select_locale():
    code = request.cookies.get(LANGUAGE_COOKIE) if has_request_context() else None
    return code if code in current_app.config["LANGUAGES"] else current_app.config[
        "BABEL_DEFAULT_LOCALE"]
