"""API keys of Open311 clients: created, listed and revoked by administrators (pages and
command line), stored as digests."""

import hashlib
import re

import pytest
from sqlalchemy import select

from app.apikeys import services as keys
from app.apikeys.models import ApiKey
from app.extensions import db
from tests.conftest import csrf_token, make_user, page_text
from tests.open311 import BASE

KEYS = "/admin/cles-api"


@pytest.fixture
def cli(app):
    return app.test_cli_runner()


def post_request(client, raw):
    return client.post(f"{BASE}/requests.json", data={
        "api_key": raw, "service_code": "tags", "lat": "48.737178", "long": "2.288496"})


def test_keys_create_prints_the_key_last_and_it_works(cli, client):
    result = cli.invoke(args=["open311", "keys", "create", "Application Mon quartier"])
    assert result.exit_code == 0, result.output
    raw = result.output.strip().splitlines()[-1]
    assert raw.startswith("o311_") and len(raw) > 40
    assert "Application Mon quartier" in result.output.splitlines()[0]
    stored = db.session.scalar(select(ApiKey))
    assert stored.digest == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in (stored.name, stored.prefix) and raw.startswith(stored.prefix)
    assert post_request(client, raw).status_code == 201


def test_keys_list_and_revoke_from_the_command_line(cli, client):
    raw = cli.invoke(args=["open311", "keys", "create", "Outil HBH"]).output.split()[-1]
    post_request(client, raw)
    key_id = db.session.scalar(select(ApiKey.id))
    listing = cli.invoke(args=["open311", "keys", "list"]).output
    assert f"{key_id}\tactive\t" in listing and "1 uses" in listing and "Outil HBH" in listing
    revoked = cli.invoke(args=["open311", "keys", "revoke", str(key_id)])
    assert revoked.exit_code == 0 and "revoked key" in revoked.output
    assert post_request(client, raw).status_code == 403
    again = cli.invoke(args=["open311", "keys", "revoke", str(key_id)])
    assert again.exit_code != 0 and "déjà révoquée" in again.output
    missing = cli.invoke(args=["open311", "keys", "revoke", "999"])
    assert missing.exit_code != 0 and "no key 999" in missing.output
    for impossible in ("0", "99999999999"):  # no id column holds them: refused, not looked up
        refused = cli.invoke(args=["open311", "keys", "revoke", impossible])
        assert refused.exit_code == 2 and "is not in the range" in refused.output


def test_a_key_needs_a_name(cli):
    result = cli.invoke(args=["open311", "keys", "create", "  "])
    assert result.exit_code != 0 and "Nommez la clé" in result.output
    assert db.session.scalar(select(ApiKey)) is None


def test_only_administrators_manage_keys(client, auth):
    assert client.get(KEYS).status_code == 302  # to sign in
    auth.login("coordinator")
    assert client.get(KEYS).status_code == 403
    assert client.post(KEYS, data={"name": "x", "csrf_token": csrf_token(
        client, "/signaler")}).status_code == 403
    assert db.session.scalar(select(ApiKey)) is None


def test_an_administrator_creates_a_key_seen_once_then_revokes_it(client, auth):
    admin = auth.login("admin")
    response = client.post(KEYS, data={"name": "Outil de suivi VSGP",
                                       "csrf_token": csrf_token(client, KEYS)})
    assert response.status_code == 201
    assert response.headers["Cache-Control"] == "no-store"
    raw = re.search(r"(o311_[A-Za-z0-9_-]{40,})", page_text(response)).group(1)
    listing = page_text(client.get(KEYS))
    assert "Outil de suivi VSGP" in listing and raw not in listing and raw[:10] in listing
    key = keys.active_key(raw)
    assert key.created_by_id == admin.id
    post_request(client, raw)
    detail = page_text(client.get(f"{KEYS}/{key.id}"))
    assert f"POST {BASE}/requests.json" in detail and "201" in detail
    revoked = client.post(f"{KEYS}/{key.id}/revocation",
                          data={"csrf_token": csrf_token(client, f"{KEYS}/{key.id}")})
    assert revoked.status_code == 302
    assert "est révoquée" in page_text(client.get(KEYS))
    db.session.expire_all()
    assert db.session.get(ApiKey, key.id).revoked_by_id == admin.id
    assert post_request(client, raw).status_code == 403


def test_a_key_without_a_name_is_refused_and_nothing_created(client, auth):
    auth.login("admin")
    response = client.post(KEYS, data={"name": " ", "csrf_token": csrf_token(client, KEYS)})
    assert response.status_code == 422 and "Nommez la clé" in page_text(response)
    assert db.session.scalar(select(ApiKey)) is None


def test_revoking_needs_the_form_s_csrf_token(client, auth):
    auth.login("admin")
    key, _raw = keys.create_key(make_user("admin", email="other-admin@example.org"), "X")
    db.session.commit()
    assert client.post(f"{KEYS}/{key.id}/revocation").status_code == 400
    db.session.expire_all()
    assert db.session.get(ApiKey, key.id).is_active


def test_an_unknown_key_page_is_a_404(client, auth):
    auth.login("admin")
    assert client.get(f"{KEYS}/4242").status_code == 404
    assert client.get(f"{KEYS}/99999999999").status_code == 404
