import io

import pytest
from PIL import Image

from app.items.photos import MAX_SIDE, PhotoRefused, make_safe
from tests import images


def _open(data):
    return Image.open(io.BytesIO(data))


def test_a_jpeg_loses_all_metadata_gps_included():
    original = _open(images.jpeg())
    assert images.GPS_IFD in original.getexif()
    safe = make_safe(images.jpeg(), "photo.jpg")
    cleaned = _open(safe.image)
    assert cleaned.format == "JPEG"
    assert dict(cleaned.getexif()) == {}
    assert "xmp" not in cleaned.info and "exif" not in cleaned.info


def test_the_orientation_is_applied_before_the_metadata_goes():
    safe = make_safe(images.jpeg(width=64, height=32, orientation=6))  # "rotate 90° CW"
    assert (safe.width, safe.height) == (32, 64)


def test_large_photos_are_reduced_and_get_a_thumbnail():
    safe = make_safe(images.jpeg(width=4000, height=1000, gps=False))
    assert (safe.width, safe.height) == (2000, 500)  # its half scale, the largest in MAX_SIDE
    assert max(safe.width, safe.height) <= MAX_SIDE
    assert max(_open(safe.thumbnail).size) == 480


@pytest.mark.parametrize("make", [images.png, images.webp])
def test_png_and_webp_are_accepted_whatever_their_name(make):
    assert _open(make_safe(make(), "renamed.txt").image).format == "JPEG"


@pytest.mark.parametrize("data, message", [
    (images.gif(), "n'est pas une photo JPEG, PNG ou WebP"),
    (b"%PDF-1.4 not an image at all", "n'est pas une image lisible"),
    (images.jpeg()[:200], "n'est pas une image lisible"),  # truncated
    (images.bomb(), "plus de 40 mégapixels"),
    (b"\xff" * (10 * 1024 * 1024 + 1), "dépasse 10 Mo"),
])
def test_bad_files_are_refused_with_a_reason_naming_them(app, data, message):
    with app.test_request_context(), pytest.raises(PhotoRefused) as refused:
        make_safe(data, "pris.jpg")
    assert message in refused.value.message and "pris.jpg" in refused.value.message
