import re
import urllib.error
import urllib.parse
import urllib.request

import pytest
from playwright.sync_api import expect

from app.demo.services import DEMO_DOMAIN, demo_password
from tests.browser.conftest import assert_accessible, sign_in
from tests.conftest import INSIDE

pytestmark = pytest.mark.browser


def open311_post(base, key):
    body = urllib.parse.urlencode({"api_key": key, "service_code": "tags",
                                   "lat": INSIDE[1], "long": INSIDE[0]}).encode()
    try:
        with urllib.request.urlopen(f"{base}/open311/v2/requests.json", body, timeout=10) as r:
            return r.status
    except urllib.error.HTTPError as error:
        return error.code


def test_an_administrator_gives_a_key_to_a_client_then_revokes_it_on_a_phone(page,
                                                                              live_server):
    sign_in(page, f"admin@{DEMO_DOMAIN}", demo_password("admin"))
    page.goto("/admin/comptes")
    page.get_by_role("link", name="Clés d'API Open311 des applications et des organismes").click()
    assert_accessible(page)
    page.get_by_role("button", name="Créer la clé").click()  # no name: refused, explained
    expect(page.locator(".error-summary")).to_contain_text("Nommez la clé")
    assert_accessible(page)
    page.get_by_label("Client (application ou organisme)").fill("Outil de suivi VSGP")
    page.get_by_role("button", name="Créer la clé").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Outil de suivi VSGP")
    assert_accessible(page)
    key = re.search(r"o311_\S+", page.locator("code").inner_text()).group(0)
    assert open311_post(live_server, key) == 201

    page.get_by_role("link", name="Retour aux clés").click()
    page.get_by_role("link", name="Outil de suivi VSGP").click()
    expect(page.get_by_role("table")).to_contain_text("POST /open311/v2/requests.json")
    assert_accessible(page)
    page.get_by_role("button", name="Révoquer cette clé").click()
    expect(page.locator(".flashes")).to_contain_text("est révoquée")
    assert open311_post(live_server, key) == 403
