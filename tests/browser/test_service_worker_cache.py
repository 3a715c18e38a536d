"""The phone's copy of the capture page's files follows their content-hashed names: when a
new version of the files (or of the service worker) arrives, the older names are dropped,
and capture still opens with no signal."""

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible
from tests.browser.test_offline_capture import open_capture

pytestmark = pytest.mark.browser

CACHE = "arpenteur-capture-v2"
OLDER = "/static/js/capture.0123456789ab.js"  # a name an older version had
HASHED = re.compile(r"^/(static|vendor)/.+\.[0-9a-f]{12}\.[^./]+$")  # as sw.js knows them
NEVER_ANSWERED = "/static/img/never-answered.png"
MISSING = "/static/img/missing.0123456789ab.png"  # a hashed name no file has

KEPT_PATHS = """async (cacheName) => {
  const cache = await caches.open(cacheName);
  return (await cache.keys()).map((request) => new URL(request.url).pathname);
}"""

KEEP_OLDER = """async ([cacheName, older]) => {
  const cache = await caches.open(cacheName);
  await cache.put(older, new Response("// an older version"));
  return (await cache.keys()).map((request) => new URL(request.url).pathname);
}"""

# Answers once the page's controller is the worker whose address ends with `ending`, and
# that worker is activated (its activation waits for the pruning). The controller is
# followed, not the registration, whose attributes may lag behind.
CONTROLLED_BY = """async (ending) => {
  const container = navigator.serviceWorker;
  const isIt = (worker) => worker && worker.scriptURL.endsWith(ending);
  while (!isIt(container.controller)) {
    await new Promise((resolve) => container.addEventListener("controllerchange", resolve,
                                                              { once: true }));
  }
  const worker = container.controller;
  while (worker.state !== "activated") {
    await new Promise((resolve) => worker.addEventListener("statechange", resolve,
                                                           { once: true }));
  }
  return worker.scriptURL;
}"""
NEXT = "&version=next"
CHANGES_IN_A_ROW = 6

# The workers of the page's registration and their states.
WORKERS = """async () => {
  const registration = await navigator.serviceWorker.getRegistration("/");
  const state = (worker) => worker && `${worker.scriptURL} (${worker.state})`;
  return { controller: state(navigator.serviceWorker.controller),
           installing: state(registration.installing), waiting: state(registration.waiting),
           active: state(registration.active) };
}"""


def controlled_by(page, ending, seconds=30):
    """The address of the worker ending with `ending` once it controls the page, activated;
    None after `seconds` (a browser that never activates it fails the test instead of
    holding the run), with the registration's workers in the report."""
    taken_over = page.evaluate(f"""(ending) => Promise.race([({CONTROLLED_BY})(ending),
      new Promise((resolve) => setTimeout(() => resolve(null), {seconds * 1000}))])""", ending)
    assert taken_over, f"not activated within {seconds} s: {page.evaluate(WORKERS)}"
    return taken_over


# Registers the worker under its address followed by another parameter, as a new version.
REGISTER = """(added) => navigator.serviceWorker.register(
  document.querySelector("[data-sw]").dataset.sw + added, { scope: "/" }).then(() => null)"""


def new_version_active(page, added=NEXT):
    """Registers the worker under another address, as a new version would be: it installs,
    takes the page over as its activation starts, and this returns once it is activated."""
    page.evaluate(REGISTER, added)
    return controlled_by(page, added)


def own_version_active(page):
    """Waits until the worker at the page's own address (registered again by the page, a
    new version after new_version_active) controls it, activated."""
    return controlled_by(page, page.evaluate(
        "() => document.querySelector('[data-sw]').dataset.sw"))


def hang_downloads_of_never_answered(context):
    """Requests for NEVER_ANSWERED, the worker's included, are held and never answered: a
    download that hangs, as one may for minutes on a weak link."""
    context.route("**" + NEVER_ANSWERED, lambda route: None)


def current_capture_script(page):
    return page.evaluate(
        "() => new URL(document.querySelector('script[src*=\"/js/capture.\"]').src).pathname")


def test_a_new_service_worker_drops_the_files_of_an_older_version(phone):
    page = phone()
    open_capture(page)
    assert OLDER in page.evaluate(KEEP_OLDER, [CACHE, OLDER])
    assert new_version_active(page).endswith(NEXT)
    kept = page.evaluate(KEPT_PATHS, CACHE)
    assert OLDER not in kept
    assert current_capture_script(page) in kept and "/signaler" in kept
    open_capture(page)  # the page registers its own worker's address again
    own_version_active(page)
    page.context.set_offline(True)
    page.reload()  # what is kept still opens with no signal, map and all
    page.wait_for_selector("[data-map][data-ready=true]")


