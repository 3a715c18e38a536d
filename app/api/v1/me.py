from flask import g, jsonify

from app.auth.permissions import is_signed_in

from . import bp
from .guards import api_requires


@bp.route("/me")
@api_requires(is_signed_in)
def me():
    """The account behind the bearer token: email, roles, organisation."""
    user = g.api_user
    organisation = user.organisation
    return jsonify({
        "email": user.email,
        "display_name": user.display_name,
        "roles": user.roles,
        "organisation": (
            {"code": organisation.code, "name": organisation.name} if organisation else None
        ),
    })
