"""A resident opens an account on a phone: sign-up, the e-mail (delivered by `flask outbox
send` to a real SMTP server on loopback), confirmation, then signing in again."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, flask_command, menu, sign_in

pytestmark = pytest.mark.browser

EMAIL = "nouvelle-habitante@example.org"
PASSWORD = "tulipe-velo-orage-carton"


def delivered_to(address, live_env, smtp):
    """The bodies of the e-mails to `address` (the live server's other tests queue theirs)."""
    flask_command({**live_env, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(smtp.port)},
                  "outbox", "send")
    return [m.get_payload(decode=True).decode() for m in smtp.messages
            if m["To"] == address]


def test_sign_up_confirm_then_sign_in_on_a_phone(page, live_env, smtp):
    page.goto("/connexion")
    page.get_by_role("link", name="Pas encore de compte ? Créer un compte habitant").click()
    assert_accessible(page)
    page.get_by_label("Adresse e-mail").fill(EMAIL)
    page.get_by_label("Mot de passe", exact=True).fill("azertyuiop")
    page.get_by_label("Le même mot de passe, une seconde fois").fill("azertyuiop")
    page.get_by_role("button", name="Créer mon compte").click()
    expect(page.get_by_role("alert")).to_contain_text("trop courant")
    assert_accessible(page)
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.get_by_label("Le même mot de passe, une seconde fois").fill(PASSWORD)
    page.get_by_role("button", name="Créer mon compte").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vérifiez vos e-mails")
    assert_accessible(page)

    [body] = delivered_to(EMAIL, live_env, smtp)
    link = re.search(r"https?://\S+(/inscription/confirmer/\S+)", body).group(1)
    page.goto(link)
    page.get_by_label("Le mot de passe choisi à l'inscription").fill(PASSWORD)
    page.get_by_role("button", name="Créer mon compte").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon compte")
    expect(page.locator(".flash")).to_contain_text("Votre compte est créé")
    assert_accessible(page)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0

    menu(page).get_by_role("button", name="Se déconnecter").click()
    sign_in(page, EMAIL, PASSWORD)
    expect(menu(page).get_by_role("link", name="Mon compte")).to_be_visible()
