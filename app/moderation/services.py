"""The conseil citoyen's decisions: publish or hide, edit public text, mask photos, merge
duplicates, take flags, set the publicity of categories. Every decision is logged."""

import hashlib
from pathlib import Path

from flask import current_app, g
from flask_babel import gettext as _
from sqlalchemy import func, select

from app.clock import utcnow
from app.errors import DomainError
from app.extensions import db
from app.items import photos as photo_files
from app.items.services import InvalidItem, move_followers
from app.items.status import Status, TransitionRefused, Visibility, transition
from app.proposals.models import Comment

from .masking import blur_regions, region_inside
from .models import FLAG_REASONS, PUBLICITY, CategoryPublicity, Flag, ModerationEvent, TextRevision

FLAGS_TO_HIDE = 3
EDITABLE = {"item": ("title", "description"), "comment": ("body",)}


def _target_columns(target):
    return {"comment_id" if isinstance(target, Comment) else "item_id": target.id}


def log_decision(actor, action, target, reason="", photo=None):
    """Write one row of the moderation log; `target` is an item or a comment."""
    event = ModerationEvent(action=action, reason=reason or "",
                            photo_id=photo.id if photo else None,
                            actor_id=actor.id if actor else None, **_target_columns(target))
    db.session.add(event)
    return event


def _decide(action, reason):
    if action not in ("publish", "hide"):
        raise InvalidItem({"action": _("Action inconnue : publier ou masquer.")})
    if action == "hide" and not (reason or "").strip():
        raise InvalidItem({"reason": _("Indiquez pourquoi ce contenu est masqué.")})
    return Visibility.PUBLIC.value if action == "publish" else Visibility.HIDDEN.value


def _close_flags(**target):
    for flag in db.session.scalars(select(Flag).filter_by(reviewed_at=None, **target)):
        flag.reviewed_at = utcnow()


def moderate_item(actor, item, action, reason=""):
    """Publish or hide an item; publishing also publishes its pending photos (deleting the
    unmasked originals). Hiding requires a reason. Open flags are closed by the decision."""
    item.visibility = _decide(action, reason)
    if action == "publish":
        for photo in item.photos:
            if photo.visibility == Visibility.PENDING:
                _publish_photo(photo)
    _close_flags(item_id=item.id)
    log_decision(actor, action, item, reason)
    db.session.flush()
    return item


def moderate_comment(actor, comment, action, reason=""):
    comment.visibility = _decide(action, reason)
    _close_flags(comment_id=comment.id)
    log_decision(actor, action, comment, reason)
    db.session.flush()
    return comment


def moderate_photo(actor, photo, action, reason=""):
    """Publish or hide one photo of an item."""
    visibility = _decide(action, reason)
    if action == "publish":
        _publish_photo(photo)
    photo.visibility = visibility
    log_decision(actor, action, photo.item, reason, photo)
    db.session.flush()
    return photo


def _publish_photo(photo):
    photo.visibility = Visibility.PUBLIC.value
    if photo.original_name:
        photo_files.discard(current_app.config["UPLOAD_DIR"], photo.original_name)
        photo.original_name = None


def edit_text(actor, target, field, text, reason=""):
    """Replace the public text of an item (title, description) or a comment (body), keeping
    what it replaces in a revision: the author's original stays recoverable by moderators."""
    kind = "comment" if isinstance(target, Comment) else "item"
    if field not in EDITABLE[kind]:
        raise InvalidItem({"field": _("Ce texte ne peut pas être modifié.")})
    text = (text or "").strip()
    if not text and field != "title":
        raise InvalidItem({field: _("Le texte public ne peut pas être vide : masquez plutôt "
                                    "le contenu.")})
    before = getattr(target, field) or ""
    if text == before:
        return None
    revision = TextRevision(field=field, before=before, after=text,
                            editor_id=actor.id if actor else None, **_target_columns(target))
    db.session.add(revision)
    setattr(target, field, (text or None) if field == "title" else text)
    log_decision(actor, "edit", target, reason)
    db.session.flush()
    return revision


def revisions_of(target):
    """The text revisions of an item or a comment, oldest first."""
    column = TextRevision.comment_id if isinstance(target, Comment) else TextRevision.item_id
    return db.session.scalars(select(TextRevision).where(column == target.id)
                              .order_by(TextRevision.id)).all()


def original_text(target, field, revisions=None):
    """What the author wrote, whatever moderators changed since; `revisions` are those of
    `target` when the caller already loaded them (a page shows both)."""
    for revision in revisions if revisions is not None else revisions_of(target):
        if revision.field == field:
            return revision.before
    return getattr(target, field)


