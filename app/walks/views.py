"""Walk pages: plan, the walk and its live findings, join, night grid, participation,
re-check, and the compte rendu (printable page, PDF, CSV, SVG map)."""

import io
import uuid

import segno
from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_date, format_time, get_locale
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.models import Organisation
from app.csv_writer import csv_response
from app.errors import DomainError
from app.extensions import db
from app.forms import renew_idempotency_key, show_refusal, uploaded_files
from app.inputs import parse_int
from app.items import services as items
from app.items.categories import CATEGORIES
from app.items.models import Item
from app.items.offline import KEPT_PAGE_HEADERS, offline_files
from app.items.permissions import is_staff
from app.items.status import STATUS_LABELS, Status
from app.items.submission import submit_and_commit
from app.limits import capture_limit
from app.permissions import current_viewer, open_to_anyone, requires
from app.places.queries import all_places

from . import findings, pdf, queries, reports, services
from .forms import (
    NightGridForm,
    ParticipationForm,
    PublishForm,
    QuickFindingForm,
    RecheckForm,
    StatusForm,
    WalkForm,
)
from .models import (
    COLLEGES,
    GENDERS,
    LIGHTING,
    RATINGS,
    RECHECK_LABELS,
    Walk,
    WalkStatus,
)
from .permissions import can_manage_walk, can_plan_walk, can_read_report
from .schemas import walk_collection

bp = Blueprint("walks", __name__)


def _walk_or_404(walk_id):
    walk = db.session.get(Walk, walk_id)
    if walk is None:
        abort(404)
    return walk


def _join_url(walk):
    return url_for("walks.join", code=walk.join_code, _external=True)


@bp.route("/marches")
def index():
    return render_template("walks/index.html", upcoming=queries.upcoming_walks(),
                           past=queries.past_walks(), may_plan=can_plan_walk(current_viewer()))


@bp.route("/marches/nouvelle", methods=["GET", "POST"])
@requires(can_plan_walk)
def plan():
    form = WalkForm()
    organisations = db.session.scalars(db.select(Organisation).order_by(Organisation.name)).all()
    form.set_organisations(organisations)
    places = all_places()
    status = 200
    if form.validate_on_submit():
        data, errors = form.parsed(places)
        try:
            if errors:
                raise services.InvalidWalk(errors)
            walk = services.plan_walk(current_user, data)
            db.session.commit()
        except services.InvalidWalk as refused:
            db.session.rollback()
            show_refusal(form, refused)
            status = 422
        else:
            flash(_("La marche est planifiée. Partagez son lien ou son QR code."), "success")
            return redirect(url_for("walks.show", walk_id=walk.id))
    elif form.errors:
        status = 422
    return render_template("walks/plan.html", form=form, places=places), status


@bp.route("/marches/<int:walk_id>")
def show(walk_id):
    walk = _walk_or_404(walk_id)
    viewer = current_viewer()
    return render_template(
        "walks/show.html", walk=walk, findings=queries.numbered_findings(walk, viewer),
        join_url=_join_url(walk), manage=can_manage_walk(viewer),
        comparison=queries.grid_comparison(walk), ratings=RATINGS, lighting=LIGHTING,
        colleges=COLLEGES, genders=GENDERS, stop_label=reports.stop_label,
        status_form=StatusForm(), moves=services.WALK_MOVES[WalkStatus(walk.status)],
        read_report=can_read_report(viewer, walk), categories=CATEGORIES,
        status_labels=STATUS_LABELS, Status=Status, checks=queries.rechecks_of(walk, viewer),
    )


@bp.route("/marches/<int:walk_id>/direct.json")
def live(walk_id):
    """What the facilitator's page polls. Read with the session, so staff see findings still
    awaiting moderation; the public JSON API only ever shows public ones."""
    walk = _walk_or_404(walk_id)
    return jsonify(walk_collection(walk, current_viewer()))


