"""Working pages: the coordination's triage queue, an organisation's queue, an item's
working page with the moves the person may make, and the author's reopening."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from app.auth.services import all_organisations, find_organisation
from app.errors import DomainError
from app.extensions import db
from app.inputs import parse_int
from app.items.categories import CATEGORIES
from app.items.models import Item
from app.items.pagination import COUNT_CAP
from app.items.permissions import can_read_internal_notes, can_read_moderation_log
from app.items.public_view import location_of
from app.items.services import item_for_tracking
from app.items.status import STATUS_LABELS, TRANSITIONS, Status
from app.moderation.queries import decisions_about
from app.permissions import open_to_anyone, requires
from app.places.wording import describe_point

from . import queries, services
from .cursors import page_links, read_from_address
from .forms import MOVE_LABELS, MoveForm, ReopenForm
from .permissions import (
    allowed_moves,
    can_act_on_item,
    can_handle_item,
    can_triage,
    can_view_triage_queue,
    can_work_items,
    can_work_organisation_queue,
)

bp = Blueprint("triage", __name__, url_prefix="/gestion")
# Fields a refusal can point at on the page; other refusals show above the form.
FIELDS_SHOWN = {"note", "internal_note", "organisation", "expected_date", "duplicate_of", "photo"}


def _filters(statuses):
    wanted = {name: request.args.get(name) or None
              for name in ("status", "category", "kind", "suggested")}
    wanted["overdue"] = request.args.get("overdue") == "1"
    wanted["disputed"] = request.args.get("disputed") == "1"
    if wanted["status"] not in {None, *(str(s) for s in statuses)}:
        wanted["status"] = None
    if wanted["category"] not in {None, *CATEGORIES}:
        wanted["category"] = None
    return wanted


def _queue_page(template, statuses, page, filters, **context):
    next_url, first_url = page_links(request.endpoint, page.next_cursor)
    return render_template(
        template, items=page.items, total=page.total, counts=page.counts,
        filters=filters, statuses={s: STATUS_LABELS[s] for s in statuses},
        status_labels=STATUS_LABELS, categories=CATEGORIES, count_cap=COUNT_CAP,
        next_url=next_url, first_url=first_url,
        is_overdue=queries.is_overdue, **context)


@bp.route("/triage")
@requires(can_view_triage_queue)
def triage_queue():
    """New and returned items, oldest first, with filters and counts, a page at a time
    (`apres`: where the page starts); only those who triage get the checkboxes to route
    them."""
    filters = _filters(queries.TRIAGE_STATUSES)
    page = read_from_address(queries.triage_queue, filters)
    return _queue_page("triage/queue.html", queries.TRIAGE_STATUSES, page, filters,
                       organisations=all_organisations(),
                       may_route=can_triage(current_user))


@bp.route("/triage/transmettre", methods=["POST"])
@requires(can_triage)
def route_checked():
    """Bulk: route every checked item to its suggested organisation."""
    ids = [parse_int(v) for v in request.form.getlist("item") if parse_int(v) is not None]
    if not ids:
        flash(_("Cochez au moins un signalement."), "error")
        return redirect(url_for("triage.triage_queue"))
    routed, skipped = services.confirm_suggestions(current_user, services.items_by_ids(ids))
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        flash(_("Un des signalements a été modifié entre-temps : rien n'a été transmis. "
                "Rechargez la liste et recommencez."), "error")
        return redirect(url_for("triage.triage_queue"), 303)
    flash(ngettext("%(num)d signalement transmis à l'organisme proposé.",
                   "%(num)d signalements transmis à l'organisme proposé.", len(routed)), "success")
    if skipped:
        flash(_("Non transmis (pas d'organisme proposé ou état incompatible) : %(refs)s.",
                refs=", ".join(item.reference for item in skipped)), "error")
    return redirect(url_for("triage.triage_queue"), 303)


@bp.route("/organisme")
@requires(can_work_organisation_queue)
def organisation_queue():
    """The open items routed to the agent's organisation, the most urgent first."""
    statuses = queries.AWAITING_RESOLUTION
    filters = _filters(statuses)
    page = read_from_address(queries.organisation_queue, current_user.organisation_id, filters)
    return _queue_page("triage/organisation_queue.html", statuses, page, filters,
                       organisation=current_user.organisation)


