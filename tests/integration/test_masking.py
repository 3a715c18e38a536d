"""Masking photos before they go public: the face and plate detector's suggestions, the
moderator's rectangles (services and the review page), blurred pixels, deleted originals,
bad rectangles and a detector that fails."""

import io
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageStat
from sqlalchemy import func, select

from app.extensions import db
from app.items.services import InvalidItem
from app.moderation import masking, services
from app.moderation.detection import DetectionFailed, find_regions
from app.moderation.models import ModerationEvent, PhotoDetection, PhotoRegion
from tests.conftest import csrf_token, make_item, make_user, page_text
from tests.images import photograph

# Where the astronaut's face is in scikit-image's 512 × 512 photograph (eyes to chin).
ASTRONAUT_FACE = (180, 70, 270, 160)


def striped_jpeg(width=400, height=300):
    """A photo with sharp black and white stripes (a blur flattens them) and EXIF."""
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    for x in range(0, width, 8):
        draw.rectangle((x, 0, x + 3, height), fill="black")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = {1: "N", 2: (48.0, 44.0, 22.9), 3: "E", 4: (2.0, 17.0, 15.6)}
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, quality=95)
    return out.getvalue()


def upload_path(app, name):
    return Path(app.config["UPLOAD_DIR"]) / name


def stored(app, name):
    return Image.open(io.BytesIO(upload_path(app, name).read_bytes()))


def stddev(image, box):
    return ImageStat.Stat(image.crop(box).convert("L")).stddev[0]


def contains(outer, inner):
    """Does the (x, y, w, h) box `outer` cover the (left, top, right, bottom) box `inner`?"""
    x, y, w, h = outer
    return x <= inner[0] and y <= inner[1] and x + w >= inner[2] and y + h >= inner[3]


def zone(box, decision=None, region=None):
    return {"region": region, "box": box, "decision": decision}


# --- the detector ------------------------------------------------------------------------

def test_the_detector_finds_the_face_of_a_real_photograph():
    found = find_regions(photograph(), 512, 512)
    faces = [f for f in found if f.kind == "face"]
    assert len(faces) == 1 and contains(faces[0].box, ASTRONAUT_FACE)


def test_the_detector_scales_its_boxes_back_to_the_photo():
    found = find_regions(photograph(side=1536), 1536, 1536)
    face = next(f for f in found if f.kind == "face")
    assert contains(face.box, tuple(3 * v for v in ASTRONAUT_FACE))


def test_the_detector_suggests_nothing_on_a_photo_without_faces_or_plates():
    assert find_regions(photograph("coffee"), 600, 400) == []


def test_the_detector_names_an_unreadable_image():
    with pytest.raises(DetectionFailed, match="unreadable image"):
        find_regions(b"not a photo", 10, 10)


def test_a_photo_is_analysed_once_and_its_suggestions_kept():
    item = make_item(photos=[("a.jpg", photograph())])
    photo = item.photos[0]
    first = masking.analyse_photo(photo)
    second = masking.analyse_photo(photo)
    db.session.commit()
    assert first.state == "done" and second is first
    regions = masking.regions_of(photo)
    assert [(r.kind, r.state) for r in regions] == [("face", "suggested")]
    assert contains(regions[0].box, ASTRONAUT_FACE)
    # Two analyses racing: the second row is not written, nor its suggestions.
    assert masking._insert_once({"photo_id": photo.id, "state": "done", "error": "",
                                 "duration_ms": 1}) is False
    assert db.session.scalar(select(func.count()).select_from(PhotoDetection)) == 1


# --- publication -------------------------------------------------------------------------

def test_publication_is_refused_while_a_suggestion_is_undecided(app):
    item = make_item(photos=[("a.jpg", photograph())])
    moderator = make_user("moderator")
    with pytest.raises(InvalidItem) as refused:
        services.moderate_item(moderator, item, "publish")
    assert refused.value.errors["photos"] == (
        "La photo 1 a 1 zone suggérée (visage) ni floutée ni écartée : décidez-en avant de "
        "publier.")
    db.session.rollback()  # as the page does: the suggestion goes with the refusal...
    assert item.visibility == "pending"
    masking.analyse_pending(item.photos)  # ...so the page keeps it before asking
    db.session.commit()
    region = masking.undecided(item.photos[0])[0]
    services.mask_photo(moderator, item.photos[0], [zone(region.box, "dismiss", region.id)])
    services.moderate_item(moderator, item, "publish")
    db.session.commit()
    assert item.visibility == "public" and region.state == "dismissed"


