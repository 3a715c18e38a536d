"""Guards for API endpoints: authority comes from the bearer token only (g.api_user)."""

from functools import wraps

from flask import g
from flask_babel import gettext as _

from app.errors import error_response


def api_requires(question):
    def decorator(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            if g.api_user is None:
                return error_response(401, _("Authentification requise (en-tête "
                                             "Authorization: Bearer)."), "auth")
            if not question(g.api_user):
                return error_response(403, _("Votre rôle ne permet pas cette action."), "auth")
            return view(*args, **kwargs)

        guarded.guard = question.__name__
        return guarded

    return decorator
