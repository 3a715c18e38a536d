"""Rate limits, read from the configuration so that a deployment can tune them (and the
browser tests' live server, whose every request comes from 127.0.0.1, can widen them).

Counters live in RATELIMIT_STORAGE_URI (Redis in production, shared by every worker); the
client's address is the connection's, or the one the TRUSTED_PROXIES forwarded.
"""

import json
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app, g, request
from flask_limiter.util import get_remote_address

from app.extensions import limiter
from app.walks.queries import walk_under_way


def submission_limit():
    """Anonymous submissions (follows, supports, comments, flags) from one address."""
    return current_app.config["SUBMISSION_RATE_LIMIT"]


def login_limit():
    """Sign-in, sign-up, password reset, and anything else that checks a secret."""
    return current_app.config["LOGIN_RATE_LIMIT"]


def capture_limit(**options):
    """The limit of the doors that create items (the JSON API, /signaler, a walk's quick
    form). A submission naming a walk under way counts against that walk, whatever the
    address: participants often share one (the same Wi-Fi, a carrier's NAT). Anything else,
    including a submission naming an unknown, cancelled, past or future walk, counts
    against its address. Naming a walk thus never escapes a limit: it only spends that
    walk's budget (WALK_SUBMISSION_RATE_LIMIT), shared by everyone who names it."""
    return limiter.limit(_capture_limit_value, key_func=capture_bucket, **options)


def capture_bucket():
    if "capture_bucket" not in g:
        walk_id = _walk_named()
        today = datetime.now(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])).date()
        g.capture_bucket = (f"walk:{walk_id}" if walk_id is not None
                            and walk_under_way(walk_id, today) else get_remote_address())
    return g.capture_bucket


def _capture_limit_value():
    name = ("WALK_SUBMISSION_RATE_LIMIT" if capture_bucket().startswith("walk:")
            else "SUBMISSION_RATE_LIMIT")
    return current_app.config[name]


def _walk_named():
    """The walk a capture request names: the quick form's URL, the `walk` field of the
    HTML form, or the `walk` property of the API's Feature (JSON body or `item` part)."""
    candidates = [(request.view_args or {}).get("walk_id"), request.form.get("walk")]
    if request.is_json:
        feature = request.get_json(silent=True)
    else:
        try:
            feature = json.loads(request.form.get("item") or "null")
        except ValueError:
            feature = None
    if isinstance(feature, dict) and isinstance(feature.get("properties"), dict):
        candidates.append(feature["properties"].get("walk"))
    for value in candidates:
        if isinstance(value, str) and value.isascii() and value.isdigit():
            value = int(value)
        if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**31:
            return value
    return None
