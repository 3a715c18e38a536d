"""The capture page (Signaler) on a phone: the point by map, position and list, a photo,
"moi aussi", a refusal that keeps what was typed, a walk's finding, the keyboard alone, and
zero axe-core violations in each state. Without network: test_offline_capture.py."""

import re
import uuid

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.browser.conftest import api, assert_accessible, items_described, plan_live_walk
from tests.conftest import INSIDE, OUTSIDE

pytestmark = pytest.mark.browser

SUBMIT = "Envoyer le signalement"


def open_capture(page):
    page.goto("/signaler")
    page.wait_for_selector("[data-map][data-ready=true]")


def submit_and_expect_thanks(page):
    page.get_by_role("button", name=SUBMIT).click()
    expect(page.locator("[data-result]")).to_contain_text("Merci ! Votre signalement n°")


def test_tapping_the_map_with_a_photo_files_an_item_and_gives_its_tracking_link(
        phone, live_server, staff_token, tmp_path):
    page = phone()
    open_capture(page)
    assert_accessible(page)
    page.get_by_label("Tags, graffitis").check()
    page.locator("[data-map]").click()  # its centre: inside the perimeter
    expect(page.locator("[data-location-status]")).to_contain_text("Point placé sur la carte")
    photo = tmp_path / "mur.jpg"
    Image.new("RGB", (96, 64), (180, 40, 40)).save(photo, "JPEG")
    page.get_by_label("Photos (trois au plus)").set_input_files(str(photo))
    expect(page.get_by_role("img", name="Aperçu de la photo mur.jpg")).to_be_visible()
    page.get_by_label("Description").fill("Tag sur le mur du square, par la carte")
    submit_and_expect_thanks(page)
    assert_accessible(page)
    tracking = page.get_by_role("link", name=re.compile("Suivre le signalement n°"))
    assert "/suivi/" in tracking.get_attribute("href")
    assert page.get_by_label("Description").input_value() == ""  # ready for the next one

    [item] = items_described(live_server, staff_token, "par la carte")
    assert item["properties"]["category"] == "tags"
    detail = api(live_server, f"/api/v1/items/{item['id']}", staff_token)
    assert len(detail["properties"]["photos"]) == 1


def test_use_my_position_places_the_point_and_shows_its_accuracy(
        phone, live_server, staff_token):
    page = phone(permissions=["geolocation"],
                 geolocation={"longitude": INSIDE[0], "latitude": INSIDE[1], "accuracy": 12})
    open_capture(page)
    page.get_by_label("Éclairage").check()
    page.get_by_label("Éteint").check()
    page.get_by_role("button", name="Utiliser ma position").click()
    expect(page.locator("[data-location-status]")).to_contain_text(
        "Position trouvée, précise à environ 12 m")
    page.get_by_label("Description").fill("Lampadaire éteint, par ma position")
    submit_and_expect_thanks(page)

    [item] = items_described(live_server, staff_token, "par ma position")
    assert item["geometry"]["coordinates"] == pytest.approx(list(INSIDE), abs=1e-6)
    assert item["properties"]["subcategory"] == "eteint"


def test_the_place_list_offers_moi_aussi_then_files_an_item_there(
        phone, live_server, staff_token):
    page = phone()
    open_capture(page)
    place = page.locator("#place option[data-lon]").first
    place_id, place_name = place.get_attribute("value"), place.inner_text()
    earlier = api(live_server, "/api/v1/items", staff_token,
                  {"type": "Feature", "geometry": None,
                   "properties": {"kind": "gusp", "category": "proprete", "place": int(place_id),
                                  "description": "Papiers à l'arrêt, signalé avant"}},
                  {"Idempotency-Key": str(uuid.uuid4())})
    api(live_server, f"/api/v1/items/{earlier['id']}/moderation", staff_token,
        {"action": "publish"})

    page.get_by_label("Propreté").check()
    page.get_by_label("Ou choisissez un lieu dans la liste").select_option(place_id)
    expect(page.locator("[data-location-status]")).to_contain_text(
        f"Point placé sur : {place_name}")
    nearby = page.get_by_role("region", name="Déjà signalé tout près ?")
    expect(nearby).to_contain_text("Papiers à l'arrêt, signalé avant")
    assert_accessible(page)
    nearby.get_by_role("button", name="Moi aussi").click()
    expect(nearby.get_by_role("status")).to_contain_text("C'est noté : vous suivez ce signalement")

    page.get_by_label("Description").fill("Poubelle renversée, par la liste")
    submit_and_expect_thanks(page)
    [item] = items_described(live_server, staff_token, "par la liste")
    assert item["properties"]["place"] == place_name


