"""Sessions and bearer tokens can be ended: a copied cookie dies with the session it copies,
a new password ends everything, tokens are named, expire, are listed and revoked by their
owner and by an administrator. Sign-in does the same work for known and unknown addresses."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.auth import passwords
from app.auth.models import ApiToken, UserSession
from app.clock import utcnow
from app.extensions import db
from tests.conftest import PASSWORD, csrf_token, make_user, page_text

NEW_PASSWORD = "tulipe-velo-orage-carton"


def signed_in_client(app, user):
    client = app.test_client()
    response = client.post("/connexion", data={
        "email": user.email, "password": PASSWORD, "csrf_token": csrf_token(client, "/connexion")})
    assert response.status_code == 302
    return client


def copy_of(app, client):
    """Another browser holding a copy of `client`'s session cookie (stolen, or synced)."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def opens_account(client):
    return client.get("/mon-compte").status_code == 200


def bearer(raw):
    return {"Authorization": f"Bearer {raw}"}


def api_me(client, raw):
    return client.get("/api/v1/me", headers=bearer(raw)).status_code


def token_of(user, name="outil", days=90):
    from app.auth.services import issue_token

    raw = issue_token(user, name, days)
    db.session.commit()
    return raw


def test_a_copied_cookie_no_longer_opens_the_account_after_sign_out(app):
    user = make_user("resident")
    browser = signed_in_client(app, user)
    thief = copy_of(app, browser)
    assert opens_account(thief)
    browser.post("/deconnexion", data={"csrf_token": csrf_token(browser, "/mon-compte")})
    assert not opens_account(browser)
    response = thief.get("/mon-compte")
    assert response.status_code == 302 and "/connexion" in response.headers["Location"]


def test_signing_out_ends_only_that_browsers_session(app):
    user = make_user("resident")
    phone, laptop = signed_in_client(app, user), signed_in_client(app, user)
    phone.post("/deconnexion", data={"csrf_token": csrf_token(phone, "/mon-compte")})
    assert not opens_account(phone) and opens_account(laptop)


def test_changing_ones_password_ends_every_other_session_and_token(app):
    user = make_user("resident")
    browser, laptop = signed_in_client(app, user), signed_in_client(app, user)
    copied, raw = copy_of(app, browser), token_of(user)
    response = browser.post("/mon-compte/mot-de-passe", data={
        "csrf_token": csrf_token(browser, "/mon-compte"), "current_password": PASSWORD,
        "new_password": NEW_PASSWORD, "new_password_again": NEW_PASSWORD})
    assert response.status_code == 302
    assert opens_account(browser)  # the person who changed it stays, in a new session
    assert not opens_account(laptop) and not opens_account(copied)
    assert api_me(browser, raw) == 401


@pytest.mark.parametrize("fields, message", [
    ({"current_password": "pas-le-bon-du-tout"}, "Ce n'est pas votre mot de passe actuel."),
    ({"new_password": "azertyuiop", "new_password_again": "azertyuiop"},
     "trop courant ou trop facile à deviner"),
    ({"new_password_again": "autre-chose-encore"}, "ne sont pas identiques"),
])
def test_a_password_change_is_refused_clearly_and_ends_nothing(app, fields, message):
    user = make_user("resident")
    browser, laptop = signed_in_client(app, user), signed_in_client(app, user)
    data = {"csrf_token": csrf_token(browser, "/mon-compte"), "current_password": PASSWORD,
            "new_password": NEW_PASSWORD, "new_password_again": NEW_PASSWORD, **fields}
    response = browser.post("/mon-compte/mot-de-passe", data=data)
    assert response.status_code == 422 and message in page_text(response)
    assert opens_account(laptop)


def test_an_administrators_password_reset_ends_the_accounts_sessions_and_tokens(app, auth,
                                                                                 client):
    target = make_user("agent", "hbh")
    target_browser, raw = signed_in_client(app, target), token_of(target)
    other = make_user("agent", "vsgp")
    other_browser, other_raw = signed_in_client(app, other), token_of(other)
    auth.login("admin")
    response = client.post(f"/admin/comptes/{target.id}", data={
        "roles": ["agent"], "organisation": "hbh", "active": "y", "display_name": "",
        "password": NEW_PASSWORD, "csrf_token": csrf_token(client, f"/admin/comptes/{target.id}")})
    assert response.status_code == 302
    assert not opens_account(target_browser) and api_me(client, raw) == 401
    assert opens_account(other_browser) and api_me(client, other_raw) == 200  # untouched


def test_an_administrator_ends_all_sessions_of_an_account(app, auth, client):
    target = make_user("moderator")
    target_browser, raw = signed_in_client(app, target), token_of(target)
    auth.login("coordinator")  # not an administrator
    path = f"/admin/comptes/{target.id}/deconnexion"
    assert client.post(path, data={"csrf_token": csrf_token(client, "/")}).status_code == 403
    assert opens_account(target_browser)
    auth.login("admin")
    response = client.post(path, data={"csrf_token": csrf_token(client, "/")})
    assert response.status_code == 302
    assert not opens_account(target_browser) and api_me(client, raw) == 401


