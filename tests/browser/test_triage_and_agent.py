import json
import re

import pytest
from playwright.sync_api import expect

from app.demo.services import DEMO_DOMAIN, demo_password
from tests.browser.conftest import assert_accessible, menu, sign_in
from tests.conftest import INSIDE

pytestmark = pytest.mark.browser


def report(page, description):
    """An item entered by the signed-in coordinator for a resident through the capture form
    (staff entries are not rate-limited, so other tests keep the anonymous budget)."""
    page.goto("/signaler")
    token = page.locator('input[name="csrf_token"]').first.get_attribute("value")
    response = page.request.post("/signaler", form={
        "csrf_token": token, "kind": "gusp", "category": "proprete", "on_behalf": "y",
        "description": description, "lon": str(INSIDE[0]), "lat": str(INSIDE[1])})
    assert response.ok, response.status
    return re.search(r"n° (\d{4}-\d{5})", response.text()).group(1)


def sign_in_as(page, local):
    sign_in(page, f"{local}@{DEMO_DOMAIN}", demo_password(local))


def test_the_coordinator_routes_then_the_agent_resolves_on_a_phone(page):
    sign_in_as(page, "coordination")
    reference = report(page, "Sacs éventrés devant l'entrée 12")
    menu(page).get_by_role("link", name="À trier").click()
    row = page.get_by_role("row", name=reference)
    assert "Ville d'Antony" in row.inner_text()  # suggested: public land, cleanliness
    assert_accessible(page)
    row.get_by_role("link", name=reference).click()
    page.locator("summary", has_text="Transmettre").click()
    assert page.get_by_label("Organisme", exact=True).input_value() == "ville-antony"
    assert_accessible(page)
    page.get_by_role("button", name="Transmettre").click()
    assert "C'est fait" in page.locator(".flashes").inner_text()
    menu(page).get_by_role("button", name="Se déconnecter").click()

    sign_in_as(page, "agent-ville")
    menu(page).get_by_role("link", name="À traiter").click()
    assert_accessible(page)
    page.get_by_role("link", name=reference).click()
    page.locator("summary", has_text="Prendre en compte").click()
    page.get_by_role("button", name="Prendre en compte").click()
    page.locator("summary", has_text="Marquer comme résolu").click()
    page.get_by_role("button", name="Marquer comme résolu").click()
    expect(page.locator(".error-summary")).to_be_visible()  # what was done is required
    assert_accessible(page)
    page.get_by_label("Ce qui a été fait (public)").fill("Sacs enlevés, zone nettoyée")
    page.get_by_role("button", name="Marquer comme résolu").click()
    facts = page.locator(".facts").inner_text()
    assert "Résolu" in facts
    assert "Sacs enlevés, zone nettoyée" in page.locator(".history").inner_text()
    assert_accessible(page)


def test_bulk_confirmation_from_the_queue(page):
    sign_in_as(page, "coordination")
    first, second = report(page, "Tag sur le banc"), report(page, "Papiers au sol")
    page.goto("/gestion/triage")
    for reference in (first, second):
        page.get_by_label(f"Choisir le signalement {reference}").check()
    page.get_by_role("button", name="Transmettre les signalements cochés").click()
    assert "2 signalements transmis" in page.locator(".flashes").inner_text()
    assert page.get_by_role("row", name=first).count() == 0
    assert_accessible(page)


def test_an_administrator_draws_a_zone_by_tapping_its_vertices(page):
    sign_in_as(page, "admin")
    page.goto("/admin/zones")
    page.wait_for_selector("[data-zone-map] path[stroke=\"#005a70\"]")  # the perimeter
    zone_map = page.locator("[data-zone-map]")
    box = zone_map.bounding_box()
    for dx, dy in ((-40, -40), (40, -40), (40, 40), (-40, 40)):
        zone_map.tap(position={"x": box["width"] / 2 + dx, "y": box["height"] / 2 + dy})
    geometry = json.loads(page.get_by_label("Contour (GeoJSON, longitude puis latitude)")
                          .input_value())
    assert geometry["type"] == "Polygon" and len(geometry["coordinates"][0]) == 5
    page.get_by_role("button", name="Retirer le dernier sommet").click()
    assert len(json.loads(page.locator("#geometry").input_value())["coordinates"][0]) == 4
    page.get_by_label("Nom de la zone").fill("Résidence dessinée")
    assert_accessible(page)
    page.get_by_role("button", name="Enregistrer la zone").click()
    assert page.get_by_role("row", name="Résidence dessinée").count() == 1
    assert_accessible(page)
