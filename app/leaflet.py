"""Where Leaflet comes from: the CDN with integrity hashes, or the local XStatic copy.

The hashes are those of Leaflet 1.9.3, the version XStatic-Leaflet ships, so both
sources serve byte-identical files (a test checks the local copy against them).
"""

from flask import Blueprint, current_app, url_for
from xstatic.pkg import leaflet as xstatic_leaflet

from .security import LEAFLET_CDN

VERSION = "1.9.3"
INTEGRITY = {
    "leaflet.js": "sha256-WBkoXOwTeyKclOHuWtc+i2uENFpDZ9YPdf5Hf+D7ewM=",
    "leaflet.css": "sha256-kLaT2GOSpHechhsozzB+flnD+zUyjE2LlfWPgU04xyI=",
}

bp = Blueprint("leaflet", __name__, static_folder=xstatic_leaflet.BASE_DIR,
               static_url_path="/vendor/leaflet")


def leaflet_asset(name):
    """(url, integrity) of a Leaflet file for the configured source."""
    if current_app.config["LEAFLET_SOURCE"] == "local":
        return url_for("leaflet.static", filename=name), None
    return f"{LEAFLET_CDN}/leaflet@{VERSION}/dist/{name}", INTEGRITY[name]