def test_versions_in_a_row_each_take_over_the_capture_page(phone):
    """A version that finishes installing while the page's navigation is handed from the
    version it replaces may be left waiting by Chromium, and every navigation of the site
    with it; the version skips waiting once more (sw.js, SKIP_AGAIN). That happens in about
    one change of version in five: the page changes version back and forth."""
    page = phone()
    open_capture(page)
    for turn in range(CHANGES_IN_A_ROW):
        new_version_active(page, f"{NEXT}-{turn}")
        open_capture(page)  # registers its own worker's address again
        own_version_active(page)
    page.context.set_offline(True)
    page.reload()  # a navigation goes on with no signal: no version left waiting holds it
    page.wait_for_selector("[data-map][data-ready=true]")


def test_a_version_that_takes_over_an_open_capture_page_is_handed_its_files(phone):
    """A new version may activate while the page is open (registered from another tab, or
    its state events missed): the page hands its list to the worker that now controls it."""
    page = phone()
    open_capture(page)
    page.evaluate("""async (cacheName) => {
      delete document.documentElement.dataset.offlineReady;
      await caches.delete(cacheName);
    }""", CACHE)
    new_version_active(page)
    page.wait_for_selector("html[data-offline-ready=true]")
    kept = page.evaluate(KEPT_PATHS, CACHE)
    assert current_capture_script(page) in kept and "/signaler" in kept


def test_a_capture_page_of_a_new_version_drops_the_older_files(phone):
    page = phone()
    open_capture(page)
    page.evaluate(KEEP_OLDER, [CACHE, OLDER])
    open_capture(page)  # ready once its files are kept and the older ones dropped
    kept = page.evaluate(KEPT_PATHS, CACHE)
    assert OLDER not in kept and current_capture_script(page) in kept


def pages_sent(live_env, path):
    """How many times the live server has sent `path` (its log's request lines)."""
    log = (Path(live_env["UPLOAD_DIR"]) / "server.log").read_text()
    return len(re.findall(rf'"GET {re.escape(path)} HTTP/[\d.]+" 200 ', log))


def test_a_first_visit_downloads_the_capture_page_once(phone, live_env):
    """On a weak link every download counts: the service worker keeps the copy of the page
    the browser has just received, from the browser's cache, instead of downloading it
    again."""
    page = phone()
    before = pages_sent(live_env, "/signaler")
    open_capture(page)
    assert "/signaler" in page.evaluate(KEPT_PATHS, CACHE)
    assert pages_sent(live_env, "/signaler") - before == 1


def test_a_second_visit_downloads_none_of_the_kept_files_with_hashed_names(phone, live_env):
    """A hashed name's content never changes: the phone downloads such a file once, and a
    visit only fetches the page (once) and its data again (on a weak link every download
    counts)."""
    page = phone()
    open_capture(page)
    fetched = []
    page.context.on("request", lambda request: fetched.append(urlsplit(request.url).path)
                    if request.service_worker else None)
    before = pages_sent(live_env, "/signaler")
    open_capture(page)
    assert "/signaler" in fetched
    assert [path for path in fetched if HASHED.match(path)] == []
    assert pages_sent(live_env, "/signaler") - before == 1


# Hands the worker the page's own address with `stamp`; answers with its reply.
HAND_PAGE = """(stamp) => new Promise((resolve) => {
  const container = navigator.serviceWorker;
  container.addEventListener("message", (event) => resolve(event.data), { once: true });
  container.controller.postMessage({ precache: [location.pathname], stamp });
})"""


def test_the_worker_keeps_the_browsers_copy_only_when_it_is_that_very_page(phone, live_env):
    """The stamp tells the copy the browser holds from the page that hands the list: for
    any other stamp (the page came from a form's answer, say), the worker downloads it."""
    page = phone()
    open_capture(page)
    own = page.evaluate("() => document.querySelector('[data-stamp]').dataset.stamp")
    before = pages_sent(live_env, "/signaler")
    assert page.evaluate(HAND_PAGE, own) == "kept"
    assert pages_sent(live_env, "/signaler") == before
    assert page.evaluate(HAND_PAGE, "another-copy-of-the-page") == "kept"
    assert pages_sent(live_env, "/signaler") == before + 1


