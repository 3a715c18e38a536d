"""Photos made safe: sniffed type, size and pixel limits, auto-oriented, re-encoded without
any metadata (EXIF, XMP, GPS), at most 2048 px, plus a thumbnail; stored under random names
outside static/."""

import io
import secrets
import warnings
from dataclasses import dataclass
from pathlib import Path

from flask_babel import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
MAX_SIDE = 2048
THUMB_SIDE = 480
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}
MAX_PHOTOS = 3


class PhotoRefused(Exception):
    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass
class SafePhoto:
    image: bytes
    thumbnail: bytes
    width: int
    height: int


def _encode(image, side):
    copy = image.copy()
    copy.thumbnail((side, side), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    copy.save(out, "JPEG", quality=85, optimize=True)  # a fresh file: no metadata copied
    return out.getvalue(), copy.size


def make_safe(data, filename=""):
    """Check and re-encode the bytes of an uploaded photo; raise PhotoRefused with a reason."""
    name = filename or _("la photo")
    if len(data) > MAX_BYTES:
        raise PhotoRefused(_("%(name)s dépasse 10 Mo.", name=name))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data))
            if probe.format not in ACCEPTED_FORMATS:
                raise PhotoRefused(_("%(name)s n'est pas une photo JPEG, PNG ou WebP.", name=name))
            if probe.width * probe.height > MAX_PIXELS:
                raise PhotoRefused(_("%(name)s est trop grande (plus de 40 mégapixels).",
                                     name=name))
            probe.load()  # decodes everything: a truncated file fails here
            image = ImageOps.exif_transpose(probe).convert("RGB")
    except PhotoRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoRefused(_("%(name)s est trop grande (plus de 40 mégapixels).",
                             name=name)) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise PhotoRefused(_("%(name)s n'est pas une image lisible (fichier abîmé ou d'un "
                             "autre type).", name=name)) from None
    full, (width, height) = _encode(image, MAX_SIDE)
    thumbnail, _size = _encode(image, THUMB_SIDE)
    return SafePhoto(full, thumbnail, width, height)


def store(upload_dir, content):
    """Write `content` under a fresh random name in `upload_dir`; return the name."""
    folder = Path(upload_dir)
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{secrets.token_hex(16)}.jpg"
    (folder / name).write_bytes(content)
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
    for name in names:
        (Path(upload_dir) / name).unlink(missing_ok=True)