def test_a_masked_suggestion_is_blurred_and_the_original_deleted_on_publication(app):
    item = make_item(photos=[("a.jpg", photograph())])
    photo, moderator = item.photos[0], make_user("moderator")
    masking.analyse_photo(photo)
    region = masking.undecided(photo)[0]
    sent, first_thumb = photo.stored_name, photo.thumbnail_name
    sharp = stored(app, sent)
    services.mask_photo(moderator, photo, [zone(region.box, "mask", region.id)])
    db.session.commit()
    assert photo.original_name == sent and not upload_path(app, first_thumb).exists()
    masked = stored(app, photo.stored_name)
    assert stddev(masked, ASTRONAUT_FACE) < stddev(sharp, ASTRONAUT_FACE) / 2
    services.moderate_item(moderator, item, "publish")
    db.session.commit()
    assert photo.original_name is None and not upload_path(app, sent).exists()
    published = stored(app, photo.stored_name)
    assert stddev(published, ASTRONAUT_FACE) < stddev(sharp, ASTRONAUT_FACE) / 2


def test_masking_blurs_only_the_region_and_strips_exif(app):
    item = make_item(photos=[("visage.jpg", striped_jpeg())])
    photo = item.photos[0]
    services.mask_photo(make_user("moderator"), photo, [zone((40, 40, 120, 100))])
    db.session.commit()
    masked = stored(app, photo.stored_name)
    assert dict(masked.getexif()) == {} and "exif" not in masked.info
    assert stddev(masked, (50, 50, 150, 130)) < 25  # stripes gone inside the region
    assert stddev(masked, (250, 50, 350, 130)) > 80  # untouched outside
    assert [(r.kind, r.state) for r in masking.regions_of(photo)] == [("manual", "masked")]


def test_a_mask_moved_or_taken_back_leaves_the_first_place_sharp(app):
    item = make_item(photos=[("p.jpg", striped_jpeg())])
    photo, moderator = item.photos[0], make_user("moderator")
    services.mask_photo(moderator, photo, [zone((40, 40, 120, 100))])
    region = masking.regions_of(photo)[0]
    services.mask_photo(moderator, photo, [zone((240, 40, 120, 100), "mask", region.id)])
    db.session.commit()
    redrawn = stored(app, photo.stored_name)
    assert stddev(redrawn, (50, 50, 150, 130)) > 80 and stddev(redrawn, (250, 50, 350, 130)) < 25
    services.mask_photo(moderator, photo, [zone(region.box, "dismiss", region.id)])
    db.session.commit()
    assert masking.regions_of(photo) == []
    assert stddev(stored(app, photo.stored_name), (250, 50, 350, 130)) > 80


def test_masking_a_public_photo_keeps_no_original(app):
    item = make_item(photos=[("p.jpg", striped_jpeg())], publish=True)
    photo = item.photos[0]
    before = photo.stored_name
    services.mask_photo(make_user("moderator"), photo, [zone((0, 0, 50, 50))])
    db.session.commit()
    assert photo.original_name is None and not upload_path(app, before).exists()


# --- bad input ---------------------------------------------------------------------------

@pytest.mark.parametrize("box", [(350, 250, 100, 100), (-1, 0, 10, 10), (0, 0, 0, 10),
                                 (0, 0, 401, 10)])
def test_a_rectangle_outside_the_photo_or_empty_is_refused_and_the_photo_kept(app, box):
    item = make_item(photos=[("p.jpg", striped_jpeg())])
    photo = item.photos[0]
    before = photo.stored_name
    with pytest.raises(InvalidItem) as refused:
        services.mask_photo(make_user("moderator"), photo, [zone((0, 0, 10, 10)), zone(box)])
    assert refused.value.errors["zones"] == (
        "La zone 2 doit être dans la photo (400 × 300 pixels) et mesurer au moins un pixel de "
        "côté.")
    db.session.rollback()
    assert photo.stored_name == before and upload_path(app, before).exists()
    assert masking.regions_of(photo) == []


def test_the_page_keeps_what_was_typed_and_says_what_is_wrong(client, auth):
    item = make_item(photos=[("p.jpg", striped_jpeg())])
    photo_id = item.photos[0].id
    auth.login("moderator")
    field = f"photo{photo_id}-zones-0-"
    answer = client.post(f"/moderation/photos/{photo_id}/masque", data={
        "csrf_token": csrf_token(client, f"/moderation/signalements/{item.id}"),
        f"{field}x": "390", f"{field}y": "0", f"{field}width": "50", f"{field}height": "50"})
    assert answer.status_code == 422
    text = page_text(answer)
    assert "Les zones n'ont pas été enregistrées" in text
    assert "La zone 1 doit être dans la photo (400 × 300 pixels)" in text
    assert 'value="390"' in text  # what was typed is kept
    answer = client.post(f"/moderation/photos/{photo_id}/masque", data={
        "csrf_token": csrf_token(client, f"/moderation/signalements/{item.id}"),
        f"{field}x": "10", f"{field}y": "abc", f"{field}width": "0"})
    text = page_text(answer)
    assert answer.status_code == 422 and "Zone 1 : Au moins un pixel." in text
    assert "Zone 1 : Indiquez les quatre nombres" in text or "Zone 1 : " in text
    assert masking.regions_of(item.photos[0]) == []