def test_one_can_sign_out_of_every_device_at_once(app):
    user = make_user("resident")
    phone, laptop, raw = signed_in_client(app, user), signed_in_client(app, user), token_of(user)
    response = phone.post("/mon-compte/deconnexion-partout",
                          data={"csrf_token": csrf_token(phone, "/mon-compte")})
    assert response.status_code == 302
    assert not opens_account(phone) and not opens_account(laptop)
    assert api_me(phone, raw) == 401


def test_a_session_idle_longer_than_its_lifetime_is_over(app):
    browser = signed_in_client(app, make_user("resident"))
    db.session.execute(db.update(UserSession).values(
        last_seen_at=utcnow() - app.permanent_session_lifetime - timedelta(minutes=1)))
    db.session.commit()
    assert not opens_account(browser)


def test_tokens_are_created_in_the_page_shown_once_named_and_used(app):
    user = make_user("coordinator")
    browser = signed_in_client(app, user)
    response = browser.post("/mon-compte/jetons", data={
        "csrf_token": csrf_token(browser, "/mon-compte"), "name": "Tablette de la marche",
        "days": "30"})
    assert response.status_code == 201 and response.headers["Cache-Control"] == "no-store"
    raw = re.search(r'<code class="secret">([^<]+)</code>', page_text(response)).group(1)
    assert api_me(browser, raw) == 200
    token = db.session.scalar(select(ApiToken))
    assert token.name == "Tablette de la marche" and token.last_used_at is not None
    assert timedelta(days=29) < token.expires_at - utcnow() <= timedelta(days=30)
    listing = page_text(browser.get("/mon-compte"))
    assert "Tablette de la marche" in listing and "dernière utilisation" in listing
    assert raw not in listing  # shown once only


def test_an_expired_token_is_refused(client):
    user = make_user("agent", "hbh")
    raw = token_of(user)
    db.session.execute(db.update(ApiToken).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    response = client.get("/api/v1/me", headers=bearer(raw))
    assert response.status_code == 401 and "expiré" in response.get_json()["errors"]["auth"]


def test_the_owner_revokes_their_token_but_not_someone_elses(app):
    owner, other = make_user("agent", "hbh"), make_user("agent", "vsgp")
    mine, theirs = token_of(owner, "le mien"), token_of(other, "le sien")
    browser = signed_in_client(app, owner)
    their_id = db.session.scalar(select(ApiToken.id).where(ApiToken.user_id == other.id))
    my_id = db.session.scalar(select(ApiToken.id).where(ApiToken.user_id == owner.id))
    token = csrf_token(browser, "/mon-compte")
    assert browser.post(f"/mon-compte/jetons/{their_id}/revoquer",
                        data={"csrf_token": token}).status_code == 404
    assert api_me(browser, theirs) == 200
    assert "le sien" not in page_text(browser.get("/mon-compte"))
    assert browser.post(f"/mon-compte/jetons/{my_id}/revoquer",
                        data={"csrf_token": token}).status_code == 302
    assert api_me(browser, mine) == 401


def test_an_administrator_lists_and_revokes_an_accounts_tokens(app, auth, client):
    target = make_user("committee")
    raw = token_of(target, "Tableur du comité")
    token_id = db.session.scalar(select(ApiToken.id))
    auth.login("admin")
    page = page_text(client.get(f"/admin/comptes/{target.id}"))
    assert "Tableur du comité" in page and "Sessions ouvertes" in page
    wrong_account = make_user("resident")
    assert client.post(f"/admin/comptes/{wrong_account.id}/jetons/{token_id}/revoquer",
                       data={"csrf_token": csrf_token(client, "/")}).status_code == 404
    response = client.post(f"/admin/comptes/{target.id}/jetons/{token_id}/revoquer",
                           data={"csrf_token": csrf_token(client, "/")})
    assert response.status_code == 302 and api_me(client, raw) == 401


def test_the_command_line_names_a_token_and_its_lifetime(app, client):
    user = make_user("coordinator")
    result = app.test_cli_runner().invoke(args=["users", "token", user.email, "--name",
                                                "Export nocturne", "--days", "7"])
    assert result.exit_code == 0, result.output
    raw = result.output.strip()
    assert api_me(client, raw) == 200
    token = db.session.scalar(select(ApiToken))
    assert token.name == "Export nocturne"
    assert timedelta(days=6) < token.expires_at - utcnow() <= timedelta(days=7)
    refused = app.test_cli_runner().invoke(args=["users", "token", user.email, "--days", "0"])
    assert refused.exit_code != 0


@pytest.fixture
def hash_checks(monkeypatch):
    """Every password-hash check sign-in makes, by the method of the hash it checks."""
    seen = []
    real = passwords.check_password_hash

    def recording(pwhash, password):
        seen.append(pwhash.split("$", 1)[0])
        return real(pwhash, password)

    monkeypatch.setattr(passwords, "check_password_hash", recording)
    return seen


def test_sign_in_checks_one_hash_of_the_same_kind_for_known_and_unknown_addresses(
        client, hash_checks):
    user = make_user("coordinator")
    for email in (user.email, "personne@example.org"):
        client.post("/connexion", data={"email": email, "password": "pas-le-bon-mot",
                                        "csrf_token": csrf_token(client, "/connexion")})
    assert len(hash_checks) == 2 and hash_checks[0] == hash_checks[1]
    assert hash_checks[0] == user.password_hash.split("$", 1)[0]
