"""The capture page (Signaler) on a phone: the point by map, position and list, a photo,
"moi aussi", a refusal that keeps what was typed, offline capture synced exactly once,
the keyboard alone, and zero axe-core violations in each state."""

import json
import re
import urllib.request
import uuid

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, assert_accessible, flask_command
from tests.conftest import INSIDE, OUTSIDE

pytestmark = pytest.mark.browser

STAFF = "coordination.capture@example.org"
SUBMIT = "Envoyer le signalement"


@pytest.fixture
def phone(browser, live_server):
    """Opens phone pages, with extra context options (geolocation...). Script errors fail the
    test, and so do console errors, except the browser's own log of an answer the page
    expects: a 422 from the API, or no network while the test has cut it."""
    contexts, problems = [], []

    def open_page(**options):
        context = browser.new_context(base_url=live_server, **PHONE, **options)
        contexts.append(context)
        tab = context.new_page()
        tab.on("pageerror", lambda error: problems.append(f"script error: {error}"))

        def on_console(message):
            expected = message.text.startswith("Failed to load resource") and (
                "status of 422" in message.text or "ERR_INTERNET_DISCONNECTED" in message.text
                or "ERR_FAILED" in message.text)
            if message.type == "error" and not expected:
                problems.append(f"console: {message.text} ({message.location.get('url')})")

        tab.on("console", on_console)
        return tab

    yield open_page
    for context in contexts:
        context.close()
    assert problems == []


@pytest.fixture(scope="module")
def staff_token(live_server, live_env):
    """A bearer token of a coordinator who also moderates: sees pending items, publishes."""
    flask_command(live_env, "users", "create", STAFF, "--role", "coordinator",
                  "--role", "moderator", "--password", "capture-tests-2026")
    return flask_command(live_env, "users", "token", STAFF).strip().splitlines()[-1]


def api(base, path, token, body=None, headers=None):
    request = urllib.request.Request(
        base + path, data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json",
                 **(headers or {})})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def items_described(base, token, words):
    features = api(base, "/api/v1/items", token)["features"]
    return [f for f in features if words in (f["properties"]["description"] or "")]


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


def test_offline_an_item_is_kept_then_sent_exactly_once(phone, live_server, staff_token):
    page = phone()
    open_capture(page)
    page.wait_for_selector("html[data-offline-ready=true]")
    page.context.set_offline(True)
    page.reload()  # the page still opens: the service worker has kept it
    page.wait_for_selector("[data-map][data-ready=true]")
    page.get_by_label("Nuisibles").check()
    page.get_by_role("button", name="Placer le point au centre de la carte").click()
    page.get_by_label("Description").fill("Rats près du local, hors ligne")
    page.get_by_role("button", name=SUBMIT).click()
    expect(page.locator("[data-queue-count]")).to_have_text("1 signalement en attente d'envoi")
    expect(page.locator("[data-result]")).to_contain_text("Pas de réseau")
    assert items_described(live_server, staff_token, "hors ligne") == []

    page.context.set_offline(False)
    expect(page.locator("[data-result]")).to_contain_text("Merci ! Votre signalement n°",
                                                          timeout=15000)
    expect(page.locator("[data-queue-count]")).to_be_hidden()
    page.reload()  # nothing left to resend
    page.wait_for_selector("[data-map][data-ready=true]")
    expect(page.locator("[data-queue-count]")).to_be_hidden()
    assert len(items_described(live_server, staff_token, "hors ligne")) == 1


def test_a_send_cut_after_the_server_saved_it_is_retried_without_a_second_item(
        phone, live_server, staff_token):
    page = phone()
    open_capture(page)

    def saved_then_cut(route):
        route.fetch()  # the server creates the item, the phone never hears back
        route.abort("internetdisconnected")

    page.route("**/api/v1/items", saved_then_cut, times=1)
    page.get_by_label("Dépôts sauvages, épaves").check()
    page.get_by_role("button", name="Placer le point au centre de la carte").click()
    page.get_by_label("Description").fill("Matelas abandonné, envoi coupé")
    page.get_by_role("button", name=SUBMIT).click()
    expect(page.locator("[data-queue-count]")).to_have_text("1 signalement en attente d'envoi")
    assert len(items_described(live_server, staff_token, "envoi coupé")) == 1

    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator("[data-result]")).to_contain_text("Merci ! Votre signalement n°")
    expect(page.locator("[data-queue-count]")).to_be_hidden()
    assert len(items_described(live_server, staff_token, "envoi coupé")) == 1


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


