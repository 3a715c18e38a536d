import pytest
from playwright.sync_api import expect

from app.demo.services import demo_password
from tests.browser.conftest import assert_accessible, menu, sign_in

pytestmark = pytest.mark.browser


def test_the_home_page_draws_the_perimeter_and_public_items_without_tiles(page):
    page.goto("/")
    page.wait_for_selector("[data-map][data-ready=true]")
    assert page.locator(".leaflet-overlay-pane path").count() == 1  # the QN09203M polygon
    assert page.locator(".leaflet-tile").count() == 0
    listed = page.locator("#carte-titre ~ .card-list .card-title").count()  # items, not walks
    assert listed > 0 and page.locator(".leaflet-marker-pane .map-pin").count() >= listed
    assert "QN09203M" in page.get_by_text("Noyer Doré (QN09203M)").inner_text()
    assert page.get_by_role("link", name="Signaler", exact=True).first.is_visible()
    assert_accessible(page)


def test_the_map_works_with_the_keyboard(page):
    page.goto("/")
    page.wait_for_selector("[data-map][data-ready=true]")
    page.locator("[data-map]").focus()
    before = page.evaluate("document.querySelector('.leaflet-map-pane').style.transform")
    page.keyboard.press("ArrowRight")
    page.wait_for_function(  # the map pans: its pane moves away from where it was
        "before => document.querySelector('.leaflet-map-pane').style.transform !== before",
        arg=before)


def test_the_language_link_switches_to_english_and_back(page):
    page.goto("/")
    menu(page).get_by_role("link", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Noyer Doré, a priority neighbourhood of Antony")
    assert_accessible(page)
    menu(page).get_by_role("link", name="Français").click()
    assert page.locator("html").get_attribute("lang") == "fr"


def test_a_wrong_password_is_announced_and_the_address_kept(page):
    page.goto("/connexion")
    assert_accessible(page)
    page.get_by_label("Adresse e-mail").fill("admin@demo.arpenteur.example")
    page.get_by_label("Mot de passe").fill("pas-le-bon")
    page.get_by_role("button", name="Se connecter").click()
    assert "Adresse e-mail ou mot de passe incorrect." in page.get_by_role("alert").inner_text()
    assert page.get_by_label("Adresse e-mail").input_value() == "admin@demo.arpenteur.example"
    assert_accessible(page)


def test_an_administrator_creates_an_account_on_a_phone(page):
    sign_in(page, "admin@demo.arpenteur.example", demo_password("admin"))
    menu(page).get_by_role("link", name="Comptes").click()
    assert_accessible(page)
    page.get_by_role("link", name="Créer un compte").click()
    page.get_by_label("Adresse e-mail").fill("nouvel.agent@vsgp.fr")
    page.get_by_label("Agent d'un organisme").check()
    assert_accessible(page)
    page.get_by_role("button", name="Enregistrer").click()
    assert "Un agent doit appartenir à un organisme." in page.get_by_role("alert").inner_text()
    assert_accessible(page)
    page.get_by_label("Organisme (obligatoire pour un agent)").select_option("vsgp")
    page.get_by_role("button", name="Enregistrer").click()
    assert "Compte nouvel.agent@vsgp.fr créé." in page.get_by_role("status").inner_text()
    menu(page).get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_role("button", name="Se déconnecter")).to_have_count(0)
    expect(menu(page).get_by_role("link", name="Se connecter")).to_be_visible()
