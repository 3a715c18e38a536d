"""Rate limits, read from the configuration so that a deployment can tune them (and the
browser tests' live server, whose every request comes from 127.0.0.1, can widen them)."""

from flask import current_app


def submission_limit():
    """Anonymous submissions (items, follows, supports, comments, flags) from one address."""
    return current_app.config["SUBMISSION_RATE_LIMIT"]


def login_limit():
    return current_app.config["LOGIN_RATE_LIMIT"]
