"""The contract's indicators through the JSON API: the same figures and definitions as
the indicators page."""

from flask import g, jsonify, request

from app.committee.permissions import can_follow_items
from app.evaluation.indicators import FAMILIES, compute_indicators
from app.evaluation.requests import read_indicator_request

from . import bp
from .guards import api_requires


@bp.route("/indicators")
@api_requires(can_follow_items)
def indicators():
    """`from`, `to` (YYYY-MM-DD, required) and optionally `organisation` → every indicator
    with its definition, formula in words, value, what it rests on, or why it cannot be
    computed. 422 for a bad period or filter; 403 when an agent asks for another
    organisation (an agent's figures are always its organisation's)."""
    period, organisation = read_indicator_request(request.args, g.api_user)
    return jsonify({
        "period": {"from": period.start.isoformat(), "to": period.end.isoformat(),
                   "requested_to": (period.asked_end or period.end).isoformat()},
        "organisation": organisation.code if organisation else None,
        "families": {code: str(label) for code, label in FAMILIES.items()},
        "indicators": [i.as_json() for i in compute_indicators(period, g.api_user,
                                                               organisation)],
    })