def test_a_page_is_ready_offline_while_a_new_version_waits_to_take_over(phone):
    """The browser holds a new version's activation while the worker it replaces is busy
    (here with a download that never ends): a capture page that worker controls is told
    its files are kept by it, without waiting for the new version."""
    page = phone()
    open_capture(page)
    hang_downloads_of_never_answered(page.context)
    page.evaluate("""(never) => {
      const image = new Image();
      image.src = never;
      const address = document.querySelector("[data-sw]").dataset.sw + "&version=next";
      return navigator.serviceWorker.register(address, { scope: "/" }).then(() => null);
    }""", NEVER_ANSWERED)
    other = phone(context=page.context)
    open_capture(other)
    assert not other.evaluate("() => navigator.serviceWorker.controller.scriptURL").endswith(
        NEXT), "the new version took over: the test proved nothing"


def test_a_download_that_hangs_is_given_up_and_a_new_version_then_takes_over(phone):
    """A download that never ends would keep the worker busy, and the browser holds a new
    version's activation until the worker it replaces is idle: the worker gives the
    download up after its wait (shortened here through its address), tells the page its
    files are not all kept, and the new version takes over."""
    page = phone()
    open_capture(page)
    hang_downloads_of_never_answered(page.context)
    new_version_active(page, "&wait=1500")
    with page.context.expect_event("request",
                                   lambda request: request.url.endswith(NEVER_ANSWERED)):
        page.evaluate("(never) => navigator.serviceWorker.controller.postMessage("
                      "{ precache: [never] })", NEVER_ANSWERED)
    page.wait_for_selector("html[data-offline-ready=false]")
    page.evaluate(REGISTER, NEXT)
    assert controlled_by(page, NEXT, seconds=20).endswith(NEXT)


def test_a_read_that_hangs_does_not_hold_a_new_version(phone):
    """A page's read of its data through the worker (the perimeter here) may hang on a weak
    link: the page gets the kept copy after NETWORK_WAIT, and the worker stops waiting for
    the network after DOWNLOAD_WAIT, so that a new version takes over."""
    page = phone()
    open_capture(page)
    new_version_active(page, "&wait=1500")
    page.context.route("**/api/v1/perimeters", lambda route: None)
    with page.context.expect_event("request", lambda request: request.service_worker is not None
                                   and request.url.endswith("/api/v1/perimeters")):
        page.evaluate("() => { fetch('/api/v1/perimeters'); }")
    page.evaluate(REGISTER, NEXT)
    assert controlled_by(page, NEXT, seconds=20).endswith(NEXT)


def test_a_download_that_hangs_does_not_hold_what_another_page_hands_over(phone):
    """On a weak link one download may hang for minutes: meanwhile the worker keeps what
    another page hands it, and tells that page."""
    page = phone()
    open_capture(page)
    hang_downloads_of_never_answered(page.context)
    with page.context.expect_event("request",
                                   lambda request: request.url.endswith(NEVER_ANSWERED)):
        page.evaluate("(never) => navigator.serviceWorker.controller.postMessage("
                      "{ precache: [never] })", NEVER_ANSWERED)
    other = phone(context=page.context)
    open_capture(other)
    assert current_capture_script(other) in page.evaluate(KEPT_PATHS, CACHE)


def test_a_resident_is_told_the_capture_page_will_open_with_no_signal(phone):
    """Before a walk, a resident can tell that Signaler will open where the signal is gone:
    the note under the form appears once the worker has kept every file of the page."""
    page = phone()
    open_capture(page)
    expect(page.locator("[data-offline-note]")).to_have_text(
        "Cette page est gardée sur ce téléphone : elle s'ouvrira même sans réseau.")
    expect(page.locator("[data-offline-note]")).to_be_visible()
    assert_accessible(page)


def test_a_page_with_a_file_the_phone_could_not_keep_does_not_say_it_opens_offline(phone):
    """A file the worker could not download (here a name the server does not know) leaves
    the page without its offline copy: the worker says so, and the note goes away."""
    page = phone()
    open_capture(page)
    page.evaluate("""(missing) => {
      const files = document.querySelector("[data-precache]").dataset.precache.split(" ");
      navigator.serviceWorker.controller.postMessage({ precache: [...files, missing] });
    }""", MISSING)
    page.wait_for_selector("html[data-offline-ready=false]")
    expect(page.locator("[data-offline-note]")).to_be_hidden()
    assert MISSING not in page.evaluate(KEPT_PATHS, CACHE)
