"""The capture page's server side: what capture.js, offline.js, sending.js, outbox.js and the
service worker rely on. A signed-in person's kept item is posted to the form as JSON
(session, CSRF token, Idempotency-Key), never to the JSON API with the cookie."""

import io
import re
import threading
import uuid

from flask import url_for
from sqlalchemy import func, select

from app.extensions import db
from app.items.categories import CATEGORIES
from app.items.models import Item, Photo
from app.items.offline import STATIC_FILES
from app.walks.models import WalkFinding
from config import BASE_DIR
from tests import images
from tests.conftest import INSIDE, Auth, csrf_token, make_user, page_text
from tests.integration.test_walks import make_walk

SPRITE = BASE_DIR / "app" / "static" / "img" / "categories.svg"
JSON = {"Accept": "application/json"}


def static_url(client, name):
    """The address pages give a static file: its name carries its content hash."""
    with client.application.test_request_context():
        url = url_for("static", filename=name)
    assert re.fullmatch(r"/static/.+\.[0-9a-f]{12}\.\w+", url)
    return url


def attribute(page, name):
    match = re.search(rf'{name}="([^"]*)"', page)
    assert match, f"no {name} in the page"
    return match.group(1)


def test_the_service_worker_is_served_for_the_whole_site_and_never_cached(client):
    with client.get("/sw.js") as response:
        assert response.status_code == 200 and response.mimetype == "text/javascript"
        assert response.headers["Service-Worker-Allowed"] == "/"
        assert response.headers["Cache-Control"] == "no-cache"
        assert b'var CAPTURE="/signaler"' in response.data  # sent minified
        assert b"importScripts(outboxScript)" in response.data


def test_the_page_registers_the_worker_with_the_outbox_code_it_shares(client):
    page = page_text(client.get("/signaler"))
    sw = attribute(page, "data-sw")
    assert sw == f"/sw.js?outbox={static_url(client, 'js/outbox.js')}"
    for script in ("js/outbox.js", "js/offline.js", "js/sending.js", "js/capture.js"):
        assert f'src="{static_url(client, script)}"' in page


def test_every_file_the_phone_keeps_is_served(client):
    walk = make_walk()
    stop = walk.stops[0]
    page = page_text(client.get(f"/signaler?walk={walk.id}&stop={stop.id}"))
    kept = attribute(page, "data-precache").split()
    # this very page with its walk, and the walk's route and stops
    assert kept[-2:] == [f"/signaler?walk={walk.id}&stop={stop.id}", f"/api/v1/walks/{walk.id}"]
    assert {static_url(client, name) for name in STATIC_FILES} <= set(kept)
    assert {"/api/v1/perimeters", "/signaler"} <= set(kept)
    assert any(re.fullmatch(r"/vendor/leaflet/leaflet\.[0-9a-f]{12}\.js", url) for url in kept)
    for url in kept:
        with client.get(url) as response:
            assert response.status_code == 200, url


def test_the_pages_a_phone_keeps_are_kept_by_the_browser_alone_and_stamped_each_time(client):
    """The service worker takes the copy the browser has just received (sw.js, asReceived):
    the browser keeps it, no shared cache does, a first visit's copy (asked for without the
    session cookie) is found again with it, and each copy carries its own stamp."""
    walk = make_walk()
    for url in ("/signaler", f"/signaler?walk={walk.id}&stop={walk.stops[0].id}",
                f"/m/{walk.join_code}"):
        first, second = client.get(url), client.get(url)
        for response in (first, second):
            assert response.headers["Cache-Control"] == "private, no-cache", url
            assert "Cookie" not in response.vary and "Accept-Encoding" in response.vary, url
        stamps = {attribute(page_text(response), "data-stamp") for response in (first, second)}
        assert len(stamps) == 2 and all(len(stamp) >= 16 for stamp in stamps), url
    # Any other page that reads the session still varies by cookie.
    assert "Cookie" in client.get("/connexion").vary


def test_every_category_has_a_pictogram_tile_and_a_symbol_in_the_sprite(client):
    page = page_text(client.get("/signaler"))
    symbols = set(re.findall(r'<symbol id="([^"]+)"', SPRITE.read_text()))
    for category in CATEGORIES.values():
        assert category.pictogram in symbols
        # the sprite's name carries its content hash (app/static_files.py)
        assert re.search(rf'categories\.[0-9a-f]{{12}}\.svg#{category.pictogram}"', page)
        assert f'value="{category.code}"' in page


def test_places_carry_their_point_for_the_map_and_the_page_knows_who_captures(client, auth):
    page = page_text(client.get("/signaler"))
    options = re.findall(r'<option value="(\d+)" data-lon="([-\d.]+)" data-lat="([-\d.]+)"', page)
    assert len(options) >= 9  # the real public-transport stops
    assert all(2.27 < float(lon) < 2.30 and 48.73 < float(lat) < 48.75 for _, lon, lat in options)
    assert 'data-account=""' in page
    assert "Conservée 12 mois au plus après la clôture du signalement" in page
    user = auth.login("coordinator")
    assert f'data-account="{user.id}"' in page_text(client.get("/signaler"))


def test_the_session_answer_names_the_account_with_a_fresh_token_and_is_never_kept(client, auth):
    anonymous = client.get("/signaler/session")
    assert anonymous.headers["Cache-Control"] == "no-store"
    assert anonymous.get_json()["account"] is None and anonymous.get_json()["csrf_token"]
    user = auth.login("resident")
    signed_in = client.get("/signaler/session").get_json()
    assert signed_in["account"] == user.id and signed_in["csrf_token"]