def test_during_a_walk_the_finding_carries_its_walk_stop_and_recommendation(phone):
    page = phone()
    page.goto("/signaler?walk=7&stop=3")
    page.wait_for_selector("[data-map][data-ready=true]")
    expect(page.get_by_role("group", name="Pendant la marche")).to_be_visible()
    assert page.get_by_label("Un constat pendant une marche").is_checked()
    sent = []

    def answer(route):  # the walk's backend is not this page's: answer as the API would
        sent.append(route.request.post_data_buffer)
        route.fulfill(status=201, content_type="application/json", body=json.dumps(
            {"type": "Feature", "properties": {"reference": "2026-99999"},
             "tracking_url": "/suivi/essai"}))

    page.route("**/api/v1/items", answer)
    page.get_by_label("Éclairage").check()
    page.get_by_role("button", name="Placer le point au centre de la carte").click()
    page.get_by_label("Point fort, à préserver").check()
    page.get_by_label("Préconisation").fill("Garder cet éclairage")
    submit_and_expect_thanks(page)
    [body] = sent
    item = json.loads(re.search(rb'name="item"\r\n\r\n(.*?)\r\n--', body, re.S).group(1))
    sent_walk = {name: item["properties"].get(name)
                 for name in ("kind", "walk", "stop", "strong_point", "recommendation")}
    assert sent_walk == {"kind": "dem", "walk": 7, "stop": 3, "strong_point": True,
                         "recommendation": "Garder cet éclairage"}
    # the next finding of the same walk starts ready
    assert page.get_by_label("Un constat pendant une marche").is_checked()
    expect(page.get_by_role("group", name="Pendant la marche")).to_be_visible()


def test_a_queued_item_refused_later_can_be_taken_back_into_the_form(phone, tmp_path):
    page = phone()
    open_capture(page)
    page.context.set_offline(True)
    page.get_by_label("Accessibilité").check()
    page.get_by_role("button", name="Placer le point au centre de la carte").click()
    photo = tmp_path / "bordure.jpg"
    Image.new("RGB", (64, 64), (20, 90, 20)).save(photo, "JPEG")
    page.get_by_label("Photos (trois au plus)").set_input_files(str(photo))
    page.get_by_label("Description").fill("Bordure trop haute, refusée plus tard")
    page.get_by_role("button", name=SUBMIT).click()
    expect(page.locator("[data-queue-count]")).to_have_text("1 signalement en attente d'envoi")
    assert page.get_by_label("Description").input_value() == ""

    refusal = "Cet endroit est hors du quartier du Noyer Doré et de ses abords."
    page.route("**/api/v1/items", lambda route: route.fulfill(
        status=422, content_type="application/json",
        body=json.dumps({"errors": {"location": refusal}})))
    page.context.set_offline(False)
    result = page.locator("[data-result]")
    expect(result).to_contain_text("Un signalement gardé sur ce téléphone a été refusé")
    expect(result).to_contain_text(refusal)
    expect(page.locator("[data-queue-count]")).to_be_hidden()
    assert_accessible(page)

    page.get_by_role("button", name="Le reprendre dans le formulaire").click()
    expect(page.get_by_role("alert")).to_contain_text(refusal)
    assert page.get_by_label("Description").input_value() == "Bordure trop haute, refusée plus tard"
    assert page.get_by_label("Accessibilité").is_checked()
    expect(page.get_by_role("img", name="Aperçu de la photo bordure.jpg")).to_be_visible()
    expect(result).not_to_contain_text("Un signalement gardé sur ce téléphone a été refusé")