@bp.route("/marches/<int:walk_id>/qr.svg")
def qr_code(walk_id):
    walk = _walk_or_404(walk_id)
    out = io.BytesIO()
    segno.make(_join_url(walk), error="m").save(out, kind="svg", scale=6, border=2,
                                                 title=_("QR code de la marche"))
    return Response(out.getvalue(), mimetype="image/svg+xml")


def _join_page(walk, form=None, status=200):
    """The join page: the stops' capture links and the quick-finding form (none for a
    cancelled walk), and what the phone keeps for offline use once it has been opened."""
    if walk.status == WalkStatus.CANCELLED:
        return render_template("walks/join.html", walk=walk, stop_label=reports.stop_label,
                               notice=_("Cette marche a été annulée : il n'est plus possible "
                                        "de la rejoindre ni d'y rattacher un constat.")), 410
    notice = None
    if walk.status == WalkStatus.CLOSED:
        notice = _("Cette marche est terminée. Un constat oublié peut encore être envoyé : il "
                   "sera rattaché à la marche et marqué « envoyé après la marche ».")
    form = form or QuickFindingForm()
    if not items.is_valid_idempotency_key(form.idempotency_key.data):
        form.idempotency_key.data = str(uuid.uuid4())  # a double tap makes one finding
    stops = [url_for("capture.page", walk=walk.id, stop=stop.id) for stop in walk.stops]
    return render_template(
        "walks/join.html", walk=walk, stop_label=reports.stop_label, notice=notice, form=form,
        categories=[c for c in CATEGORIES.values() if "dem" in c.kinds], sent=_sent_finding(walk),
        offline_files=offline_files(url_for("walks.join", code=walk.join_code), *stops,
                                    url_for("api_v1.get_walk", walk_id=walk.id)),
    ), status, KEPT_PAGE_HEADERS


def _sent_finding(walk):
    """(item, tracking URL) of the finding just sent without JavaScript (?suivi=<token>)."""
    token = request.args.get("suivi")
    item = items.item_for_tracking(token)
    if item is None or item.walk_finding is None or item.walk_finding.walk_id != walk.id:
        return None
    return item, url_for("items.track", token=token)


@bp.route("/m/<code>")
def join(code):
    """The short link participants open on their phone."""
    walk = queries.walk_by_code(code)
    if walk is None:
        abort(404)
    return _join_page(walk)


@bp.app_template_filter("format_walk_date")
def format_walk_date(value):
    return format_date(value, "long")


@bp.app_template_filter("format_walk_time")
def format_walk_time(value):
    """A walk's local time of day ("20:30", "8:30 PM"): already Paris time, never rebased."""
    return format_time(value, "short", rebase=False)


@bp.route("/marches/<int:walk_id>/constats", methods=["POST"])
@open_to_anyone("walk participants log findings without an account, like any report")
@capture_limit(exempt_when=lambda: is_staff(current_viewer()))
def quick_finding(walk_id):
    """The join page's short form without JavaScript: the finding is placed at the chosen
    stop and goes through the capture service; the participant gets its tracking link on
    the join page. (With JavaScript the phone sends it like any capture.)"""
    walk = _walk_or_404(walk_id)
    form = QuickFindingForm()
    if not form.validate_on_submit():
        return _join_page(walk, form, 422)
    chosen = form.stop.data or ""
    stop = services.stop_of(walk, parse_int(chosen))
    data = {"kind": "dem", "walk": walk.id, "category": form.category.data,
            "description": form.description.data or "", "stop": stop.id if stop else chosen,
            "lon": stop.lon if stop else None, "lat": stop.lat if stop else None,
            "strong_point": form.strong_point.data == "true",
            "recommendation": form.recommendation.data or "", "locale": str(get_locale())}
    try:
        _item, token, _created = submit_and_commit(
            current_viewer(), data, uploaded_files(form.photo), form.idempotency_key.data,
            findings.submit_finding)
    except items.IdempotencyKeyReused:
        renew_idempotency_key(form)
        return _join_page(walk, form, 422)
    except DomainError as refused:  # bad input, a full disk (507), photos too busy (503)
        show_refusal(form, refused)
        return _join_page(walk, form, refused.status)
    return redirect(url_for("walks.join", code=walk.join_code, suivi=token, _anchor="envoye"))


