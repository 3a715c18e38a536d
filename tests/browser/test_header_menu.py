"""The compact header on a phone: one row, a Menu button that opens the role's links with
the keyboard, announces its state to screen readers, and works without JavaScript."""

from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from app.demo.services import DEMO_DOMAIN, demo_password
from tests.browser.conftest import PHONE, assert_accessible, menu, sign_in

pytestmark = pytest.mark.browser


def disclosure_state(page):
    """(role, expanded) of the Menu button as Chromium hands it to screen readers."""
    tree = page.context.new_cdp_session(page).send("Accessibility.getFullAXTree")
    node = next(n for n in tree["nodes"] if n.get("name", {}).get("value") == "Menu"
                and n["role"]["value"] != "StaticText")
    properties = {p["name"]: p["value"].get("value") for p in node.get("properties", [])}
    return node["role"]["value"], properties.get("expanded")


def test_the_header_is_one_row_and_the_menu_opens_with_the_keyboard(page):
    sign_in(page, f"coordination@{DEMO_DOMAIN}", demo_password("coordination"))
    assert page.url.endswith("/gestion/triage")  # the coordination lands on its work
    header = page.locator(".site-header").bounding_box()
    assert header["height"] <= 64  # one row, not the two to four rows of links
    triage = page.get_by_role("link", name="À trier")
    expect(triage).to_be_hidden()
    assert disclosure_state(page) == ("DisclosureTriangle", False)

    page.locator("summary.menu-button").focus()
    page.keyboard.press("Enter")
    expect(triage).to_be_visible()
    assert disclosure_state(page) == ("DisclosureTriangle", True)
    assert_accessible(page)
    page.keyboard.press("Tab")  # the first link of the menu comes next
    assert page.evaluate("document.activeElement.textContent") == "Signaler"
    page.locator("summary.menu-button").focus()
    page.keyboard.press("Space")
    expect(triage).to_be_hidden()


def test_the_menu_works_without_javascript(browser, live_server):
    context = browser.new_context(base_url=live_server, java_script_enabled=False, **PHONE)
    page = context.new_page()
    page.goto("/")
    walks = menu(page).get_by_role("link", name="Marches")
    walks.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Diagnostics en marchant")
    expect(page.get_by_role("heading", name="À venir et en cours")).to_be_visible()
    expect(page.get_by_role("heading", name="Passées")).to_be_visible()
    context.close()


@pytest.mark.parametrize(("account", "landing", "link"), [
    ("moderation", "/moderation", "Modération"),
    ("agent-hbh", "/gestion/organisme", "À traiter"),
    ("comite", "/comite/suivi", "Suivi"),
    ("habitante", "/", "Mon compte"),
])
def test_each_role_lands_on_its_work_with_its_links_in_the_menu(page, account, landing, link):
    sign_in(page, f"{account}@{DEMO_DOMAIN}", demo_password(account))
    assert urlparse(page.url).path == landing
    expect(menu(page).get_by_role("link", name=link, exact=True)).to_be_visible()
