"""What each role sees of staff-only material and personal data, as an attacker would look
for it: every role (and anonymous, another resident, the author) × an agent of the
organisation the item is routed to or of another one × a public, pending or hidden item,
through every page and API answer that shows an item, with the session and with a bearer
token.

Material and who may see it:
- internal notes: the coordination, the committee, administrators, and the agents of the
  organisation the item is routed to;
- a photo a moderator hid, and the moderation log: moderators, the coordination and
  administrators;
- the e-mail address given with the item: nobody but the person (their account export);
  staff see "e-mail donné : oui/non";
- the door details of a generalised item (building, entrance, floor), and whether an e-mail
  was given: the overseers and the agents of the organisation the item is routed to; an
  agent of another organisation is shown what the public is.
"""

import io
import re

import pytest
from flask import url_for
from pypdf import PdfReader
from werkzeug.routing import AnyConverter, IntegerConverter

from app.auth.services import find_organisation
from app.extensions import db
from app.items.models import Item
from app.moderation import services as moderation
from app.triage.services import act_on_item
from app.walks import services as walks
from tests.conftest import Auth, make_item, make_user, page_text
from tests.images import jpeg
from tests.integration.test_walks import make_walk

NOTE = "Note interne : bailleur relancé par téléphone"
PHOTO_REASON = "Visage identifiable sur la photo"
ITEM_REASON = "Propos visant une famille nommée"
EMAIL = "contact-habitante@example.org"
ROLES = ("anonymous", "resident", "author", "moderator", "coordinator", "agent-own",
         "agent-other", "committee", "admin")
VISIBILITIES = ("public", "pending", "hidden")
NOTE_READERS = {"coordinator", "committee", "admin", "agent-own"}
MODERATION_READERS = {"moderator", "coordinator", "admin"}
STAFF = {"moderator", "coordinator", "agent-own", "agent-other", "committee", "admin"}


def build_item(visibility, **fields):
    """A tranquillité report with door details and an e-mail, filed by a signed-in
    resident, routed to the Ville with an internal note; one photo published, one hidden
    by a moderator; then published, left pending, or hidden."""
    author = make_user("resident", email="autrice@example.org")
    item = make_item(author, category="tranquillite", email=EMAIL, residence="Résidence du Parc",
                     building="Bâtiment B", entrance="Entrée 3", floor="RDC",
                     photos=[("a.jpg", jpeg()), ("b.jpg", jpeg(colour=(10, 90, 200)))], **fields)
    coordinator = make_user("coordinator", email="coordination-world@example.org")
    act_on_item(coordinator, item, "routed", organisation=find_organisation("ville-antony"),
                internal_note=NOTE)
    moderator = make_user("moderator", email="moderation-world@example.org")
    shown, hidden = item.photos
    moderation.moderate_photo(moderator, shown, "publish")
    moderation.moderate_photo(moderator, hidden, "hide", PHOTO_REASON)
    if visibility == "public":
        moderation.moderate_item(moderator, item, "publish")
    elif visibility == "hidden":
        moderation.moderate_item(moderator, item, "hide", ITEM_REASON)
    db.session.commit()
    return item.id, hidden.id, author, item.tracking_token


def sign_in(client, role, author):
    """The session and the bearer token of `role`'s person (none for anonymous)."""
    if role == "anonymous":
        return {}
    if role == "author":
        user = author
    elif role.startswith("agent"):
        user = make_user("agent", "ville-antony" if role == "agent-own" else "hbh")
    else:
        user = make_user(role, email=f"{role}-looking@example.org")
    Auth(client).login(user=user)
    return Auth(client).token(user=user)


