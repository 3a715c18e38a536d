"""Photos made safe: sniffed type, size and pixel limits, auto-oriented, re-encoded without
any metadata (EXIF, XMP, GPS), at most 2048 px, plus a thumbnail; stored under random names
outside static/.

Decoding costs far more than the upload (a 38 KB PNG can hold 40 megapixels), so it is
bounded: a JPEG is decoded straight at the size kept, the largest of its 1/1, 1/2, 1/4 or
1/8 scales within MAX_SIDE (draft mode: a 12-megapixel 4000 x 3000 photo is decoded, and
kept, at 2000 x 1500, then encoded once), no photo decodes to more than
MAX_DECODED_PIXELS (so a request of three photos decodes at most three times that), and
at most CONCURRENT_PHOTOS photos are worked on at once in a process; other requests,
/healthz first, are served meanwhile.

Files belong to the database transaction that wrote them: written under a temporary name
then renamed (a full disk leaves no partial file and answers 507), removed if the
transaction rolls back, while files a change replaces are deleted only once it commits.
`flask photos sweep` removes whatever no row refers to.
"""

import errno
import io
import os
import secrets
import threading
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

from flask_babel import gettext as _
from flask_sqlalchemy.session import Session
from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import event

from app.errors import DomainError
from app.extensions import db

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
# 4096 x 4096: every JPEG within MAX_PIXELS decodes to less in draft mode; PNG and WebP
# cannot be decoded at a reduced scale, so larger ones are refused.
MAX_DECODED_PIXELS = 4096 * 4096
MAX_SIDE = 2048
THUMB_SIDE = 480
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}
MAX_PHOTOS = 3
CONCURRENT_PHOTOS = 1
PHOTO_WAIT_S = 20  # then the request is answered 503, well before a worker timeout
NO_SPACE = (errno.ENOSPC, errno.EDQUOT)
TEMPORARY_SUFFIX = ".part"  # a file being written; renamed once complete

_photo_work = threading.BoundedSemaphore(CONCURRENT_PHOTOS)
_NEW_FILES, _DOOMED_FILES = "arpenteur_new_files", "arpenteur_doomed_files"


class PhotoRefused(Exception):
    def __init__(self, message):
        super().__init__(message)
        self.message = message


class StorageFull(DomainError):
    """The disk holding UPLOAD_DIR is full: nothing was saved."""

    status = 507

    def __init__(self):
        super().__init__(_("Le serveur n'a plus de place pour enregistrer les photos : rien "
                           "n'a été enregistré. Réessayez plus tard ou envoyez sans photo."),
                         "photo")


class PhotosBusy(DomainError):
    """Too many photos are being worked on in this process right now."""

    status = 503

    def __init__(self):
        super().__init__(_("Trop de photos sont en cours de traitement : rien n'a été "
                           "enregistré. Réessayez dans une minute."), "photo")


@dataclass
class SafePhoto:
    image: bytes
    thumbnail: bytes
    width: int
    height: int


def _jpeg(image):
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)  # a fresh file: no metadata copied
    return out.getvalue()


