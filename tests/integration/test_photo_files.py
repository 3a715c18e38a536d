"""Photo files follow their transaction: a failed request leaves none, a full disk answers
507 in French and leaves no partial file, `flask photos sweep` removes what no row names,
and decoding is bounded (draft mode for JPEG, pixels for PNG)."""

import errno
import io
import json
import os
import time
from pathlib import Path

import pytest
from PIL import Image, ImageFile
from sqlalchemy import func, select

from app.extensions import db
from app.items import photos
from app.items.models import Item
from app.moderation import services as moderation
from tests import images
from tests.conftest import INSIDE, csrf_token, make_item, make_user, page_text


def files(app):
    return {path.name for path in Path(app.config["UPLOAD_DIR"]).iterdir()}


def post_with_photos(client, count=3, **properties):
    feature = {"type": "Feature", "geometry": {"type": "Point", "coordinates": list(INSIDE)},
               "properties": {"kind": "gusp", "category": "proprete", "description": "Sacs",
                              **properties}}
    return client.post("/api/v1/items", content_type="multipart/form-data", data={
        "item": json.dumps(feature),
        "photo": [(io.BytesIO(images.jpeg(width=300, height=200)), f"p{n}.jpg")
                  for n in range(count)]})


def count_items():
    return db.session.scalar(select(func.count(Item.id)))


@pytest.fixture
def full_disk(monkeypatch):
    """The disk fills up while the `after`-th file is being written (0: the first)."""
    def fill_after(after):
        written = []
        real_fsync = os.fsync

        def fsync(descriptor):
            written.append(descriptor)
            if len(written) > after:
                raise OSError(errno.ENOSPC, "No space left on device")
            real_fsync(descriptor)

        monkeypatch.setattr(photos.os, "fsync", fsync)
    return fill_after


def test_a_failed_insert_after_the_photos_were_written_leaves_no_file(app, client):
    before = files(app)
    # The spot is refused when the row is flushed, after the six files were written.
    response = post_with_photos(client, spot="x" * 31)
    assert response.status_code == 422 and list(response.get_json()["errors"]) == ["spot"]
    assert files(app) == before and count_items() == 0


def test_a_full_disk_answers_507_in_french_and_leaves_no_partial_file(app, client, full_disk):
    before = files(app)
    full_disk(after=3)  # the second photo's thumbnail does not fit
    response = post_with_photos(client)
    assert response.status_code == 507
    assert response.get_json()["errors"]["photo"].startswith(
        "Le serveur n'a plus de place pour enregistrer les photos")
    assert files(app) == before and count_items() == 0


def test_a_full_disk_keeps_what_was_typed_on_the_form(app, client, full_disk):
    before = files(app)
    token = csrf_token(client, "/signaler")
    full_disk(after=0)
    response = client.post("/signaler", content_type="multipart/form-data", data={
        "csrf_token": token, "kind": "gusp", "category": "proprete",
        "description": "Matelas devant le hall B", "lon": str(INSIDE[0]),
        "lat": str(INSIDE[1]), "photo": [(io.BytesIO(images.jpeg()), "p.jpg")]})
    assert response.status_code == 507
    text = page_text(response)
    assert "n'a plus de place" in text and "Matelas devant le hall B" in text
    assert files(app) == before and count_items() == 0


def test_masking_rolled_back_keeps_the_files_the_rows_still_name(app):
    item = make_item(photos=[("p.jpg", images.jpeg(width=300, height=200))])
    photo = item.photos[0]
    served, thumbnail = photo.stored_name, photo.thumbnail_name
    before = files(app)
    moderation.mask_photo(make_user("moderator"), photo,
                          [{"region": None, "box": (0, 0, 50, 50), "decision": "mask"}])
    db.session.rollback()
    assert files(app) == before  # the masked files went, the served ones stayed
    photo = db.session.get(type(photo), photo.id)
    assert (photo.stored_name, photo.thumbnail_name) == (served, thumbnail)


def test_sweep_removes_old_files_no_row_names_and_reports_them(app):
    kept = make_item(photos=[("p.jpg", images.jpeg())]).photos[0]
    folder = Path(app.config["UPLOAD_DIR"])
    stray, partial, fresh = (folder / "stray.jpg", folder / ".abc.jpg.part",
                             folder / "fresh.jpg")
    for path in (stray, partial, fresh):
        path.write_bytes(b"debris")
    hours_ago = time.time() - 2 * 3600
    for path in (stray, partial, folder / kept.stored_name):
        os.utime(path, (hours_ago, hours_ago))
    runner = app.test_cli_runner()
    listed = runner.invoke(args=["photos", "sweep", "--dry-run"])
    assert "would remove stray.jpg (6 bytes)" in listed.output and stray.exists()
    result = runner.invoke(args=["photos", "sweep"])
    assert result.exit_code == 0, result.output
    assert "removed stray.jpg (6 bytes)" in result.output
    assert "removed .abc.jpg.part (6 bytes)" in result.output
    assert not stray.exists() and not partial.exists()
    assert fresh.exists()  # perhaps a request still writing: too young to judge
    assert (folder / kept.stored_name).exists() and (folder / kept.thumbnail_name).exists()
    fresh.unlink()


def encoded(fmt, size, mode="RGB"):
    out = io.BytesIO()
    Image.new(mode, size, 128).save(out, fmt)
    return out.getvalue()


def test_a_large_jpeg_is_decoded_at_the_size_kept(monkeypatch):
    decoded = []
    real_load = ImageFile.ImageFile.load

    def load(image):
        decoded.append(image.size)
        return real_load(image)

    monkeypatch.setattr(ImageFile.ImageFile, "load", load)
    safe = photos.make_safe(encoded("JPEG", (6300, 6300)))
    assert (safe.width, safe.height) == (1575, 1575)  # its 1/4 scale: the largest in 2048
    assert set(decoded) == {(1575, 1575)}  # decoded straight at the size kept


def test_a_png_too_large_to_decode_cheaply_is_refused_before_decoding():
    with pytest.raises(photos.PhotoRefused) as refused:
        photos.make_safe(encoded("PNG", (6300, 6300), "L"), "plan.png")
    assert "plan.png est trop grande pour être traitée" in refused.value.message
    assert photos.make_safe(encoded("PNG", (4000, 4000), "L")).width == 2048