@bp.route("/marches/<int:walk_id>/etat/<to>", methods=["POST"])
@requires(can_manage_walk)
def change_status(walk_id, to):
    walk = _walk_or_404(walk_id)
    if not StatusForm().validate_on_submit():
        abort(400)
    try:
        services.change_walk_status(current_user, walk, to)
        db.session.commit()
    except DomainError as refused:
        db.session.rollback()
        flash(refused.message, "error")
    return redirect(url_for("walks.show", walk_id=walk.id))


def _stop_or_404(walk, stop_id):
    stop = services.stop_of(walk, stop_id)
    if stop is None:
        abort(404)
    return stop


@bp.route("/marches/<int:walk_id>/arrets/<int:stop_id>/grille", methods=["GET", "POST"])
@requires(can_manage_walk)
def night_grid(walk_id, stop_id):
    walk = _walk_or_404(walk_id)
    stop = _stop_or_404(walk, stop_id)
    if not walk.has_grid:
        abort(404)
    form = NightGridForm()
    if request.method == "GET" and stop.grid is not None:
        form.lighting_state.data = stop.grid.lighting_state
        form.comment.data = stop.grid.comment
        for name in RATINGS:
            getattr(form, name).data = str(getattr(stop.grid, name))
    status = 200
    if form.validate_on_submit():
        try:
            services.save_night_grid(current_user, stop, form.grid_data())
            db.session.commit()
        except services.InvalidWalk as refused:
            db.session.rollback()
            show_refusal(form, refused)
            status = 422
        else:
            flash(_("Grille enregistrée pour l'arrêt %(name)s.", name=stop.name), "success")
            return redirect(url_for("walks.show", walk_id=walk.id) + f"#arret-{stop.id}")
    elif form.errors:
        status = 422
    return render_template("walks/grid.html", walk=walk, stop=stop, form=form,
                           ratings=RATINGS, stop_label=reports.stop_label), status


@bp.route("/marches/<int:walk_id>/participation", methods=["GET", "POST"])
@requires(can_manage_walk)
def participation(walk_id):
    walk = _walk_or_404(walk_id)
    form = ParticipationForm()
    if request.method == "GET" and walk.participation:
        for college in COLLEGES:
            for gender in GENDERS:
                getattr(form, f"{college}_{gender}").data = walk.participation.get(
                    college, {}).get(gender, 0)
    status = 200
    if form.validate_on_submit():
        try:
            services.record_participation(current_user, walk, form.counts())
            db.session.commit()
        except services.InvalidWalk as refused:
            db.session.rollback()
            show_refusal(form, refused)
            status = 422
        else:
            flash(_("Participation enregistrée."), "success")
            return redirect(url_for("walks.show", walk_id=walk.id))
    elif form.errors:
        status = 422
    return render_template("walks/participation.html", walk=walk, form=form,
                           colleges=COLLEGES, genders=GENDERS), status


@bp.route("/marches/<int:walk_id>/contre-visite")
@requires(can_manage_walk)
def recheck_list(walk_id):
    walk = _walk_or_404(walk_id)
    done = {check.item_id: check for check in queries.rechecks_of(walk, current_user)}
    return render_template(
        "walks/recheck.html", walk=walk, candidates=services.recheck_candidates(walk),
        done=done, distance=services.RECHECK_DISTANCE_M, form=RecheckForm(),
        outcomes=RECHECK_LABELS, categories=CATEGORIES, status_labels=STATUS_LABELS,
        Status=Status)


