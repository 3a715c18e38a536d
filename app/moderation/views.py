"""The conseil citoyen's pages: the queue, one item under review, flags, and the
publicity of categories (administrators)."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from app.errors import DomainError
from app.extensions import db, limiter
from app.forms import show_refusal
from app.items import public_view
from app.items.categories import CATEGORIES
from app.items.models import PUBLICITY, Item, Photo
from app.items.permissions import can_moderate_item
from app.items.services import InvalidItem
from app.items.status import STATUS_LABELS, VISIBILITY_LABELS
from app.permissions import open_to_anyone, requires
from app.proposals.models import Comment

from . import queries, services
from .forms import (
    CommentTextForm,
    DecisionForm,
    FlagForm,
    MaskForm,
    MergeForm,
    TextForm,
)
from .permissions import can_set_publicity

bp = Blueprint("moderation", __name__)


@bp.route("/moderation")
@requires(can_moderate_item)
def queue():
    return render_template(
        "moderation/queue.html", items=queries.pending_items(),
        comments=queries.pending_comments(), photos=queries.pending_photos_of_decided_items(),
        flagged=queries.flagged(), categories=CATEGORIES)


def _item_or_404(item_id):
    return db.session.get(Item, item_id) or abort(404)


def _mask_form(photo, formdata=None):
    """One masking form per photo, its fields prefixed so that ids stay unique on the page."""
    return MaskForm(formdata=formdata, prefix=f"photo{photo.id}")


def _review(item, status=200, **forms):
    """The review page; `forms` holds the submitted form that failed, if any."""
    forms.setdefault("decision", DecisionForm(formdata=None, prefix="decision"))
    forms.setdefault("text", TextForm(formdata=None, prefix="text", data={
        "title": item.title, "description": item.description}))
    forms.setdefault("merge", MergeForm(formdata=None, prefix="merge"))
    masks = {photo.id: _mask_form(photo) for photo in item.photos}
    masks.update(forms.pop("masks", {}))
    revisions = services.revisions_of(item)
    return render_template(
        "moderation/review.html", item=item, forms=forms, masks=masks,
        category=CATEGORIES[item.category], statuses=STATUS_LABELS,
        visibilities=VISIBILITY_LABELS, revisions=revisions,
        original_description=services.original_text(item, "description", revisions),
        original_title=services.original_text(item, "title", revisions),
        decisions=queries.decisions_about(item)), status


@bp.route("/moderation/signalements/<int:item_id>")
@requires(can_moderate_item)
def review(item_id):
    return _review(_item_or_404(item_id))


def _done(item, message):
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("moderation.review", item_id=item.id))


@bp.route("/moderation/signalements/<int:item_id>/decision", methods=["POST"])
@requires(can_moderate_item)
def decide_item(item_id):
    item = _item_or_404(item_id)
    form = DecisionForm(prefix="decision")
    if form.validate_on_submit():
        try:
            services.moderate_item(current_user, item, form.action.data, form.reason.data)
        except InvalidItem as refused:
            db.session.rollback()
            show_refusal(form, refused)
        else:
            return _done(item, _("Publié.") if form.action.data == "publish" else _("Masqué."))
    return _review(item, 422, decision=form)


@bp.route("/moderation/signalements/<int:item_id>/texte", methods=["POST"])
@requires(can_moderate_item)
def edit_item_text(item_id):
    item = _item_or_404(item_id)
    form = TextForm(prefix="text")
    if form.validate_on_submit():
        fields = ("title", "description") if item.kind == "proposal" else ("description",)
        try:
            for field in fields:
                services.edit_text(current_user, item, field, getattr(form, field).data,
                                   form.reason.data)
        except InvalidItem as refused:
            db.session.rollback()
            show_refusal(form, refused)
        else:
            return _done(item, _("Texte public modifié ; l'original reste visible des "
                                 "modérateurs."))
    return _review(item, 422, text=form)


@bp.route("/moderation/photos/<int:photo_id>/masque", methods=["POST"])
@requires(can_moderate_item)
def mask_photo(photo_id):
    photo = db.session.get(Photo, photo_id) or abort(404)
    form = _mask_form(photo, request.form)
    if form.validate_on_submit():
        region = (form.x.data, form.y.data, form.width.data, form.height.data)
        try:
            services.mask_photo(current_user, photo, [region])
        except InvalidItem as refused:
            db.session.rollback()
            show_refusal(form, refused)
        else:
            return _done(photo.item, _("Zone floutée."))
    return _review(photo.item, 422, masks={photo.id: form})


@bp.route("/moderation/photos/<int:photo_id>/decision", methods=["POST"])
@requires(can_moderate_item)
def decide_photo(photo_id):
    photo = db.session.get(Photo, photo_id) or abort(404)
    form = DecisionForm(prefix="decision")
    if form.validate_on_submit():
        try:
            services.moderate_photo(current_user, photo, form.action.data, form.reason.data)
        except InvalidItem as refused:
            db.session.rollback()
            show_refusal(form, refused)
        else:
            return _done(photo.item, _("Photo publiée.") if form.action.data == "publish"
                         else _("Photo masquée."))
    return _review(photo.item, 422, decision=form)


@bp.route("/moderation/signalements/<int:item_id>/fusion", methods=["POST"])
@requires(can_moderate_item)
def merge(item_id):
    item = _item_or_404(item_id)
    form = MergeForm(prefix="merge")
    if form.validate_on_submit():
        try:
            services.merge_items(current_user, item, db.session.get(Item, form.original.data),
                                 form.note.data)
        except InvalidItem as refused:
            db.session.rollback()
            show_refusal(form, refused)
        else:
            return _done(item, _("Marqué comme doublon."))
    return _review(item, 422, merge=form)


def _comment_page(comment, status=200, decision=None, text=None):
    revisions = services.revisions_of(comment)
    return render_template(
        "moderation/comment.html", comment=comment, visibilities=VISIBILITY_LABELS,
        decision=decision or DecisionForm(formdata=None, prefix="decision"),
        text=text or CommentTextForm(formdata=None, prefix="text", data={"body": comment.body}),
        revisions=revisions, original=services.original_text(comment, "body", revisions)), status


@bp.route("/moderation/commentaires/<int:comment_id>")
@requires(can_moderate_item)
def review_comment(comment_id):
    return _comment_page(db.session.get(Comment, comment_id) or abort(404))


@bp.route("/moderation/commentaires/<int:comment_id>/decision", methods=["POST"])
@requires(can_moderate_item)
def decide_comment(comment_id):
    comment = db.session.get(Comment, comment_id) or abort(404)
    form = DecisionForm(prefix="decision")
    if form.validate_on_submit():
        try:
            services.moderate_comment(current_user, comment, form.action.data, form.reason.data)
        except InvalidItem as refused:
            db.session.rollback()
            show_refusal(form, refused)
        else:
            db.session.commit()
            flash(_("Commentaire publié.") if form.action.data == "publish"
                  else _("Commentaire masqué."), "success")
            return redirect(url_for("moderation.queue"))
    return _comment_page(comment, 422, decision=form)


@bp.route("/moderation/commentaires/<int:comment_id>/texte", methods=["POST"])
@requires(can_moderate_item)
def edit_comment_text(comment_id):
    comment = db.session.get(Comment, comment_id) or abort(404)
    form = CommentTextForm(prefix="text")
    if form.validate_on_submit():
        try:
            services.edit_text(current_user, comment, "body", form.body.data, form.reason.data)
        except InvalidItem as refused:
            db.session.rollback()
            show_refusal(form, refused)
        else:
            db.session.commit()
            flash(_("Texte public modifié ; l'original reste visible des modérateurs."),
                  "success")
            return redirect(url_for("moderation.review_comment", comment_id=comment.id))
    return _comment_page(comment, 422, text=form)


FLAG_TARGETS = {"signalements": Item, "commentaires": Comment}


@bp.route("/<any(signalements, commentaires):kind>/<int:target_id>/alerte",
          methods=["GET", "POST"])
@open_to_anyone("anyone may flag public content; one flag per person, rate-limited")
@limiter.limit("10 per minute;30 per hour", methods=["POST"])
def flag(kind, target_id):
    target = db.session.get(FLAG_TARGETS[kind], target_id)
    if target is None or not target.is_public:
        abort(404)
    form = FlagForm()
    status = 200
    if form.validate_on_submit():
        viewer = current_user if current_user.is_authenticated else None
        try:
            services.flag_content(viewer, request.remote_addr, target, form.reason.data,
                                  form.note.data)
            db.session.commit()
        except IntegrityError:  # the same person's other request won the race
            db.session.rollback()
            show_refusal(form, services.AlreadyFlagged())
        except DomainError as refused:
            db.session.rollback()
            show_refusal(form, refused)
        else:
            flash(_("Merci : le conseil citoyen va relire ce contenu."), "success")
            item = target if kind == "signalements" else target.item
            return redirect(url_for("items.show", item_id=item.id))
    if form.errors or form.form_errors:
        status = 422
    return render_template("moderation/flag.html", form=form, target=target, kind=kind), status


@bp.route("/admin/publicite", methods=["GET", "POST"])
@requires(can_set_publicity)
def publicity():
    """Administrators choose how public each category is; what the public is shown of the
    items of a changed category is prepared again at once."""
    current = dict(public_view.publicity_map())
    if request.method == "POST":
        try:
            for code in CATEGORIES:
                wanted = request.form.get(code)
                if wanted and wanted != current.get(code, "public"):
                    public_view.set_category_publicity(current_user, code, wanted)
        except DomainError as refused:
            db.session.rollback()
            flash(refused.message, "error")
            return render_template("moderation/publicity.html", categories=CATEGORIES,
                                   current=current, choices=PUBLICITY), 422
        db.session.commit()
        flash(_("Publicité des catégories enregistrée."), "success")
        return redirect(url_for("moderation.publicity"))
    return render_template("moderation/publicity.html", categories=CATEGORIES,
                           current=current, choices=PUBLICITY)
