"""Bodies compressed by the app when the client accepts it; static files under hashed
names, cached a year; the service worker still at its address."""

import gzip
import re
import uuid
from pathlib import Path

import brotli
import pytest

from tests.conftest import make_item


@pytest.fixture
def public_items():
    for n in range(3):
        make_item(publish=True, description=f"Tags sur le mur du parking, côté {n}")


@pytest.mark.parametrize("path", ["/signalements", "/api/v1/items", "/static/css/app.css"])
@pytest.mark.parametrize(("accepted", "encoding", "decompress"), [
    ("gzip", "gzip", gzip.decompress),
    ("gzip, deflate, br", "br", brotli.decompress),
])
def test_a_body_is_compressed_when_the_client_accepts_it(client, public_items, path,
                                                          accepted, encoding, decompress):
    plain = client.get(path, headers={"Accept-Encoding": "identity"})
    assert plain.status_code == 200 and "Content-Encoding" not in plain.headers
    packed = client.get(path, headers={"Accept-Encoding": accepted})
    assert packed.headers["Content-Encoding"] == encoding
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert decompress(packed.data) == plain.data
    assert len(packed.data) < len(plain.data)


def test_no_body_is_compressed_for_a_client_that_does_not_say_it_accepts_it(client):
    response = client.get("/signalements")
    assert "Content-Encoding" not in response.headers


def test_pages_name_static_files_by_their_content_and_those_names_are_kept_a_year(client):
    page = client.get("/signalements").get_data(as_text=True)
    names = re.findall(r'(?:src|href)="(/(?:static|vendor)/[^"]+)"', page)
    assert any(re.search(r"/static/js/map\.[0-9a-f]{12}\.js$", name) for name in names), names
    assert any(re.search(r"/static/css/app\.[0-9a-f]{12}\.css$", name) for name in names)
    for name in names:
        response = client.get(name)
        assert response.status_code == 200, name
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"


def test_a_name_without_the_current_hash_is_served_but_never_kept(client):
    current = client.get("/static/js/map.js")
    assert current.headers["Cache-Control"] == "no-cache"
    stale = client.get("/static/js/map.0123456789ab.js")  # from a page cached before an update
    assert stale.status_code == 200 and stale.data == current.data
    assert stale.headers["Cache-Control"] == "no-cache"
    assert client.get("/static/js/absent.0123456789ab.js").status_code == 404
    assert client.get("/static/../config.0123456789ab.py").status_code == 404


def test_the_service_worker_keeps_its_address_and_is_never_kept_by_http(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-cache"
    assert response.headers["Service-Worker-Allowed"] == "/"
    page = client.get("/signaler").get_data(as_text=True)
    # registered at its plain address, told the hashed name of the code it imports
    assert re.search(r'data-sw="/sw\.js\?outbox=/static/js/outbox\.[0-9a-f]{12}\.js"', page)


@pytest.mark.parametrize("name", ["js/capture.js", "js/outbox.js", "css/app.css"])
def test_own_scripts_and_stylesheets_are_sent_without_comments_and_spaces(client, name):
    page = client.get("/signaler").get_data(as_text=True)
    stem, suffix = name.rsplit(".", 1)
    url = re.search(rf'/static/{stem}\.[0-9a-f]{{12}}\.{suffix}', page).group(0)
    with client.get(url, headers={"Accept-Encoding": "identity"}) as response:
        sent = response.get_data(as_text=True)
    source = (Path(client.application.static_folder) / name).read_text(encoding="utf-8")
    assert len(sent) < len(source) * 0.8
    assert "/*" not in sent and "\n//" not in sent
    # nothing renamed: every word of the code is still there
    assert set(re.findall(r"[A-Za-z_]\w{3,}", sent)) <= set(re.findall(r"[A-Za-z_]\w{3,}",
                                                                        source))


def test_leaflets_copy_is_sent_as_the_cdn_has_it(client):
    from xstatic.pkg import leaflet

    with client.get("/vendor/leaflet/leaflet.css",
                    headers={"Accept-Encoding": "identity"}) as response:
        assert response.data == (Path(leaflet.BASE_DIR) / "leaflet.css").read_bytes()


def test_static_files_are_compressed_at_the_strongest_setting_once_per_version(client):
    """Leaflet's script, the heaviest file of the capture page: a phone asking for brotli
    (as browsers do first) gets it at quality 11, smaller than in gzip, not at the quick
    quality pages are compressed at as they are made (43.7 KB, more than gzip's 42.4)."""
    url = "/vendor/leaflet/leaflet.js"
    plain = client.get(url, headers={"Accept-Encoding": "identity"}).data
    packed = client.get(url, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert packed.headers["Content-Encoding"] == "br"
    assert brotli.decompress(packed.data) == plain
    assert packed.data == brotli.compress(plain, quality=11)
    zipped = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.data) == plain
    assert len(packed.data) < len(zipped.data) == len(gzip.compress(plain, 9, mtime=0))
    assert int(packed.headers["Content-Length"]) == len(packed.data)


def test_a_compressed_static_file_is_revalidated_by_its_own_validator(client):
    """Each encoding is its own representation: its validator differs, and a browser
    asking again with the one it holds is told its copy is still good."""
    url = "/static/js/map.js"  # a name without its hash: sent no-cache, so revalidated
    validators = {}
    for accepted in ("identity", "gzip", "br"):
        response = client.get(url, headers={"Accept-Encoding": accepted})
        assert response.status_code == 200
        validators[accepted] = response.headers["ETag"]
        again = client.get(url, headers={"Accept-Encoding": accepted,
                                         "If-None-Match": response.headers["ETag"]})
        assert again.status_code == 304 and again.data == b""
    assert len(set(validators.values())) == 3


@pytest.mark.parametrize("accepted", ["identity", "gzip", "gzip, deflate, br"])
def test_a_static_file_asked_for_in_part_is_sent_whole(client, accepted):
    """Files are minified and compressed whole, so a part of them would be a part of
    another representation (the file on disk, under the validator of the one sent): a
    browser asking for a range gets the whole file, as it gets it without asking."""
    url = "/static/js/capture.js"
    whole = client.get(url, headers={"Accept-Encoding": accepted})
    part = client.get(url, headers={"Accept-Encoding": accepted, "Range": "bytes=0-99"})
    assert part.status_code == 200 and "Content-Range" not in part.headers
    assert part.data == whole.data
    assert part.headers["ETag"] == whole.headers["ETag"]
    assert part.headers.get("Accept-Ranges", "none") == "none"


def test_a_changed_static_file_is_sent_changed_without_a_restart(client):
    """What is made from a file (its digest, minified and compressed bodies) is kept under
    its version: a file changed in place is made again at the next request."""
    folder = Path(client.application.static_folder) / "js"
    path = folder / f"changed-{uuid.uuid4().hex}.js"
    try:
        for text in ("var first = 1; /* a comment */\n" * 200,
                     "var second = 22; /* another */\n" * 250):
            path.write_text(text, encoding="utf-8")
            url = f"/static/js/{path.name}"
            plain = client.get(url, headers={"Accept-Encoding": "identity"})
            packed = client.get(url, headers={"Accept-Encoding": "br"})
            assert plain.status_code == 200 and packed.headers["Content-Encoding"] == "br"
            assert "/*" not in plain.get_data(as_text=True)
            assert plain.get_data(as_text=True).count("var ") == text.count("var ")
            assert brotli.decompress(packed.data) == plain.data
    finally:
        path.unlink(missing_ok=True)
