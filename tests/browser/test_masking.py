"""A moderator on a phone hides a face and a number plate before publishing: the detector's
suggestion accepted or dismissed, a rectangle drawn with a finger, moved and resized with
the keyboard, the preview, publication, and the stored photo checked pixel by pixel."""

import io
import json
import re
import uuid
from pathlib import Path

import pytest
from PIL import Image, ImageStat
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, flask_command, sign_in
from tests.conftest import INSIDE
from tests.images import photograph

pytestmark = pytest.mark.browser

MODERATOR, PASSWORD = "moderation.masque@example.org", "masque-tests-2026"
FACE = (180, 70, 270, 160)  # the astronaut's face, in the photo's pixels
DRAWN = (330, 320, 450, 420)  # where the finger draws: the mission patches on the suit


def stddev(content, box):
    return ImageStat.Stat(Image.open(io.BytesIO(content)).crop(box).convert("L")).stddev[0]


def report_with_photo(page):
    """A resident's report with the astronaut's photograph, sent through the API."""
    feature = {"type": "Feature", "geometry": {"type": "Point", "coordinates": list(INSIDE)},
               "properties": {"kind": "gusp", "category": "tags",
                              "description": "Tag sur le mur, une personne pose devant."}}
    answer = page.request.post("/api/v1/items", headers={"Idempotency-Key": str(uuid.uuid4())},
                               multipart={"item": json.dumps(feature), "photo": {
                                   "name": "astronaute.jpg", "mimeType": "image/jpeg",
                                   "buffer": photograph()}})
    assert answer.status == 201, answer.text()
    return answer.json()["properties"]["id"]


def touch_drag(page, start, end):
    """A finger on the touch screen from `start` to `end` (page pixels), in real touch events."""
    cdp = page.context.new_cdp_session(page)
    steps = 6
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart",
                                          "touchPoints": [{"x": start[0], "y": start[1]}]})
    for i in range(1, steps + 1):
        x = start[0] + (end[0] - start[0]) * i / steps
        y = start[1] + (end[1] - start[1]) * i / steps
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove",
                                              "touchPoints": [{"x": x, "y": y}]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    cdp.detach()


def on_screen(page, point):
    """Page pixels of a point given in the photo's (512 px) pixels."""
    image = page.locator("[data-stage] img")
    image.scroll_into_view_if_needed()
    frame = image.bounding_box()
    return (frame["x"] + point[0] * frame["width"] / 512,
            frame["y"] + point[1] * frame["height"] / 512)


def test_a_moderator_masks_by_touch_and_keyboard_from_suggestions_then_publishes(
        page, live_env):
    flask_command(live_env, "users", "create", MODERATOR, "--role", "moderator",
                  "--password", PASSWORD)
    item_id = report_with_photo(page)
    sign_in(page, MODERATOR, PASSWORD)
    page.goto(f"/moderation/signalements/{item_id}")
    note = page.locator("[data-detection-note]")
    expect(note).to_have_text("La détection a suggéré 1 zone : floutez-la ou écartez-la.",
                              timeout=30_000)
    suggestion = page.locator(".mask-box").first
    expect(suggestion).to_have_attribute("data-state", "suggested")
    assert_accessible(page)
    sent = page.request.get(page.locator("[data-stage] img").get_attribute("src")).body()

    # Publishing now is refused: the suggestion is undecided.
    page.get_by_role("button", name="Publier", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("1 zone suggérée (visage) ni floutée")
    expect(note).to_contain_text("floutez-la ou écartez-la")

    # The suggestion: dismissed, then accepted after all.
    zone = page.locator("[data-zone]").first
    expect(zone).to_contain_text("Zone 1 : visage suggéré·e par la détection")
    zone.get_by_text("Écarter").click()
    expect(suggestion).to_have_attribute("data-state", "dismissed")
    zone.get_by_text("Flouter").click()
    expect(suggestion).to_have_attribute("data-state", "masked")
    expect(suggestion).to_have_accessible_name(re.compile(
        r"^Zone 1, visage suggéré·e par la détection, à flouter : \d+ × \d+ pixels à \d+, \d+$"))

    # A rectangle drawn with a finger on the patches, then nudged with the keyboard.
    touch_drag(page, on_screen(page, DRAWN[:2]), on_screen(page, (DRAWN[2] - 20, DRAWN[3] - 20)))
    drawn = page.locator(".mask-box").nth(1)
    expect(drawn).to_have_attribute("data-state", "masked")
    expect(drawn).to_be_focused()
    second = page.locator("[data-zone]").nth(1)
    x_field = second.get_by_label("Gauche (pixels depuis le bord gauche)")
    width_field = second.get_by_label("Largeur (pixels)")
    x_before, width_before = int(x_field.input_value()), int(width_field.input_value())
    assert abs(x_before - DRAWN[0]) <= 4
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("Shift+ArrowRight")
    assert int(x_field.input_value()) == x_before - 5  # a step is 1 % of the photo
    assert int(width_field.input_value()) == width_before + 15
    assert_accessible(page)
    box = page.locator(".mask-box").nth(1).bounding_box()
    assert box["width"] >= 44 - 24 and page.locator(".mask-box-handle").first.is_visible()

    page.get_by_role("button", name="Enregistrer les zones de la photo 1").click()
    expect(page.get_by_role("status").first).to_contain_text("Zones enregistrées")
    expect(page.get_by_role("img", name="Aperçu : photo 1 telle qu'elle sera publiée")) \
        .to_be_visible()
    assert_accessible(page)
    overflow = page.evaluate("document.documentElement.scrollWidth - innerWidth")
    assert overflow <= 0

    page.get_by_role("button", name="Publier", exact=True).click()
    expect(page.get_by_role("status").first).to_contain_text("Publié.")
    photo_url = page.locator(".mask-preview img").get_attribute("src")
    published = page.request.get(photo_url).body()
    assert stddev(published, FACE) < stddev(sent, FACE) / 2
    patches = (390, 325, 430, 385)
    assert stddev(published, patches) < stddev(sent, patches) / 2
    uploads = [p.read_bytes() for p in Path(live_env["UPLOAD_DIR"]).glob("*.jpg")]
    assert published in uploads and sent not in uploads  # the unmasked original is gone
