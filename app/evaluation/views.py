"""Evaluation pages: the indicators for a period, the landlord's TFPB review."""

from flask import Blueprint, render_template, request
from flask_login import current_user

from app.auth.services import all_organisations
from app.clock import paris_today
from app.committee.period import presets
from app.committee.permissions import can_follow_items, own_organisation
from app.errors import InvalidInput
from app.permissions import requires

from .indicators import FAMILIES, UNITS, compute_indicators
from .requests import read_indicator_request

bp = Blueprint("evaluation", __name__, url_prefix="/evaluation")


@bp.route("/indicateurs")
@requires(can_follow_items)
def indicators():
    """Réalisation, résultat and impact for a period (this year by default), with one-click
    views for each year, the mid-term and the whole contract."""
    args = request.args
    if not args.get("from") and not args.get("to"):
        today = paris_today()
        args = {**args, "from": f"{today.year}-01-01", "to": today.isoformat()}
    context = {"presets": presets(), "args": args, "families": FAMILIES, "units": UNITS,
               "organisations": all_organisations(),
               "own_organisation": own_organisation(current_user)}
    try:
        period, organisation = read_indicator_request(args, current_user)
    except InvalidInput as refused:
        return render_template("evaluation/indicators.html", errors=refused.errors,
                               indicators=None, **context), 422
    return render_template(
        "evaluation/indicators.html", errors={}, period=period, organisation=organisation,
        indicators=compute_indicators(period, current_user, organisation), **context)