def _draft_size(width, height):
    """The size a JPEG decodes to at the largest of its scales within MAX_SIDE (down to
    1/8; a larger reduction is left to the resampling that follows)."""
    scale = 1
    while scale < 8 and max(width, height) > MAX_SIDE * scale:
        scale *= 2
    return max(1, width // scale), max(1, height // scale)


def _decode(data, name):
    """The image, decoded at the size kept (a JPEG) or reduced to it, at most MAX_SIDE,
    oriented; raises PhotoRefused."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data))
            if probe.format not in ACCEPTED_FORMATS:
                raise PhotoRefused(_("%(name)s n'est pas une photo JPEG, PNG ou WebP.", name=name))
            if probe.width * probe.height > MAX_PIXELS:
                raise PhotoRefused(_("%(name)s est trop grande (plus de 40 mégapixels).",
                                     name=name))
            if probe.format == "JPEG":
                probe.draft(probe.mode, _draft_size(*probe.size))
            if probe.width * probe.height > MAX_DECODED_PIXELS:
                raise PhotoRefused(_(
                    "%(name)s est trop grande pour être traitée (plus de 16 mégapixels en PNG "
                    "ou WebP) : envoyez-la en JPEG ou réduisez-la.", name=name))
            probe.load()  # decodes everything: a truncated file fails here
            image = probe if probe.mode == "RGB" else probe.convert("RGB")
            image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
            return ImageOps.exif_transpose(image)
    except PhotoRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoRefused(_("%(name)s est trop grande (plus de 40 mégapixels).",
                             name=name)) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise PhotoRefused(_("%(name)s n'est pas une image lisible (fichier abîmé ou d'un "
                             "autre type).", name=name)) from None


def make_safe(data, filename=""):
    """Check and re-encode the bytes of an uploaded photo; raise PhotoRefused with a reason,
    or PhotosBusy when this process has been working on other photos for too long."""
    name = filename or _("la photo")
    if len(data) > MAX_BYTES:
        raise PhotoRefused(_("%(name)s dépasse 10 Mo.", name=name))
    if not _photo_work.acquire(timeout=PHOTO_WAIT_S):
        raise PhotosBusy()
    try:
        image = _decode(data, name)
        thumbnail = image.copy()
        thumbnail.thumbnail((THUMB_SIDE, THUMB_SIDE), Image.Resampling.LANCZOS)
        return SafePhoto(_jpeg(image), _jpeg(thumbnail), image.width, image.height)
    finally:
        _photo_work.release()


def _session_files(key):
    """Files waiting for the outcome of the current transaction."""
    return db.session.info.setdefault(key, [])


def store(upload_dir, content):
    """Write `content` under a fresh random name in `upload_dir`; return the name.

    The file belongs to the current transaction: removed if it rolls back. A full disk
    raises StorageFull and leaves nothing behind.
    """
    folder = Path(upload_dir)
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{secrets.token_hex(16)}.jpg"
    temporary = folder / f".{name}{TEMPORARY_SUFFIX}"
    try:
        with open(temporary, "xb") as out:
            out.write(content)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, folder / name)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        if error.errno in NO_SPACE:
            raise StorageFull() from error
        raise
    _session_files(_NEW_FILES).append(folder / name)
    return name


def attach_photo(item, safe, alt_text=""):
    """Store a SafePhoto's files under random names and attach it to `item`; return it."""
    from flask import current_app

    from .models import Photo

    upload_dir = current_app.config["UPLOAD_DIR"]
    photo = Photo(stored_name=store(upload_dir, safe.image),
                  thumbnail_name=store(upload_dir, safe.thumbnail),
                  width=safe.width, height=safe.height, alt_text=alt_text)
    item.photos.append(photo)
    return photo


def discard(upload_dir, *names):
    """Delete these files once the current transaction commits (a rollback keeps them,
    as the rows still point to them)."""
    _session_files(_DOOMED_FILES).extend(Path(upload_dir) / name for name in names)


@event.listens_for(Session, "after_commit")
def _keep_files_of_commit(session):
    session.info.pop(_NEW_FILES, None)
    for path in session.info.pop(_DOOMED_FILES, []):
        path.unlink(missing_ok=True)


@event.listens_for(Session, "after_transaction_end")
def _remove_files_of_rollback(session, transaction):
    if transaction.parent is not None:
        return  # a savepoint: its files follow the whole transaction
    for path in session.info.pop(_NEW_FILES, []):
        path.unlink(missing_ok=True)
    session.info.pop(_DOOMED_FILES, None)


def sweep(upload_dir, referenced, older_than_s, remove=True):
    """The files of `upload_dir` that no name in `referenced` points to and that are older
    than `older_than_s` (a request may still be writing newer ones), removed unless
    `remove` is false; return [(name, bytes)]."""
    found = []
    folder = Path(upload_dir)
    if not folder.is_dir():
        return found
    limit = time.time() - older_than_s
    for path in sorted(folder.iterdir()):
        if not path.is_file() or path.name in referenced:
            continue
        stat = path.stat()
        if stat.st_mtime <= limit:
            if remove:
                path.unlink(missing_ok=True)
            found.append((path.name, stat.st_size))
    return found
