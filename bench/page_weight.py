"""Compressed weight of a page and of the stylesheets and scripts it links.

The design budget is "own JS + CSS + HTML of a page <= 60 KB compressed, Leaflet and map
tiles excluded", so Leaflet's files are weighed but kept apart from the page's own.
"""

import gzip
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from harness import BenchError, request

LEAFLET_PREFIX = "/vendor/leaflet/"


class LinkedAssets(HTMLParser):
    """Collects <link rel=stylesheet href> and <script src> URLs in document order."""

    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "link" and "stylesheet" in (attributes.get("rel") or "").lower().split():
            url = attributes.get("href")
        elif tag == "script":
            url = attributes.get("src")
        else:
            return
        if url:
            self.urls.append(url)


def gzipped_size(data):
    """Bytes after gzip -9, the best a server could send, so the budget is judged on that."""
    return len(gzip.compress(data, compresslevel=9, mtime=0))


def weigh_page(page_url):
    """Return (own, leaflet): lists of (path, gzipped bytes); own starts with the HTML."""
    html = _fetch(page_url)
    parser = LinkedAssets()
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