def looks(client, headers, item_id, photo_id):
    """Everything the person can read about the item: (text of every answer, photo served)."""
    paths = [f"/signalements/{item_id}", f"/gestion/signalements/{item_id}",
             f"/moderation/signalements/{item_id}", "/signalements", "/gestion/triage",
             "/gestion/organisme", "/moderation"]
    texts = [page_text(client.get(path)) for path in paths]
    for path in (f"/api/v1/items/{item_id}", "/api/v1/items",
                 "/api/v1/items?bbox=2.27,48.72,2.31,48.75"):
        texts.append(client.get(path, headers=headers).get_data(as_text=True))
    served = {client.get(f"/photos/{photo_id}").status_code,
              client.get(f"/photos/{photo_id}/vignette", headers=headers).status_code}
    return "\n".join(texts), served


@pytest.mark.parametrize("visibility", VISIBILITIES)
@pytest.mark.parametrize("role", ROLES)
def test_staff_material_and_personal_data_by_role(client, role, visibility):
    item_id, photo_id, author, _token = build_item(visibility)
    headers = sign_in(client, role, author)
    text, served = looks(client, headers, item_id, photo_id)
    item = db.session.get(Item, item_id)
    sees_item = role in STAFF - {"agent-other"} or visibility == "public" or role == "author"

    assert (NOTE in text) == (role in NOTE_READERS), "internal note"
    assert (PHOTO_REASON in text) == (role in MODERATION_READERS), "moderation log"
    assert (ITEM_REASON in text) == (role in MODERATION_READERS and visibility == "hidden")
    hidden_url = f"/photos/{photo_id}"
    assert (hidden_url in text) == (role in MODERATION_READERS), "hidden photo listed"
    assert served == ({200} if role in MODERATION_READERS else {404}), "hidden photo served"
    visible_photo = f"/photos/{item.photos[0].id}"
    assert (visible_photo in text) == sees_item
    assert EMAIL not in text and author.email not in text, "e-mail address"
    staff_view = role in STAFF - {"agent-other"}
    assert ('"email_given":true' in text.replace(" ", "")) == staff_view
    assert ("Bâtiment B" in text) == staff_view, "door details"


def test_the_author_finds_the_address_only_in_their_own_account_and_export(client):
    item_id, _photo_id, author, _token = build_item("public")
    Auth(client).login(user=author)
    exported = client.get("/mon-compte/donnees.json").get_json()
    assert [i["email"] for i in exported["items"]] == [EMAIL]
    assert author.email in page_text(client.get("/mon-compte"))
    assert EMAIL not in page_text(client.get(f"/signalements/{item_id}"))


def test_the_tracking_link_shows_pending_photos_but_not_hidden_ones(client):
    item = make_item(photos=[("a.jpg", jpeg()), ("b.jpg", jpeg(colour=(10, 90, 200)))])
    moderation.moderate_photo(make_user("moderator"), item.photos[1], "hide", PHOTO_REASON)
    db.session.commit()
    token = item.tracking_token
    pending, hidden = (p.id for p in item.photos)
    assert client.get(f"/photos/{pending}?suivi={token}").status_code == 200
    assert client.get(f"/photos/{hidden}?suivi={token}").status_code == 404
    answer = client.get(f"/api/v1/items/{item.id}?suivi={token}").get_json()
    assert [p["id"] for p in answer["properties"]["photos"]] == [pending]
    page = page_text(client.get(f"/suivi/{token}"))
    assert f"/photos/{pending}" in page and f"/photos/{hidden}" not in page


NOT_FOR = {  # what each role must find on no page and in no answer
    "anonymous": {NOTE, PHOTO_REASON}, "resident": {NOTE, PHOTO_REASON},
    "author": {NOTE, PHOTO_REASON}, "agent-other": {NOTE, PHOTO_REASON},
    "agent-own": {PHOTO_REASON}, "committee": {PHOTO_REASON}, "moderator": {NOTE},
    "coordinator": set(), "admin": set(),
}


