from flask import g, jsonify
from flask_babel import gettext as _

from app.errors import error_response

from . import bp


@bp.route("/me")
def me():
    """The account behind the bearer token: email, roles, organisation."""
    user = g.api_user
    if user is None:
        return error_response(401, _("Authentification requise (en-tête Authorization: "
                                     "Bearer)."), "auth")
    organisation = user.organisation
    return jsonify({
        "email": user.email,
        "display_name": user.display_name,
        "roles": user.roles,
        "organisation": (
            {"code": organisation.code, "name": organisation.name} if organisation else None
        ),
    })
