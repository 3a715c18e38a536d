"""A live Arpenteur (its own SQLite database, seeded by the real commands) and Chromium.

Chromium is Debian's (/usr/bin/chromium), driven by Playwright; pages are opened at a
phone viewport. Every page is checked for script errors and axe-core violations.

When a test fails, its report ends with what each of its pages showed then (address and
text) and everything they wrote to the console: a failure seen once in CI, on a machine
that is gone, can still be read.
"""

import contextlib
import datetime
import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import sync_playwright

from config import BASE_DIR
from tests.live import flask_server

STAFF = "coordination.capture@example.org"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update"]
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
         "device_scale_factor": 2, "locale": "fr-FR"}
LAPTOP = {"viewport": {"width": 1280, "height": 800}, "locale": "fr-FR"}

pytestmark = pytest.mark.browser
# The pages a test opened, with the console lines each wrote: (page, [lines]).
WATCHED = pytest.StashKey[list]()
SHOWN_TEXT = 4000  # characters of a page's text kept in a failure's report


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """A failed test's report gets a section per page it opened (while they are still
    open: the fixtures close them afterwards)."""
    report = yield
    if report.when == "call" and report.failed:
        for number, (tab, lines) in enumerate(item.stash.get(WATCHED, []), start=1):
            report.sections.append((f"page {number} when the test failed", _shown(tab, lines)))
    return report


def _shown(tab, lines):
    try:
        text = tab.locator("body").inner_text(timeout=2000)[:SHOWN_TEXT]
    except Exception as error:  # a closed or crashed page still has its console to show
        text = f"(its text could not be read: {error})"
    return "\n".join([f"address: {tab.url}", text, "console:", *lines])


def _watch(request, tab):
    """Keep `tab`'s console lines, all of them, for the report of a failure."""
    lines = []
    tab.on("console", lambda message: lines.append(f"{message.type}: {message.text}"))
    tab.on("pageerror", lambda error: lines.append(f"script error: {error}"))
    request.node.stash.setdefault(WATCHED, []).append((tab, lines))


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
    with flask_server(env, workdir / "server.log") as base:
        yield base


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _checked_page(request, browser, live_server, device):
    """A page of `device` that fails the test on any script error or console error."""
    context = browser.new_context(base_url=live_server, **device)
    tab = context.new_page()
    _watch(request, tab)
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


@pytest.fixture
def page(request, browser, live_server):
    """A phone-sized page that fails the test on any script error or console error."""
    yield from _checked_page(request, browser, live_server, PHONE)


@pytest.fixture
def laptop_page(request, browser, live_server):
    """The same at a laptop's size."""
    yield from _checked_page(request, browser, live_server, LAPTOP)


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


@pytest.fixture
def phone(request, browser, live_server):
    """Opens phone pages (new_context options: geolocation, base_url...), each in its own
    context unless `context` is given. Script errors fail the test, and so do console
    errors, except the browser's own log of an answer the page expects: a 422 from the
    API, a 429 or a 503 it retries later, or no network while the test has cut it."""
    contexts, problems = [], []

    def open_page(context=None, **options):
        if context is None:
            context = browser.new_context(**{"base_url": live_server, **PHONE, **options})
            contexts.append(context)
        tab = context.new_page()
        _watch(request, tab)
        tab.on("pageerror", lambda error: problems.append(f"script error: {error}"))

        def on_console(message):
            expected = message.text.startswith("Failed to load resource") and (
                any(f"status of {code}" in message.text for code in (422, 429, 503))
                or "ERR_INTERNET_DISCONNECTED" in message.text or "ERR_FAILED" in message.text)
            if message.type == "error" and not expected:
                problems.append(f"console: {message.text} ({message.location.get('url')})")

        tab.on("console", on_console)
        return tab

    yield open_page
    for context in contexts:
        context.close()
    assert problems == []


@pytest.fixture(scope="session")
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
    """Every item (pending ones too, as staff see them) whose description holds `words`."""
    features = api(base, "/api/v1/items", token)["features"]
    return [f for f in features if words in (f["properties"]["description"] or "")]


@contextlib.contextmanager
def live_database(live_env):
    """An app context on the live server's database, for what no page or API answer shows."""
    from app import create_app
    from app.extensions import db
    from config import DevelopmentConfig

    class LiveConfig(DevelopmentConfig):
        SQLALCHEMY_DATABASE_URI = live_env["DATABASE_URL"]
        UPLOAD_DIR = live_env["UPLOAD_DIR"]

    with create_app(LiveConfig()).app_context():
        try:
            yield db.session
        finally:
            db.engine.dispose()


def plan_live_walk(live_env, title, stop_names=("Mont Blanc (bus)", "Kennedy (bus)")):
    """An ongoing day walk on real stops of the gazetteer, planned through the walk service
    in the live server's database: {"id", "join" (its short link path), "stops": [(id, name)]}.
    It is dated before the demo walk, which stays the latest for the tour of every page."""
    from app.auth.services import find_user
    from app.demo.services import DEMO_DOMAIN
    from app.places.queries import all_places
    from app.walks import services

    with live_database(live_env) as session:
        places = {place.name: place for place in all_places()}
        coordinator = find_user(f"coordination@{DEMO_DOMAIN}")
        walk = services.plan_walk(coordinator, {
            "type": "jour", "title": title,
            "date": datetime.date.today() - datetime.timedelta(days=60),
            "start_time": datetime.time(0, 0), "meeting_point": stop_names[0],
            "sector": "Noyer Doré (tests)", "organisations": [],
            "stops": [{"name": name, "lon": places[name].lon, "lat": places[name].lat}
                      for name in stop_names]})
        services.change_walk_status(coordinator, walk, "ongoing")
        session.commit()
        return {"id": walk.id, "join": f"/m/{walk.join_code}",
                "stops": [(stop.id, stop.name) for stop in walk.stops]}


def menu(page):
    """The header's navigation, its Menu button opened as a person on a phone would."""
    button = page.locator("summary.menu-button")
    if button.is_visible() and not page.locator("details.menu").evaluate("menu => menu.open"):
        button.click()
    return page.locator("nav.menu-panel")
