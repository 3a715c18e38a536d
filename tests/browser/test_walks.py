"""A walk on phones: the coordinator plans it, a participant joins from its short link and
logs a finding at a stop through the capture page, the facilitator marks an earlier item
"toujours là" and sees both on the walk page. Every walk page has zero axe violations."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from app.demo.services import DEMO_DOMAIN, demo_password
from tests.browser.conftest import PHONE, assert_accessible, sign_in

pytestmark = pytest.mark.browser

COORDINATOR = (f"coordination@{DEMO_DOMAIN}", demo_password("coordination"))


def plan_night_walk(page, title):
    """Fill and send the planning form (the page is on it); return the new walk's URL."""
    page.get_by_label("Type de marche").select_option("nuit")
    page.get_by_label("Titre").fill(title)
    page.get_by_label("Date").fill((dt.date.today() + dt.timedelta(days=1)).isoformat())
    page.get_by_label("Heure de départ").fill("20:30")
    page.get_by_label("Point de rendez-vous").fill("Arrêt Mont Blanc")
    page.get_by_label("Secteur").fill("Noyer Doré (démonstration)")
    page.get_by_label("Arrêts, dans l'ordre de la marche").fill(
        "Mont Blanc (bus)\nCentre Commercial Noyer Doré (bus)")
    page.get_by_role("button", name="Planifier la marche").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    return page.url


def test_plan_join_capture_recheck_and_follow_a_walk(page, browser, live_server):
    sign_in(page, *COORDINATOR)
    page.goto("/marches")
    assert_accessible(page)
    page.get_by_role("link", name="Planifier une marche").click()
    page.wait_for_selector("[data-walk-map][data-plan-tools], .leaflet-container")
    # Tapping the map in "stop" mode writes the stop line a keyboard user would type.
    page.get_by_label("Nom du prochain arrêt").fill("Point de démonstration")
    page.locator("[data-walk-map]").click()
    expect(page.get_by_label("Arrêts, dans l'ordre de la marche")).to_have_value(
        re.compile(r"^Point de démonstration ; 2\.\d+ ; 48\.\d+$"))
    assert_accessible(page)
    walk_url = plan_night_walk(page, "Marche de nuit, secteur Mont Blanc")
    join_url = page.locator(".join-box a").get_attribute("href")
    expect(page.get_by_role("img", name=re.compile("QR code"))).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Démarrer la marche").click()
    expect(page.locator(".facts")).to_contain_text("En cours")

    # A participant joins from the short link, without an account.
    participant = browser.new_context(base_url=live_server, **PHONE).new_page()
    participant.goto(join_url)
    assert_accessible(participant)
    participant.get_by_role("link", name="A. Mont Blanc (bus)").click()
    participant.wait_for_selector("[data-map][data-ready=true]")
    participant.get_by_label("Éclairage").check()
    participant.get_by_label("Ou choisissez un lieu dans la liste").select_option(
        label="Mont Blanc (bus)")
    participant.get_by_label("Description").fill("Lampadaire clignotant devant l'arrêt")
    participant.get_by_label("Point faible, à améliorer").check()
    participant.get_by_label("Préconisation").fill("Changer la lampe")
    participant.get_by_role("button", name="Envoyer le signalement").click()
    expect(participant.locator("[data-result]")).to_contain_text("Merci !")
    participant.context.close()

    # The facilitator re-checks an item of the previous night walk on the sector.
    page.goto(walk_url + "/contre-visite")
    assert_accessible(page)
    earlier = page.locator("li", has_text="Deux lampadaires éteints")
    earlier.get_by_label("Toujours là").check()
    earlier.get_by_label("Remarque (facultatif)").fill("Toujours éteints")
    earlier.get_by_role("button", name=re.compile("^Enregistrer pour")).click()
    expect(page.locator("li", has_text="Deux lampadaires éteints")).to_contain_text(
        "Constat enregistré : Toujours là")

    page.goto(walk_url)
    page.wait_for_selector("[data-walk-map][data-ready=true]")
    expect(page.locator("#constats-liste")).to_contain_text(
        "Lampadaire clignotant devant l'arrêt")
    expect(page.locator("#constats-liste")).to_contain_text("Mont Blanc (bus)")
    expect(page.locator("#revus-titre + ul")).to_contain_text("Toujours là")
    expect(page.locator(".marker-number")).to_have_count(1)
    assert_accessible(page)

    # The facilitator's other pages.
    page.get_by_role("link", name="Grille de l'arrêt A").click()
    assert_accessible(page)
    page.goto(walk_url + "/participation")
    assert_accessible(page)
    page.goto(walk_url + "/compte-rendu")
    expect(page.get_by_role("img", name=re.compile("Plan de la marche"))).to_be_visible()
    assert_accessible(page)


def test_published_demo_walk_is_readable_by_anyone(page):
    page.goto("/marches")
    page.get_by_role("link", name=re.compile("Diagnostic de nuit")).click()
    page.wait_for_selector("[data-walk-map][data-ready=true]")
    expect(page.locator("#constats-liste li")).to_have_count(5)
    assert_accessible(page)
    page.get_by_role("link", name="Compte rendu").click()
    expect(page.get_by_role("heading", name="Grille de sécurité de nuit")).to_be_visible()
    assert_accessible(page)
    page.goto("/m/DEMONUIT")
    expect(page.get_by_role("status")).to_contain_text("Cette marche est terminée")
    assert_accessible(page)


def test_a_live_walk_page_gives_up_a_hanging_reading_and_reads_again(browser, live_server):
    """On one bar of signal the walk page's 15-second readings never pile up: a reading
    that hangs is given up after its deadline, and the next starts 15 s after it ended.
    The page's clock is driven by the test, so nothing waits for real seconds; the service
    worker is kept out, so each reading the page makes is one request seen here."""
    context = browser.new_context(base_url=live_server, service_workers="block", **PHONE)
    page = context.new_page()
    sign_in(page, *COORDINATOR)
    page.goto("/marches/nouvelle")
    walk_url = plan_night_walk(page, "Marche de nuit, liaison faible")
    # Leave the walk page that planning ends on: its own readings, on the browser's real
    # clock, must not be counted as the ones of the page under test.
    page.goto("about:blank")
    live = re.compile(r"/marches/\d+/direct\.json")
    readings = []

    def hang_the_first(route):
        readings.append(route)
        if len(readings) > 1:
            route.continue_()  # the first one never answers

    page.route(live, hang_the_first)
    page.clock.install()
    with page.expect_request(live):
        page.goto(walk_url)
    # From here the page's time moves only by run_for, however slow the machine is.
    page.clock.pause_at(page.evaluate("Date.now()") + 2_000)
    page.clock.run_for(9_000)  # past the 8 s deadline of the reading that hangs
    expect(page.locator("[data-walk-map]")).to_have_attribute("data-ready", "error")
    assert len(readings) == 1  # the next one waits 15 s after it ended
    with page.expect_request(live):
        page.clock.run_for(16_000)
    page.clock.resume()  # its answer is drawn on the page's next frames
    expect(page.locator("[data-walk-map]")).to_have_attribute("data-ready", "true",
                                                              timeout=15_000)
    assert_accessible(page)
    context.close()