def test_a_detector_that_fails_leaves_a_note_and_never_blocks(client, auth, monkeypatch):
    def broken(content, width, height):
        raise DetectionFailed("OpenCV failed: out of memory")

    monkeypatch.setattr(masking, "find_regions", broken)
    item = make_item(photos=[("a.jpg", photograph())])
    photo_id = item.photos[0].id
    auth.login("moderator")
    review = f"/moderation/signalements/{item.id}"
    answer = client.post(f"/moderation/photos/{photo_id}/detection",
                         data={"csrf_token": csrf_token(client, review)},
                         headers={"Accept": "application/json"})
    assert answer.status_code == 200
    assert answer.json["state"] == "failed" and answer.json["regions"] == []
    assert "cherchez vous-même les visages et les plaques" in answer.json["note"]
    detection = db.session.get(PhotoDetection, photo_id)
    assert detection.error == "OpenCV failed: out of memory"
    assert "n'a pas pu analyser cette photo" in page_text(client.get(review))
    field = f"photo{photo_id}-zones-0-"
    client.post(f"/moderation/photos/{photo_id}/masque", data={
        "csrf_token": csrf_token(client, review), f"{field}x": "180", f"{field}y": "70",
        f"{field}width": "90", f"{field}height": "90", f"{field}decision": "mask"})
    answer = client.post(f"{review}/decision", data={
        "csrf_token": csrf_token(client, review), "decision-action": "publish"})
    assert answer.status_code == 302
    db.session.expire_all()
    assert db.session.get(type(item), item.id).visibility == "public"


# --- the review page ---------------------------------------------------------------------

def test_the_review_page_lists_suggestions_to_decide(client, auth):
    item = make_item(photos=[("a.jpg", photograph())])
    photo = item.photos[0]
    auth.login("moderator")
    review = f"/moderation/signalements/{item.id}"
    answer = client.post(f"/moderation/photos/{photo.id}/detection",
                         data={"csrf_token": csrf_token(client, review)})
    assert answer.status_code == 302 and answer.headers["Location"].endswith(
        f"{review}#photo-{photo.id}")
    text = page_text(client.get(review))
    assert "Zone 1 : visage suggéré·e par la détection" in text
    assert "Photo 1 : 1 zone suggérée à décider avant de publier." in text
    answer = client.post(f"{review}/decision", data={
        "csrf_token": csrf_token(client, review), "decision-action": "publish"})
    assert answer.status_code == 422
    assert "ni floutée ni écartée" in page_text(answer)
    region = masking.regions_of(photo)[0]
    field = f"photo{photo.id}-zones-0-"
    answer = client.post(f"/moderation/photos/{photo.id}/masque", data={
        "csrf_token": csrf_token(client, review), f"{field}region": str(region.id),
        f"{field}x": str(region.x), f"{field}y": str(region.y),
        f"{field}width": str(region.width), f"{field}height": str(region.height),
        f"{field}decision": "mask"})
    assert answer.status_code == 302
    event = db.session.scalar(select(ModerationEvent).where(ModerationEvent.action == "mask"))
    assert event.reason == "1 zone floutée." and event.photo_id == photo.id
    db.session.expire_all()
    assert db.session.get(PhotoRegion, region.id).state == "masked"


def test_the_original_is_served_to_moderators_only(client, auth):
    item = make_item(photos=[("p.jpg", striped_jpeg())])
    photo = item.photos[0]
    services.mask_photo(make_user("moderator"), photo, [zone((0, 0, 50, 50))])
    db.session.commit()
    path = f"/moderation/photos/{photo.id}/original"
    auth.login("resident")
    assert client.get(path).status_code == 403
    auth.login("moderator", user=make_user("moderator", email="m2@example.org"))
    with client.get(path) as answer:
        assert answer.status_code == 200
        assert answer.headers["Cache-Control"] == "private, no-store"
        assert answer.data == upload_path(client.application, photo.original_name).read_bytes()


def test_the_cron_command_analyses_photos_awaiting_moderation_once(app):
    waiting = make_item(photos=[("a.jpg", photograph())])
    make_item(photos=[("b.jpg", striped_jpeg())], publish=True)  # public: not looked at
    runner = app.test_cli_runner()
    first = runner.invoke(args=["moderation", "detect"])
    assert first.exit_code == 0 and first.output == "photos analysed 1, failed 0\n"
    assert [r.kind for r in masking.regions_of(waiting.photos[0])] == ["face"]
    again = runner.invoke(args=["moderation", "detect"])
    assert again.output == "photos analysed 0, failed 0\n"