def mask_photo(actor, photo, regions, reason=""):
    """Blur rectangles (x, y, width, height in the photo's pixels) of a photo.

    The masked image replaces the served one; the unmasked original is kept only while the
    photo is not public (so a moderator can compare), and deleted when it is published.
    A region that is empty or outside the photo is refused.
    """
    if not regions:
        raise InvalidItem({"regions": _("Indiquez au moins une zone à flouter.")})
    for region in regions:
        if not region_inside(region, photo.width, photo.height):
            raise InvalidItem({"regions": _(
                "La zone à flouter doit être dans la photo (%(w)d × %(h)d pixels).",
                w=photo.width, h=photo.height)})
    upload_dir = current_app.config["UPLOAD_DIR"]
    current = (Path(upload_dir) / photo.stored_name).read_bytes()
    safe = photo_files.make_safe(blur_regions(current, regions))
    replaced = [photo.thumbnail_name]
    if photo.original_name is None:
        photo.original_name = photo.stored_name
    else:
        replaced.append(photo.stored_name)  # an earlier masked version
    photo.stored_name = photo_files.store(upload_dir, safe.image)
    photo.thumbnail_name = photo_files.store(upload_dir, safe.thumbnail)
    if photo.visibility == Visibility.PUBLIC:
        replaced.append(photo.original_name)
        photo.original_name = None
    log_decision(actor, "mask", photo.item, reason, photo)
    db.session.flush()
    # The replaced files go once the rows point elsewhere, that is when the change commits.
    photo_files.discard(upload_dir, *replaced)
    return photo


def merge_items(actor, duplicate, original, note=""):
    """Mark `duplicate` as a duplicate of `original`; its followers follow the original."""
    if original is None or original.id == duplicate.id:
        raise InvalidItem({"original": _("Indiquez un autre signalement, qui existe.")})
    if original.status == Status.DUPLICATE:
        raise InvalidItem({"original": _("Ce signalement est lui-même un doublon : indiquez "
                                         "l'original.")})
    # The status and its original change together (check constraint duplicate_has_original):
    # no flush in between.
    with db.session.no_autoflush:
        duplicate.duplicate_of = original
        try:
            transition(duplicate, Status.DUPLICATE, actor,
                       note or _("Doublon du signalement %(ref)s.", ref=original.reference))
        except TransitionRefused as refused:
            duplicate.duplicate_of = None
            raise InvalidItem({"original": refused.message}) from None
    move_followers(duplicate, original)
    log_decision(actor, "merge", duplicate, note)
    db.session.flush()
    return duplicate


def reporter_key(user, address):
    """Who flags: the account, or a digest of the network address (never stored in clear)."""
    if user is not None:
        return f"user:{user.id}"
    return "addr:" + hashlib.sha256(f"flag:{address}".encode()).hexdigest()


class AlreadyFlagged(DomainError):
    def __init__(self):
        super().__init__(_("Vous avez déjà signalé ce contenu : le conseil citoyen va le "
                           "relire."), "reason")


def flag_content(user, address, target, reason, note=""):
    """Flag public content; the third open flag takes it out of public view for review.

    Raises AlreadyFlagged (409) when this person already flagged it; two racing requests
    of the same person meet the unique constraint, which the caller turns into the same
    answer.
    """
    if reason not in FLAG_REASONS:
        raise InvalidItem({"reason": _("Choisissez une raison.")})
    if not target.is_public:
        raise DomainError(_("Ce contenu n'est pas public."), "target")
    kind = "comment" if isinstance(target, Comment) else "item"
    key, reporter = f"{kind}:{target.id}", reporter_key(user, address)
    if db.session.scalar(select(Flag.id).filter_by(target=key, reporter=reporter)):
        raise AlreadyFlagged()
    column = Flag.comment_id if kind == "comment" else Flag.item_id
    db.session.add(Flag(target=key, reason=reason, note=(note or "").strip()[:1000],
                        reporter=reporter, user_id=user.id if user else None,
                        **{column.key: target.id}))
    db.session.flush()
    open_flags = db.session.scalar(select(func.count(Flag.id)).where(
        column == target.id, Flag.reviewed_at.is_(None)))
    if open_flags >= FLAGS_TO_HIDE:
        target.visibility = Visibility.PENDING.value
        log_decision(None, "flagged", target,
                     _("Masqué après %(n)d signalements, en attente de relecture.", n=open_flags))
        db.session.flush()
    return open_flags


def set_publicity(actor, category, publicity):
    """An administrator sets how public a category is."""
    if publicity not in PUBLICITY:
        raise InvalidItem({"publicity": _("Choisissez une publicité.")})
    row = db.session.get(CategoryPublicity, category) or CategoryPublicity(category=category)
    row.publicity, row.updated_by_id = publicity, actor.id
    db.session.add(row)
    db.session.flush()
    g.pop("category_publicity", None)
    return row
