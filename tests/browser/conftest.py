"""A live Arpenteur (its own SQLite database, seeded by the real commands) and Chromium.

Chromium is Debian's (/usr/bin/chromium), driven by Playwright; pages are opened at a
phone viewport. Every page is checked for script errors and axe-core violations.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import sync_playwright

from config import BASE_DIR

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update"]
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
         "device_scale_factor": 2, "locale": "fr-FR"}

pytestmark = pytest.mark.browser


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def flask_command(env, *args):
    """Run `flask --app app ARGS` in `env`; return what it printed."""
    return subprocess.run([sys.executable, "-m", "flask", "--app", "app", *args], env=env,
                          cwd=BASE_DIR, check=True, capture_output=True, text=True).stdout


@pytest.fixture(scope="session")
def live_env(tmp_path_factory):
    """The live server's environment: `flask_command(live_env, ...)` acts on its database."""
    workdir = tmp_path_factory.mktemp("live")
    return {**os.environ, "ARPENTEUR_CONFIG": "development",
            "DATABASE_URL": f"sqlite:///{workdir / 'live.db'}", "UPLOAD_DIR": str(workdir),
            "LEAFLET_SOURCE": "local", "TILE_URL": "", "SECRET_KEY": "browser-tests",
            # every browser test submits and signs in from 127.0.0.1: shared limits would
            # bite them (the limits themselves are tested in tests/integration)
            "SUBMISSION_RATE_LIMIT": "1000 per minute", "LOGIN_RATE_LIMIT": "1000 per minute"}


@pytest.fixture(scope="session")
def live_server(live_env):
    """Base URL of a running server on a fresh, seeded database (SQLite)."""
    env, workdir = live_env, Path(live_env["UPLOAD_DIR"])
    for command in (["db", "upgrade"], ["geodata", "load"], ["seed-demo"]):
        flask_command(env, *command)
    port = _free_port()
    log = (workdir / "server.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "app", "run", "--port", str(port)],
        env=env, cwd=BASE_DIR, stdout=log, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _attempt in range(100):
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=1):
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError(Path(log.name).read_text())
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server):
    """A phone-sized page that fails the test on any script error or console error."""
    context = browser.new_context(base_url=live_server, **PHONE)
    tab = context.new_page()
    problems = []
    tab.on("pageerror", lambda error: problems.append(f"script error: {error}"))

    def on_console(message):
        # A form answered 401/422 on purpose logs "Failed to load resource" for the page
        # itself; any other console error is a defect.
        own_status = (message.text.startswith("Failed to load resource")
                      and message.location.get("url") == tab.url)
        if message.type == "error" and not own_status:
            problems.append(f"console: {message.text} ({message.location.get('url')})")

    tab.on("console", on_console)
    yield tab
    context.close()
    assert problems == []


_axe = Axe()


def assert_accessible(page):
    """Zero axe-core violations on the page as it stands."""
    results = _axe.run(page)
    assert results.violations_count == 0, results.generate_report()


def sign_in(page, email, password):
    """Sign in; the person lands on their work (or the home page)."""
    page.goto("/connexion")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(lambda url: "/connexion" not in url)


def menu(page):
    """The header's navigation, its Menu button opened as a person on a phone would."""
    button = page.locator("summary.menu-button")
    if button.is_visible() and not page.locator("details.menu").evaluate("menu => menu.open"):
        button.click()
    return page.locator("nav.menu-panel")
