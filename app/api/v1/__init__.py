"""The JSON API, version 1.

It acts anonymously or through a bearer token, never through the session cookie alone,
so a forged cross-site request carries no authority; it therefore needs no CSRF token.
"""

from flask import Blueprint, g, jsonify, request
from flask_babel import gettext as _

from app.auth.services import user_for_authorization
from app.errors import error_response
from app.extensions import csrf, db

bp = Blueprint("api_v1", __name__, url_prefix="/api/v1")
csrf.exempt(bp)


@bp.before_request
def authenticate_bearer():
    """Set g.api_user from `Authorization: Bearer`; a bogus, expired or revoked token is
    refused, not ignored."""
    g.api_user = None
    header = request.headers.get("Authorization", "")
    if not header:
        return None
    user = user_for_authorization(header)
    if user is None:
        return error_response(401, _("Jeton d'accès invalide, expiré, révoqué ou mal formé."),
                              "auth")
    if db.session.dirty:  # the token's last-used date, before the view does anything
        db.session.commit()
    g.api_user = user
    return None


def invalid(errors):
    """422 with every problem of the input, field by field."""
    return jsonify({"errors": errors}), 422


from . import (  # noqa: E402,F401  (routes register on bp)
    exports,
    indicators,
    items,
    me,
    openapi,
    perimeters,
    supports,
    transitions,
    walks,
)
