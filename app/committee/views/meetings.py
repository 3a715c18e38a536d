"""Committee meetings: list and create, the meeting page (agenda, edits, decisions),
closing, and the minutes (page, PDF)."""

from datetime import date

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from app.auth.services import all_organisations, find_organisation
from app.clock import paris_today
from app.csv_writer import FRENCH, csv_response
from app.errors import DomainError, NotAllowed
from app.extensions import db
from app.forms import show_refusal
from app.items.categories import CATEGORIES
from app.items.status import STATUS_LABELS
from app.permissions import requires
from app.triage.queries import is_overdue

from .. import minutes, services
from ..agenda import REASON_FILTERS, follow_up_state
from ..forms import AddItemForm, CloseForm, DecisionForm, FreePointForm, MeetingForm
from ..models import REASONS, AgendaPoint, Meeting
from ..permissions import (
    can_plan_meeting,
    can_read_meeting,
    can_record_decision,
    own_organisation,
)
from . import bp


def _meeting(meeting_id):
    return db.session.get(Meeting, meeting_id) or abort(404)


def _point(meeting, point_id):
    point = db.session.get(AgendaPoint, point_id)
    if point is None or point.meeting_id != meeting.id:
        abort(404)
    return point


def _meetings_page(form, status=200):
    return render_template("committee/meetings.html", meetings=services.all_meetings(),
                           form=form, may_plan=can_plan_meeting(current_user)), status


@bp.route("/reunions")
@requires(can_read_meeting)
def meetings():
    """Every meeting, the latest first; the coordination plans the next one here."""
    return _meetings_page(MeetingForm())


@bp.route("/reunions", methods=["POST"])
@requires(can_plan_meeting)
def create_meeting():
    form = MeetingForm()
    if form.validate_on_submit():
        try:
            meeting = services.create_meeting(current_user, form.data)
        except DomainError as refused:
            db.session.rollback()
            show_refusal(form, refused)
        else:
            db.session.commit()
            flash(_("Réunion créée. Générez son ordre du jour à partir des données."),
                  "success")
            return redirect(url_for("committee.meeting", meeting_id=meeting.id), 303)
    return _meetings_page(form, 422)


def _decision_form(point, organisations, failed=None):
    if failed is not None and failed.point.id == point.id:
        form = failed
    else:
        form = DecisionForm(point, formdata=None, data={
            "point_version": point.version,
            "item_version": point.item.version if point.item is not None else None})
    form.set_organisations(organisations)
    return form


def _meeting_page(meeting, failed=None, status=200, add_item=None, free_point=None):
    organisations = all_organisations()
    today = paris_today()
    may_record = can_record_decision(current_user) and not meeting.is_closed
    return render_template(
        "committee/meeting.html", meeting=meeting, reasons=REASONS,
        reason_filters=REASON_FILTERS, iso_day=date.fromisoformat,
        status_labels=STATUS_LABELS, categories=CATEGORIES,
        is_overdue=lambda item: is_overdue(item, today),
        follow_up=lambda point: follow_up_state(point.follows.decision, today),
        forms={p.id: _decision_form(p, organisations, failed) for p in meeting.points
               if p.decision is None} if may_record else {},
        may_plan=can_plan_meeting(current_user) and not meeting.is_closed,
        add_item=add_item or AddItemForm(prefix="add"),
        free_point=free_point or FreePointForm(prefix="free"),
        close_form=CloseForm(data={"attendees": meeting.attendees, "notes": meeting.notes}),
    ), status


@bp.route("/reunions/<int:meeting_id>")
@requires(can_record_decision)
def meeting(meeting_id):
    """The meeting as it runs: the agenda, each item's state now, a decision per point."""
    return _meeting_page(_meeting(meeting_id))


def _done(meeting, message, anchor=None):
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("committee.meeting", meeting_id=meeting.id, _anchor=anchor), 303)


@bp.route("/reunions/<int:meeting_id>/ordre-du-jour", methods=["POST"])
@requires(can_plan_meeting)
def generate_agenda(meeting_id):
    meeting = _meeting(meeting_id)
    points = services.generate_agenda(current_user, meeting)
    return _done(meeting, _("Ordre du jour généré : %(n)d point(s).", n=len(points)))


@bp.route("/reunions/<int:meeting_id>/points", methods=["POST"])
@requires(can_plan_meeting)
def add_point(meeting_id):
    """Add an item by its number (`add-reference`) or a free point (`free-title`)."""
    meeting = _meeting(meeting_id)
    free = "free-title" in request.form
    form = FreePointForm(prefix="free") if free else AddItemForm(prefix="add")
    if form.validate_on_submit():
        try:
            if free:
                point = services.add_free_point(current_user, meeting, form.title.data)
            else:
                point = services.add_item_point(current_user, meeting, form.reference.data)
        except DomainError as refused:
            db.session.rollback()
            show_refusal(form, refused)
        else:
            return _done(meeting, _("Point ajouté à l'ordre du jour."), f"point-{point.id}")
    return _meeting_page(_meeting(meeting_id), status=422,
                         **({"free_point": form} if free else {"add_item": form}))