def test_a_point_outside_is_refused_in_french_and_nothing_typed_is_lost(phone, tmp_path):
    page = phone(permissions=["geolocation"],
                 geolocation={"longitude": OUTSIDE[0], "latitude": OUTSIDE[1], "accuracy": 30})
    open_capture(page)
    page.get_by_label("Voirie, trottoirs, signalisation").check()
    page.get_by_role("button", name="Utiliser ma position").click()
    expect(page.locator("[data-location-status]")).to_contain_text("environ 30 m")
    photo = tmp_path / "trou.jpg"
    Image.new("RGB", (64, 64), (90, 90, 90)).save(photo, "JPEG")
    page.get_by_label("Photos (trois au plus)").set_input_files(str(photo))
    page.get_by_label("Description").fill("Trou dans la chaussée <script>alert(1)</script>")
    page.get_by_role("button", name=SUBMIT).click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("hors du quartier du Noyer Doré")
    expect(alert).to_contain_text("services de la ville")
    assert page.get_by_label("Description").input_value() == (
        "Trou dans la chaussée <script>alert(1)</script>")
    assert page.get_by_label("Voirie, trottoirs, signalisation").is_checked()
    expect(page.get_by_role("img", name="Aperçu de la photo trou.jpg")).to_be_visible()
    assert_accessible(page)


def tab_to(page, selector):
    for _press in range(120):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    pytest.fail(f"Tab never reached {selector}")


def test_the_whole_capture_works_with_the_keyboard(phone, live_server, staff_token):
    page = phone()
    open_capture(page)
    tab_to(page, "[data-submit]")
    page.keyboard.press("Enter")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Choisissez une catégorie.")
    expect(alert).to_contain_text("Indiquez l'endroit")
    assert_accessible(page)

    tab_to(page, "input[name=category]")
    page.keyboard.press("Space")
    page.keyboard.press("ArrowRight")
    assert page.get_by_label("Ordures ménagères, tri, encombrants").is_checked()
    tab_to(page, "input[name=subcategory]")
    page.keyboard.press("Space")
    assert page.get_by_label("Bacs ou conteneurs").is_checked()
    tab_to(page, "[data-locate]")
    page.keyboard.press("Enter")  # no permission granted: a clear way out
    expect(page.locator("[data-location-status]")).to_contain_text(
        "Touchez la carte ou choisissez un lieu dans la liste", timeout=25000)
    tab_to(page, "[data-pin-centre]")
    page.keyboard.press("Enter")
    expect(page.locator("[data-location-status]")).to_contain_text("Point placé sur la carte")
    tab_to(page, "#description")
    page.keyboard.type("Bac débordant, au clavier")
    tab_to(page, "[data-submit]")
    page.keyboard.press("Enter")
    expect(page.locator("[data-result]")).to_contain_text("Merci ! Votre signalement n°")
    assert page.evaluate("document.activeElement.matches('[data-result]')")
    [item] = items_described(live_server, staff_token, "au clavier")
    assert item["properties"]["subcategory"] == "bacs"


def test_during_a_walk_the_finding_carries_its_walk_stop_and_recommendation(
        phone, live_server, live_env, staff_token):
    walk = plan_live_walk(live_env, "Marche du formulaire complet")
    stop_id, stop_name = walk["stops"][1]
    page = phone()
    page.goto(f"/signaler?walk={walk['id']}&stop={stop_id}")
    page.wait_for_selector("[data-map][data-ready=true]")
    expect(page.get_by_role("group", name="Pendant la marche")).to_be_visible()
    assert page.get_by_label("Un constat pendant une marche").is_checked()
    expect(page.locator(".marker-stop")).to_have_count(2, timeout=30_000)  # the walk's stops
    page.get_by_label("Éclairage").check()
    page.get_by_role("button", name="Placer le point au centre de la carte").click()
    page.get_by_label("Description").fill("Éclairage du passage, par le formulaire complet")
    page.get_by_label("Point fort, à préserver").check()
    page.get_by_label("Préconisation").fill("Garder cet éclairage")
    submit_and_expect_thanks(page)
    # the next finding of the same walk starts ready
    assert page.get_by_label("Un constat pendant une marche").is_checked()
    expect(page.get_by_role("group", name="Pendant la marche")).to_be_visible()

    [item] = items_described(live_server, staff_token, "par le formulaire complet")
    finding = next(f["properties"] for f in api(
        live_server, f"/api/v1/walks/{walk['id']}", staff_token)["features"]
        if f["properties"].get("id") == item["id"] and f["properties"]["role"] == "finding")
    assert (finding["stop"], finding["stop_name"], finding["strong_point"],
            finding["recommendation"]) == (stop_id, stop_name, True, "Garder cet éclairage")