def _handled_item(item_id):
    item = db.session.get(Item, item_id)
    if item is None or not can_handle_item(current_user, item):
        abort(404)
    return item


def _move_forms(item, failed=None):
    forms = []
    organisations = all_organisations()
    for move in allowed_moves(current_user, item):
        form = failed if failed is not None and failed.move == move else MoveForm(
            move, formdata=None, data={"version": item.version})
        form.set_organisations(organisations, item.organisation or item.suggested_organisation)
        forms.append(form)
    return forms


def _item_page(item, failed=None, status=200):
    forms = _move_forms(item, failed)
    # A move no longer offered (someone moved the item first) reports above the forms.
    problems = failed.form_errors if failed is not None and failed not in forms else []
    return render_template(
        "triage/item.html", item=item, forms=forms, problems=problems,
        move_labels=MOVE_LABELS, status_labels=STATUS_LABELS, category=CATEGORIES[item.category],
        overdue=queries.is_overdue(item), near=describe_point(item.lon, item.lat),
        location=location_of(item, exact=True),
        internal_notes=can_read_internal_notes(current_user, item),
        decisions=decisions_about(item) if can_read_moderation_log(current_user, item) else []
    ), status


@bp.route("/signalements/<int:item_id>")
@requires(can_work_items)
def item(item_id):
    return _item_page(_handled_item(item_id))


@bp.route("/signalements/<int:item_id>", methods=["POST"])
@requires(can_work_items)
def act(item_id):
    """Make one move on the item (the hidden field `move` says which)."""
    item = _handled_item(item_id)
    move = request.form.get("move", "")
    if move not in {str(s) for s in Status}:
        abort(400)
    if not can_act_on_item(current_user, item, move):
        abort(403)
    form = MoveForm(move)
    form.set_organisations(all_organisations())
    if not form.validate_on_submit():
        return _item_page(item, form, 422)
    photo = form.photo.data
    try:
        services.act_on_item(
            current_user, item, move, note=form.note.data or "",
            internal_note=form.internal_note.data or "",
            organisation=find_organisation(form.organisation.data),
            expected_date=form.expected_date.data,
            duplicate_of=services.find_item(form.duplicate_of.data),
            version=form.version.data,
            after_photo=(photo.filename, photo.read()) if photo and photo.filename else None)
        db.session.commit()
    except DomainError as refused:
        db.session.rollback()
        target = getattr(form, refused.field, None) if refused.field in FIELDS_SHOWN else None
        (target.errors if target is not None else form.form_errors).append(refused.message)
        return _item_page(db.session.get(Item, item_id), form, refused.status)
    except StaleDataError:
        db.session.rollback()
        form.form_errors.append(_("Ce signalement a été modifié par quelqu'un d'autre "
                                  "entre-temps. Voici son état actuel : recommencez si besoin."))
        return _item_page(db.session.get(Item, item_id), form, 409)
    flash(_("C'est fait : « %(label)s ».", label=MOVE_LABELS[move]), "success")
    return redirect(url_for("triage.item", item_id=item.id), 303)


@bp.route("/suivi/<token>/rouvrir", methods=["GET", "POST"])
@open_to_anyone("the secret tracking link is the author's authority over their item")
def reopen_by_author(token):
    """The author says a resolved item is not fixed: it goes back to the organisation."""
    item = item_for_tracking(token)
    if item is None:
        abort(404)
    form = ReopenForm()
    can_reopen = Status.REOPENED in TRANSITIONS[Status(item.status)]
    if can_reopen and form.validate_on_submit():
        services.reopen_item(None, item, form.note.data)
        db.session.commit()
        flash(_("Merci : le signalement est rouvert et retourne à l'organisme concerné."),
              "success")
        return redirect(url_for("items.track", token=token), 303)
    status = 422 if form.errors else (200 if can_reopen else 409)
    return render_template("triage/reopen.html", item=item, form=form, token=token,
                           can_reopen=can_reopen), status
