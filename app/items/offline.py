"""What a phone keeps to capture with no signal: the one list of files and data that the
capture page and a walk's join page hand to the service worker (app/static/js/sw.js), and
the address the worker is registered at. Static files are named through `url_for` here
only, so renaming them (content-hashed names, say) changes nothing else."""

from flask import url_for

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
