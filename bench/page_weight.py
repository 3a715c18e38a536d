"""Compressed weight of a page and of the stylesheets and scripts it links.

The design budget is "own JS + CSS + HTML of a page <= 60 KB compressed, Leaflet and map
tiles excluded", so Leaflet's files are weighed but kept apart from the page's own. The
capture page has a stricter one: everything it loads, Leaflet included, <= 70 KB gzipped;
with `everything=True` the images it shows (icons, pictogram sprites) and what its scripts
fetch or register (the map's data in `data-src`, the service worker in `data-sw`) are
weighed too.
"""

import gzip
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from harness import BenchError, request

LEAFLET_PREFIX = "/vendor/leaflet/"


class LinkedAssets(HTMLParser):
    """Collects <link rel=stylesheet href> and <script src> URLs in document order, and
    with `everything` icons, images, sprites (<use href>) and the data-src/data-sw
    addresses the page's scripts load."""

    def __init__(self, everything=False):
        super().__init__()
        self.urls, self.everything = [], everything

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        rel = (attributes.get("rel") or "").lower().split()
        found = []
        if tag == "link" and "stylesheet" in rel:
            found.append(attributes.get("href"))
        elif tag == "script":
            found.append(attributes.get("src"))
        if self.everything:
            if tag == "link" and "icon" in rel or tag == "use":
                found.append((attributes.get("href") or "").split("#")[0])
            found += [attributes.get(name) for name in ("data-src", "data-sw")]
            if tag == "img":
                found.append(attributes.get("src"))
        self.urls += [url for url in found if url and url not in self.urls]


def gzipped_size(data):
    """Bytes after gzip -9, the best a server could send, so the budget is judged on that."""
    return len(gzip.compress(data, compresslevel=9, mtime=0))


def weigh_page(page_url, everything=False):
    """Return (own, leaflet): lists of (path, gzipped bytes); own starts with the HTML."""
    html = _fetch(page_url)
    parser = LinkedAssets(everything)
    parser.feed(html.decode())
    parser.close()
    own = [(urlsplit(page_url).path or "/", gzipped_size(html))]
    leaflet = []
    for url in (urljoin(page_url, link) for link in parser.urls):
        path = urlsplit(url).path
        weighed = (path, gzipped_size(_fetch(url)))
        (leaflet if path.startswith(LEAFLET_PREFIX) else own).append(weighed)
    return own, leaflet


def _fetch(url):
    status, body = request(url)
    if status != 200:
        raise BenchError(f"{url} answered {status}; its weight would be that of an error page")
    return body
