"""Guards for views. Every state-changing endpoint carries one (a test walks the URL map).

Questions are plain functions named `can_<verb>_<noun>(user[, obj])`; `requires` turns a
user-level question into a view guard, and views ask object-level questions after loading
the object. `open_to_anyone` marks the few state-changing endpoints that need no account,
with the reason.
"""

from functools import wraps

from flask import abort
from flask_login import current_user

from .extensions import login_manager


def current_viewer():
    """The signed-in person, or None for an anonymous visitor: what the questions take."""
    return current_user if current_user.is_authenticated else None


def requires(question):
    def decorator(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not question(current_user):
                abort(403)
            return view(*args, **kwargs)

        guarded.guard = question.__name__
        return guarded

    return decorator


def open_to_anyone(reason):
    def decorator(view):
        view.guard = f"open: {reason}"
        return view

    return decorator
