"""The conseil citoyen's pages: the queue, one item under review, flags, and the
publicity of categories (administrators)."""

from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
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
from app.items.services import InvalidItem, set_category_publicity
from app.items.status import STATUS_LABELS, VISIBILITY_LABELS
from app.permissions import open_to_anyone, requires
from app.proposals.models import Comment

from . import masking, queries, services
from .forms import (
    CommentTextForm,
    DecisionForm,
    FlagForm,
    MergeForm,
    TextForm,
    ZonesForm,
)
from .models import REGION_KINDS
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


def _zones_form(photo, formdata=None):
    """One form of rectangles per photo, its fields prefixed so that ids stay unique on the
    page: the photo's regions, then one blank for a new rectangle."""
    form = ZonesForm(formdata=formdata, prefix=f"photo{photo.id}")
    if formdata is None:
        for region in masking.regions_of(photo):
            form.zones.append_entry({
                "region": region.id, "x": region.x, "y": region.y, "width": region.width,
                "height": region.height,
                "decision": {"masked": "mask", "dismissed": "dismiss"}.get(region.state)})
        form.zones.append_entry()
    return form


def _photo_panel(photo, number, form=None):
    """What the page shows of one photo under review; `form` is a refused submission, shown
    again with one more blank for a new rectangle."""
    if form is not None:
        form.zones.append_entry()
    regions = {region.id: region for region in masking.regions_of(photo)}
    detection = masking.detection_of(photo)
    return {"photo": photo, "number": number, "form": form or _zones_form(photo),
            "regions": regions, "detection": detection,
            "detection_note": masking.detection_note(detection),
            "undecided": [r for r in regions.values() if r.state == "suggested"]}


def _review(item, status=200, **forms):
    """The review page; `forms` holds the submitted form that failed, if any."""
    forms.setdefault("decision", DecisionForm(formdata=None, prefix="decision"))
    forms.setdefault("text", TextForm(formdata=None, prefix="text", data={
        "title": item.title, "description": item.description}))
    forms.setdefault("merge", MergeForm(formdata=None, prefix="merge"))
    failed_zones = forms.pop("zones", {})
    panels = [_photo_panel(photo, number, failed_zones.get(photo.id))
              for number, photo in enumerate(item.photos, start=1)]
    revisions = services.revisions_of(item)
    return render_template(
        "moderation/review.html", item=item, forms=forms, panels=panels,
        region_kinds=REGION_KINDS,
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
        if form.action.data == "publish":
            masking.analyse_pending(item.photos)
            db.session.commit()
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


def _photo_or_404(photo_id):
    return db.session.get(Photo, photo_id) or abort(404)


def _photo_anchor(photo):
    return url_for("moderation.review", item_id=photo.item_id, _anchor=f"photo-{photo.id}")


@bp.route("/moderation/photos/<int:photo_id>/masque", methods=["POST"])
@requires(can_moderate_item)
def mask_photo(photo_id):
    photo = _photo_or_404(photo_id)
    form = _zones_form(photo, request.form)
    if form.validate_on_submit():
        try:
            services.mask_photo(current_user, photo, form.submitted_zones())
        except InvalidItem as refused:
            db.session.rollback()
            form.form_errors.extend(refused.errors.values())
        else:
            db.session.commit()
            flash(_("Zones enregistrées : l'aperçu montre la photo telle qu'elle sera "
                    "publiée."), "success")
            return redirect(_photo_anchor(photo))
    return _review(photo.item, 422, zones={photo.id: form})


@bp.route("/moderation/photos/<int:photo_id>/detection", methods=["POST"])
@requires(can_moderate_item)
def detect_regions(photo_id):
    """Run the face and plate detector on a photo (once); JSON for the page's script, a
    redirect for a form."""
    photo = _photo_or_404(photo_id)
    detection = masking.analyse_photo(photo)
    db.session.commit()
    if request.accept_mimetypes.best == "application/json":
        return {"state": detection.state, "note": masking.detection_note(detection),
                "regions": [{"id": r.id, "kind": r.kind, "label": str(REGION_KINDS[r.kind]),
                             "state": r.state, "box": r.box}
                            for r in masking.regions_of(photo)]}
    flash(masking.detection_note(detection),
          "error" if detection.state == "failed" else "success")
    return redirect(_photo_anchor(photo))


@bp.route("/moderation/photos/<int:photo_id>/original")
@requires(can_moderate_item)
def original_photo(photo_id):
    """The photo as it was sent, for the moderators who draw the regions to blur."""
    photo = _photo_or_404(photo_id)
    response = send_from_directory(Path(current_app.config["UPLOAD_DIR"]),
                                   masking.unmasked_name(photo), mimetype="image/jpeg")
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/moderation/photos/<int:photo_id>/decision", methods=["POST"])
@requires(can_moderate_item)
def decide_photo(photo_id):
    photo = _photo_or_404(photo_id)
    form = DecisionForm(prefix="decision")
    if form.validate_on_submit():
        if form.action.data == "publish":
            masking.analyse_pending([photo])
            db.session.commit()
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
                    set_category_publicity(current_user, code, wanted)
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
