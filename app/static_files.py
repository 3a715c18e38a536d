"""Static files under content-hashed names, cached for a year.

`url_for("static", filename="js/map.js")` writes `/static/js/map.3f2a1b9c0d4e.js`: the name
changes whenever the file does, so a browser may keep it a year without asking again
(`immutable`), and a new version reaches everyone at once. The same holds for Leaflet's
local copy. A name without a hash, or with a hash that is no longer the file's (a page
cached before an update), is still served, with `no-cache`, so nothing breaks; the service
worker keeps whatever names the page it caches asks for.

The app's own scripts and stylesheets are sent without their comments and spaces (rjsmin,
rcssmin: nothing renamed), which takes a third off what a phone downloads; the files in
the repository keep them, and so does Leaflet's copy, byte-identical to the CDN's.

They are compressed once per file version, harder than pages are (see `Compressed`).
"""

import gzip
import hashlib
import re
from pathlib import Path

import brotli
import rcssmin
import rjsmin
from flask import current_app, request, send_from_directory
from werkzeug.exceptions import NotFound

from app.memo import Memo

DIGEST_LENGTH = 12
ONE_YEAR = 365 * 24 * 3600
_HASHED = re.compile(rf"(?P<stem>.+)\.(?P<digest>[0-9a-f]{{{DIGEST_LENGTH}}})(?P<suffix>\.[^./]+)")


def _endpoints(app):
    """{endpoint: folder} of the app's and blueprints' static files."""
    folders = {"static": app.static_folder}
    folders.update({f"{name}.static": blueprint.static_folder
                    for name, blueprint in app.blueprints.items() if blueprint.static_folder})
    return folders


def file_version(path):
    """What changes with the file at `path`: its name, time of change and size; None when
    there is no such file. What is made from a file is kept under it, so a changed file is
    made again without restarting the app."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return (str(path), stat.st_mtime_ns, stat.st_size)


class Digests:
    """Content digests of static files, computed once per file version."""

    def __init__(self):
        self._known = Memo(lambda version: hashlib.sha256(
            Path(version[0]).read_bytes()).hexdigest()[:DIGEST_LENGTH])

    def of(self, folder, filename):
        version = file_version(Path(folder) / filename)
        return None if version is None else self._known[version]


class Minified:
    """Scripts and stylesheets without comments and spaces, made once per file version."""

    MINIFIERS = {".js": rjsmin.jsmin, ".css": rcssmin.cssmin}

    def __init__(self):
        self._known = Memo(lambda version: self.MINIFIERS[Path(version[0]).suffix](
            Path(version[0]).read_text(encoding="utf-8")).encode())

    def of(self, path, version):
        """The minified bytes of `path` at `version`, or None for a file of another kind."""
        return self._known[version] if path.suffix in self.MINIFIERS else None


class Compressed:
    """Bodies of static files compressed once per file version and encoding, at the
    strongest setting: pages are compressed as they are made, with brotli's quality 4,
    which sent Leaflet's script as 43.7 KB to a phone asking for brotli (42.4 KB in gzip);
    quality 11 sends 36.8 KB, for a third of a second once per worker. Browsers ask for
    brotli first, so this is what a phone downloads."""

    ENCODINGS = {"br": lambda body: brotli.compress(body, quality=11),
                 "gzip": lambda body: gzip.compress(body, 9, mtime=0)}

    def __init__(self):
        self._known = {}

    def of(self, version, body, encoding):
        """`body`, the bytes sent for a file at `version`, compressed with `encoding`."""
        key = (version, encoding)
        if key not in self._known:
            self._known[key] = self.ENCODINGS[encoding](body)
        return self._known[key]


def chosen_encoding(response):
    """The encoding ("br", then "gzip") to send `response` in, as the app's compressor would
    choose it: one the client accepts, for a type it compresses and a body not too small;
    None to send the body as it is."""
    config = current_app.config
    encoding = request.accept_encodings.best_match(Compressed.ENCODINGS)
    if (encoding and response.mimetype in config["COMPRESS_MIMETYPES"]
            and response.content_length >= config["COMPRESS_MIN_SIZE"]):
        return encoding
    return None


def set_encoded(response, data, encoding):
    """Make `data`, the body compressed with `encoding`, what `response` sends."""
    response.set_data(data)
    response.headers["Content-Encoding"] = encoding  # the app's compressor leaves it
    response.vary.add("Accept-Encoding")


def hashed_name(filename, digest):
    """`js/map.js` -> `js/map.<digest>.js`; a name without an extension stays as it is."""
    stem, dot, suffix = filename.rpartition(".")
    return f"{stem}.{digest}.{suffix}" if dot and stem and "/" not in suffix else filename


def register_hashed_static(app):
    """Write hashed names in every URL of a static file, and serve them cached a year."""
    folders = _endpoints(app)
    digests = Digests()

    @app.url_defaults
    def add_digest(endpoint, values):
        folder = folders.get(endpoint)
        filename = values.get("filename")
        if folder and filename:
            digest = digests.of(folder, filename)
            if digest:
                values["filename"] = hashed_name(filename, digest)

    minified, compressed = Minified(), Compressed()
    for endpoint, folder in folders.items():
        app.view_functions[endpoint] = _static_view(
            folder, digests, minified if endpoint == "static" else None, compressed)


def _static_view(folder, digests, minified, compressed):
    def serve(filename):
        found = _HASHED.fullmatch(filename)
        immutable = False
        if found:
            plain = found["stem"] + found["suffix"]
            current = digests.of(folder, plain)
            if current is not None:
                filename, immutable = plain, current == found["digest"]
        return _send(folder, filename, immutable, minified, compressed)

    return serve


def _send(folder, filename, immutable, minified, compressed):
    # The version is taken before the file is read: a change in between is seen as a newer
    # version by the next request, and an older body is never kept under a newer version.
    path = Path(folder) / filename
    version = file_version(path)
    if version is None:
        raise NotFound()
    # Made conditional below, once the body is the one sent: werkzeug's ranges would cut
    # the file on disk, not the minified or compressed body (our files are small: whole).
    response = send_from_directory(folder, filename, max_age=ONE_YEAR if immutable else 0,
                                   conditional=False)
    # Read whole, to be minified and compressed once per version.
    response.direct_passthrough = False
    response.make_sequence()
    response.headers["Cache-Control"] = (f"public, max-age={ONE_YEAR}, immutable" if immutable
                                         else "no-cache")
    if minified is not None and (smaller := minified.of(path, version)) is not None:
        response.set_data(smaller)
    encoding = chosen_encoding(response)
    if encoding:
        set_encoded(response, compressed.of(version, response.get_data(), encoding), encoding)
        etag, weak = response.get_etag()
        if etag:  # another representation, another validator (as the compressor does)
            response.set_etag(f"{etag}:{encoding}", weak=weak)
    return response.make_conditional(request)
