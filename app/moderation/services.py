"""The conseil citoyen's decisions: publish or hide, edit public text, mask photos, merge
duplicates, take flags. Every decision is logged."""

import hashlib
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select

from app.clock import utcnow
from app.errors import DomainError
from app.extensions import db
from app.items import photos as photo_files
from app.items.public_view import prepare_public_view
from app.items.services import InvalidItem
from app.items.status import Status, TransitionRefused, Visibility, transition
from app.proposals.models import Comment

from . import masking
from .models import FLAG_REASONS, Flag, ModerationEvent, PhotoRegion, TextRevision

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


def _check_photos_publishable(photos):
    """Refuse publication while a photo has a suggestion neither masked nor dismissed; a
    photo the detector has not seen yet is analysed first (a failure does not block)."""
    for number, photo in photos:
        masking.analyse_photo(photo)
        regions = masking.undecided(photo)
        if regions:
            raise InvalidItem({"photos": masking.undecided_message(photo, number, regions)})


def moderate_item(actor, item, action, reason=""):
    """Publish or hide an item; publishing also publishes its pending photos (deleting the
    unmasked originals), and is refused while one of them has a suggested region neither
    masked nor dismissed. Hiding requires a reason. Open flags are closed by the decision."""
    visibility = _decide(action, reason)
    pending = [(number, photo) for number, photo in enumerate(item.photos, start=1)
               if photo.visibility == Visibility.PENDING]
    if action == "publish":
        _check_photos_publishable(pending)
    item.visibility = visibility
    if action == "publish":
        # Prepared again as it goes public, so an item filed while an administrator was
        # changing its category's publicity is never shown by the rule it was filed under.
        prepare_public_view(item)
        for _number, photo in pending:
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
        _check_photos_publishable([(photo.item.photos.index(photo) + 1, photo)])
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


def mask_photo(actor, photo, zones, reason=""):
    """Record a moderator's rectangles on a photo and blur those to mask.

    `zones` is a list of dicts: `region` (id of one of the photo's regions, or None for a
    new rectangle), `box` (x, y, width, height in the photo's pixels) and `decision`
    ("mask", "dismiss", or None to leave a suggestion undecided). A dismissed rectangle of
    the moderator's own is removed. The served photo is redrawn from the unmasked original
    with every masked region blurred, so a mask can also be moved or taken back; the
    original is kept only while the photo is not public. A region that is empty or outside
    the photo refuses the whole set, naming it.
    """
    if not zones:
        raise InvalidItem({"zones": _("Dessinez ou indiquez au moins une zone.")})
    existing = {region.id: region for region in masking.regions_of(photo)}
    for number, zone in enumerate(zones, start=1):
        if not masking.region_inside(zone["box"], photo.width, photo.height):
            raise InvalidItem({"zones": _(
                "La zone %(n)d doit être dans la photo (%(w)d × %(h)d pixels) et mesurer au "
                "moins un pixel de côté.", n=number, w=photo.width, h=photo.height)})
        if zone["region"] is not None and zone["region"] not in existing:
            raise InvalidItem({"zones": _("La zone %(n)d n'existe plus : rechargez la page.",
                                          n=number)})
    for zone in zones:
        region = existing.get(zone["region"])
        if region is None:
            if zone["decision"] == "dismiss":
                continue
            region = PhotoRegion(photo_id=photo.id, kind="manual", state="suggested")
            db.session.add(region)
        region.x, region.y, region.width, region.height = zone["box"]
        if zone["decision"] == "dismiss" and region.kind == "manual":
            db.session.delete(region)
        elif zone["decision"] in ("mask", "dismiss") or region.kind == "manual":
            region.state = "dismissed" if zone["decision"] == "dismiss" else "masked"
            region.decided_by_id = actor.id if actor else None
    db.session.flush()
    masked = _redraw(photo)
    dismissed = sum(zone["decision"] == "dismiss" for zone in zones)
    # French uses the singular for 0 too: zero counts are worded apart, never pluralised.
    summary = [ngettext("%(num)d zone floutée.", "%(num)d zones floutées.", masked)
               if masked else _("Aucune zone floutée."),
               ngettext("%(num)d zone écartée.", "%(num)d zones écartées.", dismissed)
               if dismissed else ""]
    log_decision(actor, "mask", photo.item, reason or " ".join(filter(None, summary)), photo)
    db.session.flush()
    return photo


def _redraw(photo):
    """Serve the unmasked original with every masked region blurred. Files go only once
    the rows point elsewhere: a failed commit leaves stray files, never a row without its
    file. Returns how many regions are blurred."""
    upload_dir = current_app.config["UPLOAD_DIR"]
    base_name = masking.unmasked_name(photo)
    base = (Path(upload_dir) / base_name).read_bytes()
    boxes = [region.box for region in masking.regions_of(photo) if region.state == "masked"]
    safe = photo_files.make_safe(masking.blur_regions(base, boxes) if boxes else base)
    replaced = [photo.thumbnail_name]
    if photo.original_name is not None:
        replaced.append(photo.stored_name)  # an earlier masked version
    if photo.visibility == Visibility.PUBLIC:  # public: no unmasked copy is kept
        replaced.append(base_name)
        photo.original_name = None
    else:
        photo.original_name = base_name
    photo.stored_name = photo_files.store(upload_dir, safe.image)
    photo.thumbnail_name = photo_files.store(upload_dir, safe.thumbnail)
    db.session.flush()
    photo_files.discard(upload_dir, *set(replaced))
    return len(boxes)


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
    following = {(f.user_id, f.email) for f in original.followers}
    for follower in list(duplicate.followers):
        if (follower.user_id, follower.email) not in following:
            duplicate.followers.remove(follower)
            original.followers.append(follower)
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