def _argument(rule, name, values):
    """`values[name]`, else a value the route accepts (any future route is walked too)."""
    if name in values:
        return values[name]
    converter = rule._converters[name]
    return min(converter.items) if isinstance(converter, AnyConverter) else (
        1 if isinstance(converter, IntegerConverter) else "x")


def _every_get_path(app, values):
    """Every GET route of the application, its arguments filled from `values`."""
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if "GET" in rule.methods and "filename" not in rule.arguments and (
                    rule.endpoint != "main.set_language"):
                yield url_for(rule.endpoint, **{name: _argument(rule, name, values)
                                                for name in rule.arguments})


def _readable(response):
    if response.mimetype.startswith("image/") and response.mimetype != "image/svg+xml":
        return ""
    if response.mimetype == "application/pdf":
        return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    return page_text(response)


@pytest.mark.parametrize("role", ROLES)
def test_no_page_or_answer_shows_what_the_role_may_not_see(app, client, role):
    """A walk over every GET route of the application (new pages and exports included),
    with a night walk's published finding that carries every kind of material."""
    walk = make_walk(type="nuit", title="Marche de nuit")
    item_id, photo_id, author, token = build_item("public", kind="dem", walk=walk.id)
    walks.change_walk_status(None, walk, "closed")
    walks.publish_report(None, walk, "Synthèse")
    db.session.commit()
    values = {"item_id": item_id, "photo_id": photo_id, "size": "grande", "walk_id": walk.id,
              "stop_id": walk.stops[0].id, "code": walk.join_code, "target_id": item_id,
              "kind": "signalements", "token": token if role == "author" else "x",
              "user_id": author.id}
    headers = sign_in(client, role, author)
    hidden_photo = re.compile(rf"/photos/{photo_id}(?!\d)")
    for path in _every_get_path(app, values):
        response = client.get(path, headers=headers)
        assert response.status_code < 500, path
        text = _readable(response)
        for secret in NOT_FOR[role]:
            assert secret not in text, (path, secret)
        if role not in MODERATION_READERS and hidden_photo.search(path):  # its file
            assert response.status_code in (302, 403, 404), path
            assert not response.mimetype.startswith("image/"), path
        elif role not in MODERATION_READERS:  # a link to it
            assert not hidden_photo.search(text), path
        if response.mimetype == "application/pdf":  # a filed document: published photos only
            images = [image for page in PdfReader(io.BytesIO(response.data)).pages
                      for image in page.images]
            assert len(images) <= 1, path  # the item's published photo, never its hidden one
        if not (role == "author" and path.startswith("/mon-compte")):
            assert EMAIL not in text, path
        if role not in ("author", "admin"):  # administrators manage accounts
            assert author.email not in text, path


def test_what_may_not_be_seen_answers_exactly_like_what_does_not_exist(client):
    """Probing ids tells nothing: a hidden photo, a hidden item and another organisation's
    pending item answer the same 404 as ids that were never used."""
    item_id, photo_id, author, _token = build_item("hidden")
    sign_in(client, "agent-other", author)
    client.get("/")  # the greeting after signing in is shown once
    pairs = [(f"/photos/{photo_id}", "/photos/99999"),
             (f"/photos/{photo_id}/vignette", "/photos/99999/vignette"),
             (f"/signalements/{item_id}", "/signalements/99999"),
             (f"/gestion/signalements/{item_id}", "/gestion/signalements/99999"),
             (f"/api/v1/items/{item_id}", "/api/v1/items/99999")]
    for refused, missing in pairs:
        one, other = client.get(refused), client.get(missing)
        assert one.status_code == other.status_code == 404, refused
        # The same page, but for the address it was asked at (the language switch links it)
        # and the sign-out form's CSRF token (signed with the time).
        assert _without_csrf(one.data.replace(refused.encode(), missing.encode())) == (
            _without_csrf(other.data)), refused


def _without_csrf(page):
    return re.sub(rb'(name="csrf_token"[^>]*?value=")[^"]*"', rb'\1"', page)