@bp.route("/marches/<int:walk_id>/contre-visite/<int:item_id>", methods=["POST"])
@requires(can_manage_walk)
def recheck(walk_id, item_id):
    walk = _walk_or_404(walk_id)
    item = db.session.get(Item, item_id)
    if item is None:
        abort(404)
    form = RecheckForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for message in errors:
                flash(message, "error")
        return redirect(url_for("walks.recheck_list", walk_id=walk.id) + f"#point-{item.id}")
    upload = form.photo.data
    try:
        services.record_recheck(
            current_user, walk, item, form.outcome.data, form.note.data,
            (upload.filename or "", upload.read()) if upload and upload.filename else None)
        db.session.commit()
    except DomainError as refused:
        db.session.rollback()
        flash(refused.message, "error")
    else:
        flash(_("Contre-visite enregistrée pour le point n° %(ref)s.", ref=item.reference),
              "success")
    return redirect(url_for("walks.recheck_list", walk_id=walk.id) + f"#point-{item.id}")


def _readable_walk(walk_id):
    walk = _walk_or_404(walk_id)
    if not can_read_report(current_viewer(), walk):
        abort(404)  # an unpublished compte rendu does not exist for the public
    return walk


@bp.route("/marches/<int:walk_id>/compte-rendu")
def report(walk_id):
    walk = _readable_walk(walk_id)
    viewer = current_viewer()
    return render_template(
        "walks/report.html", walk=walk, rows=report_rows_by_stop(walk, viewer),
        comparison=queries.grid_comparison(walk), checks=queries.rechecks_of(walk, viewer),
        ratings=RATINGS, lighting=LIGHTING, colleges=COLLEGES, genders=GENDERS,
        stop_label=reports.stop_label, manage=can_manage_walk(viewer),
        publish_form=PublishForm(summary=walk.summary), categories=CATEGORIES)



def report_rows_by_stop(walk, viewer):
    """[(stop or None, [row, ...])] in walking order, for the printable page."""
    groups = []
    findings = dict(queries.numbered_findings(walk, viewer))
    for row in reports.report_rows(walk, viewer):
        stop = findings[row["numero"]].stop
        if not groups or groups[-1][0] is not stop:
            groups.append((stop, []))
        groups[-1][1].append((row, findings[row["numero"]]))
    return groups


@bp.route("/marches/<int:walk_id>/publier", methods=["POST"])
@requires(can_manage_walk)
def publish(walk_id):
    walk = _walk_or_404(walk_id)
    form = PublishForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.publish_report(current_user, walk, form.summary.data)
        db.session.commit()
    except DomainError as refused:
        db.session.rollback()
        flash(refused.message, "error")
    else:
        flash(_("Compte rendu publié."), "success")
    return redirect(url_for("walks.report", walk_id=walk.id))


def _walk_file(walk_id, render, mimetype, disposition=None):
    """A generated file of a walk the viewer may read; `disposition` takes {id}."""
    walk = _readable_walk(walk_id)
    headers = {"Content-Disposition": disposition.format(id=walk.id)} if disposition else None
    return Response(render(walk, current_viewer()), mimetype=mimetype, headers=headers)


@bp.route("/marches/<int:walk_id>/compte-rendu.pdf")
def report_pdf(walk_id):
    return _walk_file(walk_id, pdf.report_pdf, "application/pdf",
                      'inline; filename="compte-rendu-marche-{id}.pdf"')


@bp.route("/marches/<int:walk_id>/constats.csv")
def report_csv(walk_id):
    walk = _readable_walk(walk_id)
    return csv_response(reports.report_rows(walk, current_viewer()), reports.CSV_FIELDS,
                        f"constats-marche-{walk.id}.csv")


@bp.route("/marches/<int:walk_id>/plan.svg")
def map_svg(walk_id):
    return _walk_file(walk_id, reports.map_svg, "image/svg+xml")
