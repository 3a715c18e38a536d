"""Weight of a page and of the stylesheets and scripts it links, as the app sends them.

Each file is asked for with `Accept-Encoding: gzip` (the budgets are written in gzip) or,
as a phone's browser asks, `br, gzip`, and weighed as it arrives: compressed when the app
compressed it, whole when it did not, so the figure is what a phone downloads, not what a
server could send at best.

The design budget is "own JS + CSS + HTML of a page <= 60 KB compressed, Leaflet and map
tiles excluded", so Leaflet's files are weighed but kept apart from the page's own. The
capture page has a stricter one: everything it loads, Leaflet included, <= 70 KB gzipped;
with `everything=True` the images it shows (icons, pictogram sprites) and what its scripts
fetch or register (the map's data in `data-src`, the service worker in `data-sw`) are
weighed too, and so is what the service worker then asks for on a first visit: each
address of the page's `data-precache` list that the browser cannot take from its own
cache (one it has not loaded yet, or a page or data sent without a cache lifetime, which
the worker downloads again), except the page itself when the browser may store it: the
worker takes that very copy from the browser's cache (app/items/offline.py).
"""

import gzip
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import brotli
from harness import BenchError, exchange
from werkzeug.datastructures import ResponseCacheControl
from werkzeug.http import parse_cache_control_header

LEAFLET_PREFIX = "/vendor/leaflet/"
GZIP = "gzip"
PHONE = "br, gzip"  # what a phone's browser asks for (brotli first)


class LinkedAssets(HTMLParser):
    """Collects <link rel=stylesheet href> and <script src> URLs in document order, and
    with `everything` icons, images, sprites (<use href>) and the data-src/data-sw
    addresses the page's scripts load."""

    def __init__(self, everything=False):
        super().__init__()
        self.urls, self.everything, self.precache = [], everything, []

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
            self.precache += (attributes.get("data-precache") or "").split()
        self.urls += [url for url in found if url and url not in self.urls]


def weigh_page(page_url, everything=False, accepted=GZIP):
    """Return (own, leaflet): lists of (path, bytes as sent when `accepted` is asked for);
    own starts with the HTML, and with `everything` ends with what the service worker
    downloads again (the page itself is taken from the browser's cache when it may keep
    it)."""
    sent, cache_control, html = _fetch(page_url, accepted)
    parser = LinkedAssets(everything)
    parser.feed(html.decode())
    parser.close()
    page_path = urlsplit(page_url).path or "/"
    own = [(page_path, len(sent))]
    leaflet, reusable = [], set() if cache_control.no_store else {page_path}
    for url in (urljoin(page_url, link) for link in parser.urls):
        path = urlsplit(url).path
        body, file_cache_control, _text = _fetch(url, accepted)
        (leaflet if path.startswith(LEAFLET_PREFIX) else own).append((path, len(body)))
        if _browser_keeps(file_cache_control):
            reusable.add(path)
    for url in (urljoin(page_url, link) for link in parser.precache):
        path = urlsplit(url).path
        if path not in reusable:
            own.append((f"{path} (service worker)", len(_fetch(url, accepted)[0])))
    return own, leaflet


DECODERS = {"identity": bytes, "gzip": gzip.decompress, "br": brotli.decompress}


def _fetch(url, accepted):
    """(body as sent, its Cache-Control (werkzeug's ResponseCacheControl), the body
    decoded)."""
    status, headers, body = exchange(url, headers={"Accept-Encoding": accepted})
    if status != 200:
        raise BenchError(f"{url} answered {status}; its weight would be that of an error page")
    encoding = headers.get("Content-Encoding", "identity")
    if encoding != "identity" and encoding not in accepted:
        raise BenchError(f"{url} came {encoding}, asked for {accepted}")
    cache_control = parse_cache_control_header(headers.get("Cache-Control"),
                                               cls=ResponseCacheControl)
    return body, cache_control, DECODERS[encoding](body)


def _browser_keeps(cache_control):
    """True when a response may be reused from the browser's cache without asking again."""
    if cache_control.no_store or cache_control.no_cache:
        return False
    return (cache_control.max_age or 0) > 0
