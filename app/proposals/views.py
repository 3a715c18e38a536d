"""Proposals, their supports and comments, tables de quartier, and reasoned answers."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from app.auth.permissions import is_signed_in
from app.auth.services import all_organisations
from app.errors import DomainError, NotAllowed
from app.extensions import db, limiter
from app.forms import show_refusal
from app.inputs import parse_int
from app.items.models import Item
from app.items.permissions import can_see_exact_location, can_view_item, sees_staff_view
from app.items.public_view import location_of
from app.items.status import STATUS_LABELS
from app.permissions import current_viewer, open_to_anyone, requires
from app.places.queries import all_places

from . import queries, services
from .forms import AgendaForm, AnswerForm, CommentForm, MeetingForm, OutcomeForm, ProposalForm
from .models import ANSWERS, OUTCOMES, THEMES, AgendaEntry, Comment, TableMeeting
from .permissions import (
    can_answer_proposal,
    can_answer_proposals,
    can_comment_proposal,
    can_edit_comment,
    can_run_tables,
    can_support_proposal,
)

bp = Blueprint("proposals", __name__)


@bp.route("/propositions")
def index():
    proposals = queries.proposals_for(current_viewer())
    return render_template("proposals/index.html", proposals=proposals, themes=THEMES,
                           statuses=STATUS_LABELS)


@bp.route("/propositions/nouvelle", methods=["GET", "POST"])
@open_to_anyone("no account is needed to propose (RGPD); abuse is rate-limited")
@limiter.limit("10 per minute;60 per hour", methods=["POST"])
def new():
    form = ProposalForm()
    form.set_places(all_places())
    if form.validate_on_submit():
        data = {"title": form.title.data, "description": form.description.data or "",
                "place": parse_int(form.place.data)}
        try:
            item, token, _created = services.submit_proposal(
                current_viewer(), data, form.theme.data)
        except DomainError as refused:
            db.session.rollback()
            show_refusal(form, refused)
        else:
            db.session.commit()
            flash(_("Merci ! Votre proposition n° %(ref)s est enregistrée. Elle sera publique "
                    "après relecture par le conseil citoyen.", ref=item.reference), "success")
            return redirect(url_for("items.track", token=token))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("proposals/new.html", form=form), status


def _proposal_or_404(item_id):
    item = db.session.get(Item, item_id)
    if item is None or item.kind != "proposal" or not can_view_item(current_viewer(), item):
        abort(404)
    return item


def _page(item, status=200, comment_form=None, answer_form=None):
    viewer = current_viewer()
    return render_template(
        "proposals/show.html", item=item, proposal=item.proposal, themes=THEMES,
        location=location_of(item, exact=can_see_exact_location(viewer, item)),
        answers=ANSWERS, statuses=STATUS_LABELS, staff=sees_staff_view(viewer, item),
        supports=len(item.supports), supported=queries.supported_by(item, viewer),
        may_support=can_support_proposal(viewer), may_comment=can_comment_proposal(viewer),
        may_answer=can_answer_proposal(viewer, item),
        comments=queries.comments_shown(item, viewer),
        comment_form=comment_form or CommentForm(formdata=None),
        answer_form=answer_form or AnswerForm(formdata=None)), status


@bp.route("/propositions/<int:item_id>")
def show(item_id):
    return _page(_proposal_or_404(item_id))


@bp.route("/propositions/<int:item_id>/soutien", methods=["POST"])
@requires(can_support_proposal)
def support(item_id):
    item = _proposal_or_404(item_id)
    try:
        services.support_proposal(current_user, item)
        db.session.commit()
    except IntegrityError:  # the same person's other session committed first
        db.session.rollback()
        flash(services.AlreadySupported().message, "error")
    except DomainError as refused:
        db.session.rollback()
        flash(refused.message, "error")
    else:
        flash(_("Merci, votre soutien est enregistré."), "success")
    return redirect(url_for("proposals.show", item_id=item.id))


@bp.route("/propositions/<int:item_id>/commentaires", methods=["POST"])
@requires(can_comment_proposal)
def comment(item_id):
    item = _proposal_or_404(item_id)
    form = CommentForm()
    if form.validate_on_submit():
        try:
            services.comment_proposal(current_user, item, form.body.data)
        except DomainError as refused:
            db.session.rollback()
            show_refusal(form, refused)
        else:
            db.session.commit()
            flash(_("Merci : votre commentaire sera public après relecture par le conseil "
                    "citoyen."), "success")
            return redirect(url_for("proposals.show", item_id=item.id))
    return _page(item, 422, comment_form=form)


@bp.route("/commentaires/<int:comment_id>/modifier", methods=["GET", "POST"])
@requires(is_signed_in)
def edit_comment(comment_id):
    found = db.session.get(Comment, comment_id) or abort(404)
    if not can_edit_comment(current_user, found):
        raise NotAllowed(_("Vous ne pouvez modifier que vos propres commentaires."))
    form = CommentForm(data={"body": found.body})
    if form.validate_on_submit():
        services.edit_comment(current_user, found, form.body.data)
        db.session.commit()
        flash(_("Commentaire modifié : il sera de nouveau relu avant d'être public."),
              "success")
        return redirect(url_for("proposals.show", item_id=found.item_id))
    status = 422 if form.errors else 200
    return render_template("proposals/edit_comment.html", form=form, comment=found), status


@bp.route("/propositions/<int:item_id>/reponse", methods=["POST"])
@requires(can_answer_proposals)
def answer(item_id):
    item = _proposal_or_404(item_id)
    if not can_answer_proposal(current_user, item):
        raise NotAllowed(_("Seul l'organisme saisi répond à cette proposition."))
    form = AnswerForm()
    if form.validate_on_submit():
        try:
            services.answer_proposal(current_user, item, form.answer.data, form.text.data)
        except DomainError as refused:
            db.session.rollback()
            show_refusal(form, refused)
        else:
            db.session.commit()
            flash(_("Réponse enregistrée ; les soutiens en sont informés."), "success")
            return redirect(url_for("proposals.show", item_id=item.id))
    return _page(item, 422, answer_form=form)


def _meetings_page(form, status=200):
    return render_template("proposals/meetings.html", meetings=queries.meetings(), form=form,
                           may_run=can_run_tables(current_viewer())), status


@bp.route("/tables-de-quartier")
def meetings():
    """Tables de quartier are open meetings: their agendas and outcomes are public."""
    return _meetings_page(MeetingForm(formdata=None))


@bp.route("/tables-de-quartier", methods=["POST"])
@requires(can_run_tables)
def new_meeting():
    form = MeetingForm()
    if form.validate_on_submit():
        try:
            meeting = services.create_meeting(current_user, form.held_at.data, form.place.data)
        except DomainError as refused:
            db.session.rollback()
            show_refusal(form, refused)
        else:
            db.session.commit()
            flash(_("Réunion enregistrée."), "success")
            return redirect(url_for("proposals.meeting", meeting_id=meeting.id))
    return _meetings_page(form, 422)


def _meeting_page(meeting, status=200, agenda_form=None, outcome_form=None, entry_id=None):
    agenda_form = agenda_form or AgendaForm(formdata=None)
    listed = {entry.item_id for entry in meeting.entries}
    agenda_form.item.choices = [("", _("— Choisir —"))] + [
        (str(p.id), f"{p.reference} · {p.title}") for p in queries.public_proposals()
        if p.id not in listed]
    organisations = [(o.code, o.name) for o in all_organisations()]
    return render_template(
        "proposals/meeting.html", meeting=meeting, agenda_form=agenda_form,
        outcome_form=outcome_form, failed_entry=entry_id, organisations=organisations,
        outcome_choices=OUTCOMES, may_run=can_run_tables(current_viewer()), statuses=STATUS_LABELS,
        new_outcome_form=lambda: OutcomeForm(formdata=None)), status


@bp.route("/tables-de-quartier/<int:meeting_id>")
def meeting(meeting_id):
    return _meeting_page(db.session.get(TableMeeting, meeting_id) or abort(404))


@bp.route("/tables-de-quartier/<int:meeting_id>/ordre-du-jour", methods=["POST"])
@requires(can_run_tables)
def add_to_agenda(meeting_id):
    found = db.session.get(TableMeeting, meeting_id) or abort(404)
    form = AgendaForm()
    form.item.choices = []
    if form.validate_on_submit():
        item = db.session.get(Item, parse_int(form.item.data) or 0)
        try:
            services.add_to_agenda(current_user, found, item)
        except DomainError as refused:
            db.session.rollback()
            show_refusal(form, refused)
        else:
            db.session.commit()
            flash(_("Proposition inscrite à l'ordre du jour."), "success")
            return redirect(url_for("proposals.meeting", meeting_id=found.id))
    return _meeting_page(found, 422, agenda_form=form)


@bp.route("/tables-de-quartier/<int:meeting_id>/decisions/<int:entry_id>", methods=["POST"])
@requires(can_run_tables)
def record_outcome(meeting_id, entry_id):
    entry = db.session.get(AgendaEntry, entry_id)
    if entry is None or entry.meeting_id != meeting_id:
        abort(404)
    form = OutcomeForm()
    if form.validate_on_submit():
        try:
            services.record_outcome(current_user, entry, form.outcome.data, form.reason.data,
                                    form.organisation.data)
        except DomainError as refused:
            db.session.rollback()
            show_refusal(form, refused)
        else:
            db.session.commit()
            flash(_("Décision de la table enregistrée."), "success")
            return redirect(url_for("proposals.meeting", meeting_id=meeting_id))
    return _meeting_page(entry.meeting, 422, outcome_form=form, entry_id=entry.id)
