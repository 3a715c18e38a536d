"""Rate limits as a person meets them on a phone, on a server of its own whose limits are
low (the shared one lifts them so other tests never meet them): a refusal is explained in
French, and an item refused for the moment stays on the phone instead of being lost."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, _checked_page, assert_accessible, flask_command
from tests.browser.test_offline_capture import SUBMIT, fill_item, open_capture, waiting
from tests.live import flask_server

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def limited_server(live_env, tmp_path_factory):
    workdir = tmp_path_factory.mktemp("limited")
    env = {**live_env, "DATABASE_URL": f"sqlite:///{workdir / 'limited.db'}",
           "UPLOAD_DIR": str(workdir),
           "SUBMISSION_RATE_LIMIT": "2 per hour", "LOGIN_RATE_LIMIT": "3 per hour"}
    for command in (["db", "upgrade"], ["geodata", "load"]):
        flask_command(env, *command)
    with flask_server(env, workdir / "server.log") as base:
        yield base


@pytest.fixture
def limited_page(request, browser, limited_server):
    yield from _checked_page(request, browser, limited_server, PHONE)


def test_too_many_sign_in_attempts_are_told_in_french(limited_page):
    page = limited_page
    for _attempt in range(3):
        page.goto("/connexion")
        page.get_by_label("Adresse e-mail").fill("quelquun@example.org")
        page.get_by_label("Mot de passe").fill("pas le bon")
        page.get_by_role("button", name="Se connecter").click()
        expect(page.get_by_role("alert")).to_be_visible()
    page.goto("/connexion")
    page.get_by_label("Adresse e-mail").fill("quelquun@example.org")
    page.get_by_label("Mot de passe").fill("pas le bon")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_text("Trop de tentatives en peu de temps. Patientez une minute puis "
                            "réessayez.")).to_be_visible()
    assert_accessible(page)


def test_an_item_refused_for_too_many_sends_stays_on_the_phone(phone, limited_server):
    page = phone(base_url=limited_server)
    open_capture(page)
    for number in (1, 2):
        fill_item(page, "Nuisibles", f"Rats près du local, envoi {number}")
        page.get_by_role("button", name=SUBMIT).click()
        expect(page.locator("[data-result] a", has_text="Suivre le signalement n°")
               ).to_have_count(number)
    fill_item(page, "Nuisibles", "Rats près du local, envoi 3")
    page.get_by_role("button", name=SUBMIT).click()
    expect(page.locator("[data-result]")).to_contain_text(
        "Trop d'envois depuis cette connexion : votre signalement est gardé sur ce téléphone")
    expect(waiting(page)).to_have_text("1 signalement en attente d'envoi")
    assert_accessible(page)