def kept_form(client, key, **fields):
    """What outbox.js posts for a signed-in person: the typed fields, a token asked for just
    before, the entry's key twice (field and header), its photos, Accept: JSON."""
    token = client.get("/signaler/session").get_json()["csrf_token"]
    data = {"kind": "gusp", "category": "nuisibles", "description": "Rats près du local",
            "lon": str(INSIDE[0]), "lat": str(INSIDE[1]), "csrf_token": token,
            "idempotency_key": key, **fields}
    return client.post("/signaler", data=data, content_type="multipart/form-data",
                       headers={**JSON, "Idempotency-Key": key})


def test_a_kept_item_of_a_signed_in_resident_is_theirs_and_made_once(client, auth):
    user = auth.login("resident")
    key, photo = str(uuid.uuid4()), images.jpeg()
    first = kept_form(client, key, photo=[(io.BytesIO(photo), "rats.jpg")])
    again = kept_form(client, key, photo=[(io.BytesIO(photo), "rats.jpg")])  # the answer was lost
    assert (first.status_code, again.status_code) == (201, 200)
    body = first.get_json()
    assert body["id"] == again.get_json()["id"]
    assert "/suivi/" in body["tracking_url"] and body["tracking_url"] == again.get_json()[
        "tracking_url"]
    assert first.headers["Location"].endswith(f"/api/v1/items/{body['id']}")
    item = db.session.get(Item, body["id"])
    assert item.author_id == user.id and len(item.photos) == 1
    other = kept_form(client, key, description="Autre chose")  # the key with other content
    assert other.status_code == 422 and "idempotency_key" in other.get_json()["errors"]
    assert kept_form(client, "trop-courte").get_json()["errors"]["idempotency_key"]


def test_staff_entering_for_a_resident_offline_is_recorded_as_such(client, auth):
    staff = auth.login("coordinator")
    answer = kept_form(client, str(uuid.uuid4()), on_behalf="y")
    item = db.session.get(Item, answer.get_json()["id"])
    assert item.author_id is None and item.entered_by_id == staff.id


def test_a_kept_item_is_refused_field_by_field_in_json(client, auth):
    auth.login("resident")
    answer = kept_form(client, str(uuid.uuid4()), category="pas-une-categorie",
                       description="x" * 4001)
    assert answer.status_code == 422
    errors = answer.get_json()["errors"]
    assert errors["description"] == "La description dépasse 4000 caractères."
    answer = kept_form(client, str(uuid.uuid4()), lon="2.30", lat="48.74")
    assert "hors du quartier" in answer.get_json()["errors"]["location"]
    assert db.session.scalar(select(func.count(Item.id))) == 0


def test_without_the_token_nothing_is_made_and_the_answer_is_json(client, auth):
    auth.login("resident")
    answer = client.post("/signaler", data={"kind": "gusp", "category": "tags",
                                            "lon": str(INSIDE[0]), "lat": str(INSIDE[1])},
                         headers=JSON)
    assert answer.status_code == 400 and "expiré" in answer.get_json()["errors"]["_"]
    assert db.session.scalar(select(func.count(Item.id))) == 0


def test_two_tabs_sending_the_same_kept_item_at_once_make_one_item(app):
    user = make_user("resident")
    tabs = [app.test_client() for _ in range(4)]
    for tab in tabs:
        Auth(tab).login(user=user)
    answers, key = [], str(uuid.uuid4())

    def send(tab):
        answers.append(kept_form(tab, key).status_code)

    threads = [threading.Thread(target=send, args=(tab,)) for tab in tabs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == [200, 200, 200, 201]
    assert db.session.scalars(select(Item.author_id)).all() == [user.id]


def test_without_javascript_a_walk_capture_page_posts_a_finding_of_that_walk(client):
    walk = make_walk()
    stop = walk.stops[2]
    path = f"/signaler?walk={walk.id}&stop={stop.id}"
    page = page_text(client.get(path))
    assert f'name="walk" data-walk value="{walk.id}"' in page
    assert f'name="stop" data-stop value="{stop.id}"' in page
    assert re.search(r'<fieldset class="field walk-fields" data-walk-fields>', page)
    assert re.search(r'<input checked id="kind-\d" name="kind" type="radio" value="dem">', page)
    # the browser posts the form back to the same address, with what the page holds
    form = {"csrf_token": csrf_token(client, path), "kind": "dem", "category": "eclairage",
            "description": "Lampadaire éteint, sans JavaScript", "lon": str(stop.lon),
            "lat": str(stop.lat), "walk": str(walk.id), "stop": str(stop.id),
            "idempotency_key": attribute(page, 'name="idempotency_key" type="hidden" value')}
    response = client.post(path, data=form)
    assert response.status_code == 302 and "/suivi/" in response.headers["Location"]
    finding = db.session.scalars(select(WalkFinding)).one()
    assert (finding.walk_id, finding.stop_id) == (walk.id, stop.id)
    assert client.post(path, data=form).status_code == 302  # a second tap: the same item
    assert db.session.scalar(select(func.count(Item.id))) == 1
    assert db.session.scalar(select(func.count(Photo.id))) == 0


def test_a_capture_page_without_a_walk_hides_the_walk_fields(client):
    page = page_text(client.get("/signaler?walk=abc"))
    assert 'data-walk-fields hidden' in page and 'data-walk value=""' in page


def test_the_json_api_still_takes_no_authority_from_the_session(client, auth):
    auth.login("resident")
    feature = {"type": "Feature", "geometry": {"type": "Point", "coordinates": list(INSIDE)},
               "properties": {"kind": "gusp", "category": "tags"}}
    answer = client.post("/api/v1/items", json=feature,
                         headers={"Idempotency-Key": str(uuid.uuid4())})
    assert answer.status_code == 201
    assert db.session.get(Item, answer.get_json()["id"]).author_id is None
