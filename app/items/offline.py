"""What a phone keeps to capture with no signal: the one list of files and data that the
capture page and a walk's join page hand to the service worker (app/static/js/sw.js), and
the address the worker is registered at. Static files are named through `url_for` here
only, so renaming them (content-hashed names, say) changes nothing else.

A phone on a weak link downloads each of these pages once per visit: the worker keeps the
copy the browser has just received, from the browser's own cache, and knows it by the
stamp written in it. For that the browser must keep the copy (`private, no-cache`: never
in a shared cache, never used again without asking), and must find it again although the
first visit's page was asked for before the session cookie existed: such a response does
not vary by cookie (`KeptPagesSessionInterface`)."""

import secrets

from flask import url_for
from flask.sessions import SecureCookieSessionInterface

from app.leaflet import leaflet_asset

STATIC_FILES = ("css/app.css", "js/outbox.js", "js/offline.js", "js/sending.js", "js/capture.js",
                "img/categories.svg", "img/favicon.svg")
LEAFLET_FILES = ("leaflet.css", "leaflet.js")


def offline_files(*pages):
    """The URLs a capture page asks the service worker to keep, then `pages` (the page
    itself, and for a walk its stops' capture pages and its route)."""
    return [
        *(url_for("static", filename=name) for name in STATIC_FILES),
        *(leaflet_asset(name)[0] for name in LEAFLET_FILES),
        url_for("api_v1.perimeters"), url_for("capture.page"), *pages,
    ]


def service_worker_url():
    """/sw.js, told where the outbox code it shares with the pages is."""
    return url_for("items.service_worker", outbox=url_for("static", filename="js/outbox.js"))


KEPT_PAGE_HEADERS = {"Cache-Control": "private, no-cache"}


def copy_stamp():
    """A mark new at each making of a page the phone keeps (see the module's docstring)."""
    return secrets.token_urlsafe(12)


class KeptPagesSessionInterface(SecureCookieSessionInterface):
    """The session cookie, as Flask keeps it, except that a response only the browser keeps,
    and uses again only after asking (`private, no-cache`), does not say it varies by
    cookie: no other cache may keep it, and the browser's own copy must be found again by
    the service worker once the first visit has set the cookie (Chromium compares the
    request's cookie with the one the copy was asked with)."""

    def save_session(self, app, session, response):
        super().save_session(app, session, response)
        if response.cache_control.private and response.cache_control.no_cache:
            response.vary.discard("cookie")  # werkzeug finds the name in lower case only
