"""Evaluation pages: the indicators for a period, the TFPB axis of the landlord's items
and the landlord's yearly TFPB review (page and PDF)."""

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.services import all_organisations, find_organisation
from app.clock import paris_today
from app.committee.filters import read_filters
from app.committee.period import CONTRACT_START, presets
from app.committee.permissions import can_follow_items, own_organisation
from app.errors import DomainError, InvalidInput
from app.extensions import db
from app.forms import show_refusal
from app.items.categories import CATEGORIES
from app.items.models import Item
from app.items.status import STATUS_LABELS
from app.permissions import requires

from . import tfpb
from .exports import EXPORTS
from .forms import AxisForm
from .indicators import FAMILIES, UNITS, compute_indicators
from .models import LANDLORD, TFPB_AXES
from .reports import tfpb_pdf
from .requests import read_indicator_request
from .tfpb import can_set_tfpb_axis

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


def _landlord_item(item_id):
    item = db.session.get(Item, item_id)
    if item is None or not can_set_tfpb_axis(current_user, item):
        abort(404)
    return item


def _axis_page(item, form, status=200):
    axis, chosen = tfpb.axis_of(item)
    return render_template("evaluation/tfpb_item.html", item=item, axis=axis, chosen=chosen,
                           axes=TFPB_AXES, form=form, changes=tfpb.axis_changes(item),
                           carries=tfpb.carries_axis(item), categories=CATEGORIES), status


@bp.route("/tfpb/signalements/<int:item_id>", methods=["GET", "POST"])
@requires(can_set_tfpb_axis)
def tfpb_axis(item_id):
    """The TFPB axis of one of the landlord's items: the default of its category, or the
    one chosen by coordination or the landlord, with every change."""
    item = _landlord_item(item_id)
    form = AxisForm()
    if request.method == "GET":
        form.axis.data = tfpb.axis_of(item)[0]
        return _axis_page(item, form)
    if not form.validate_on_submit():
        return _axis_page(item, form, 422)
    try:
        tfpb.set_tfpb_axis(current_user, item, form.axis.data, form.reason.data)
    except DomainError as refused:
        db.session.rollback()
        show_refusal(form, refused)
        return _axis_page(item, form, refused.status)
    db.session.commit()
    flash(_("Axe TFPB enregistré : %(axis)s.", axis=TFPB_AXES[form.axis.data]), "success")
    return redirect(url_for("evaluation.tfpb_axis", item_id=item.id), 303)


def _review(raw_year):
    year = tfpb.read_year(raw_year)
    period, reviews = tfpb.yearly_review(year, current_user)
    return year, period, reviews


@bp.route("/tfpb")
@requires(tfpb.can_read_tfpb_review)
def tfpb_review():
    """The landlord's yearly TFPB review: per axis, the items, the share resolved, the
    delays and the walk findings."""
    years = list(range(CONTRACT_START.year, paris_today().year + 1))
    try:
        year, period, reviews = _review(request.args.get("annee"))
    except InvalidInput as refused:
        return render_template("evaluation/tfpb.html", errors=refused.errors, years=years,
                               reviews=None, year=None), 422
    return render_template("evaluation/tfpb.html", errors={}, years=years, year=year,
                           period=period, reviews=reviews, categories=CATEGORIES,
                           status_labels=STATUS_LABELS, landlord=find_organisation(LANDLORD))


@bp.route("/tfpb.pdf")
@requires(tfpb.can_read_tfpb_review)
def tfpb_review_pdf():
    year, period, reviews = _review(request.args.get("annee"))
    return Response(tfpb_pdf(year, period, reviews), mimetype="application/pdf",
                    headers={"Content-Disposition":
                             f'inline; filename="bilan-tfpb-{year}.pdf"'})


@bp.route("/signalements.<any(csv, geojson, gpkg):extension>")
@requires(can_follow_items)
def export_items(extension):
    """The follow-up's items with its filters as CSV, GeoJSON or GeoPackage: the API's
    exports, for a signed-in person (the follow-up page's buttons)."""
    return EXPORTS[extension](read_filters(request.args, current_user), current_user)