@bp.route("/reunions/<int:meeting_id>/points/<int:point_id>/retirer", methods=["POST"])
@requires(can_plan_meeting)
def remove_point(meeting_id, point_id):
    meeting = _meeting(meeting_id)
    services.remove_point(current_user, _point(meeting, point_id))
    return _done(meeting, _("Point retiré de l'ordre du jour."))


@bp.route("/reunions/<int:meeting_id>/points/<int:point_id>/deplacer", methods=["POST"])
@requires(can_plan_meeting)
def move_point(meeting_id, point_id):
    meeting = _meeting(meeting_id)
    point = _point(meeting, point_id)
    step = -1 if request.form.get("step") == "up" else 1
    services.move_point(current_user, point, step)
    return _done(meeting, _("Ordre du jour réordonné."), f"point-{point.id}")


@bp.route("/reunions/<int:meeting_id>/points/<int:point_id>/decision", methods=["POST"])
@requires(can_record_decision)
def record_decision(meeting_id, point_id):
    """Record the decision on one point; a change by someone else since the page was read
    answers 409 with the point's state now."""
    meeting = _meeting(meeting_id)
    point = _point(meeting, point_id)
    form = DecisionForm(point)
    form.set_organisations(all_organisations())
    if not form.validate_on_submit():
        return _meeting_page(meeting, form, 422)
    try:
        services.record_decision(
            current_user, point, organisation=find_organisation(form.organisation.data or ""),
            due_on=form.due_on.data, note=form.note.data or "",
            item_version=form.item_version.data, point_version=form.point_version.data)
        db.session.commit()
    except DomainError as refused:
        db.session.rollback()
        show_refusal(form, refused)
        return _meeting_page(_meeting(meeting_id), form, refused.status)
    except (StaleDataError, IntegrityError):
        db.session.rollback()
        form.form_errors.append(_("Quelqu'un d'autre vient d'enregistrer une décision sur ce "
                                  "point ou de modifier ce signalement : voici leur état "
                                  "actuel."))
        return _meeting_page(_meeting(meeting_id), form, 409)
    flash(_("Décision enregistrée pour le point %(n)d.", n=point.position), "success")
    return redirect(url_for("committee.meeting", meeting_id=meeting.id,
                            _anchor=f"point-{point.id}"), 303)


@bp.route("/reunions/<int:meeting_id>/cloture", methods=["POST"])
@requires(can_plan_meeting)
def close_meeting(meeting_id):
    meeting = _meeting(meeting_id)
    form = CloseForm()
    if not form.validate_on_submit():
        return _meeting_page(meeting, status=422)
    services.close_meeting(current_user, meeting, form.attendees.data, form.notes.data)
    db.session.commit()
    flash(_("Compte rendu clos."), "success")
    return redirect(url_for("committee.minutes", meeting_id=meeting.id), 303)


def _minutes_scope():
    """None (every decision), or the agent's organisation; asking for another is refused."""
    own = own_organisation(current_user)
    asked = request.args.get("organisation")
    if own is not None and asked and asked != own.code:
        raise NotAllowed(_("Vous ne voyez que les décisions qui concernent votre organisme "
                           "(%(org)s).", org=own.name), "organisation")
    if own is None and asked:
        return find_organisation(asked) or abort(404)
    return own


@bp.route("/reunions/<int:meeting_id>/compte-rendu", endpoint="minutes")
@requires(can_read_meeting)
def minutes_page(meeting_id):
    """The minutes: attendees, notes, every decision, the follow-ups."""
    meeting = _meeting(meeting_id)
    organisation = _minutes_scope()
    return render_template(
        "committee/minutes.html", meeting=meeting, organisation=organisation,
        rows=minutes.decision_rows(meeting, organisation),
        follow_ups=minutes.follow_ups(meeting, organisation),
        subject=minutes.point_subject,
        query={"organisation": organisation.code} if organisation else {})


@bp.route("/reunions/<int:meeting_id>/compte-rendu.pdf")
@requires(can_read_meeting)
def minutes_pdf(meeting_id):
    meeting = _meeting(meeting_id)
    return Response(minutes.minutes_pdf(meeting, _minutes_scope()), mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="comite-gusp-'
                                                    f'{meeting.held_on:%Y-%m-%d}.pdf"'})


@bp.route("/reunions/<int:meeting_id>/decisions.csv")
@requires(can_read_meeting)
def decisions_csv(meeting_id):
    """The decisions as a CSV for French spreadsheets (an agent's: its organisation's)."""
    meeting = _meeting(meeting_id)
    return csv_response(minutes.decision_rows(meeting, _minutes_scope()), minutes.CSV_COLUMNS,
                        f"decisions-comite-gusp-{meeting.held_on:%Y-%m-%d}.csv", FRENCH)
