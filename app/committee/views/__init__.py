"""Pages of the GUSP technical committee: the follow-up across organisations (followup.py)
and the committee meetings (meetings.py)."""

from flask import Blueprint

bp = Blueprint("committee", __name__, url_prefix="/comite")

from . import followup, meetings  # noqa: E402,F401  (routes register on bp)
