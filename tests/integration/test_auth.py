import pytest

from tests.conftest import PASSWORD, csrf_token, make_user, page_text


def login(client, email, password, token=True):
    data = {"email": email, "password": password}
    if token:
        data["csrf_token"] = csrf_token(client, "/connexion")
    return client.post("/connexion", data=data)


def test_signing_in_and_out(client):
    make_user("coordinator")
    response = login(client, "Coordinator-x@Example.org ", PASSWORD)  # case and spaces
    assert response.status_code == 302
    assert "Se déconnecter" in page_text(client.get("/"))
    response = client.post("/deconnexion", data={"csrf_token": csrf_token(client, "/")})
    assert response.status_code == 302
    assert "Se connecter" in page_text(client.get("/"))


def test_the_session_cookie_is_httponly_and_samesite_lax(client):
    make_user("coordinator")
    response = login(client, "coordinator-x@example.org", PASSWORD)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


@pytest.mark.parametrize("email, password", [
    ("coordinator-x@example.org", "wrong-password"),
    ("nobody@example.org", PASSWORD),
])
def test_a_wrong_password_and_an_unknown_address_get_the_same_message(client, email, password):
    make_user("coordinator")
    response = login(client, email, password)
    assert response.status_code == 401
    page = page_text(response)
    assert "Adresse e-mail ou mot de passe incorrect." in page
    assert f'value="{email}"' in page  # what was typed is kept


def test_a_disabled_account_is_told_so_once_the_password_is_right(client):
    make_user("agent", "hbh", active=False)
    assert "Ce compte est désactivé" in login(client, "agent-hbh@example.org", PASSWORD).get_data(
        as_text=True)
    assert "désactivé" not in login(client, "agent-hbh@example.org", "nope-nope").get_data(
        as_text=True)


def test_an_empty_form_names_each_missing_field(client):
    response = login(client, "", "")
    assert response.status_code == 422
    page = page_text(response)
    assert "Indiquez votre adresse e-mail." in page and "Indiquez votre mot de passe." in page
    assert 'aria-invalid="true"' in page and 'role="alert"' in page


def test_a_form_without_csrf_token_is_refused_in_french(client):
    make_user("coordinator")
    response = login(client, "coordinator-x@example.org", PASSWORD, token=False)
    assert response.status_code == 400
    assert "Le formulaire a expiré" in page_text(response)


def test_signing_out_needs_a_post_with_csrf(client, auth):
    auth.login("coordinator")
    assert client.get("/deconnexion").status_code == 405
    assert client.post("/deconnexion").status_code == 400
    assert "Se déconnecter" in page_text(client.get("/"))


def test_a_disabled_account_loses_its_open_session(client, auth):
    user = auth.login("admin")
    assert client.get("/admin/comptes").status_code == 200
    user.active = False
    from app.extensions import db

    db.session.commit()
    assert client.get("/admin/comptes").status_code == 302


def test_a_forged_session_cookie_is_ignored(client):
    make_user("admin")
    client.set_cookie("session", "eyJfdXNlcl9pZCI6IjEifQ.forged.signature")
    response = client.get("/admin/comptes")
    assert response.status_code == 302 and "/connexion" in response.headers["Location"]


def test_only_same_site_paths_are_followed_after_sign_in(app):
    make_user("coordinator")
    for target, expected in [("/admin/comptes", "/admin/comptes"),
                             ("https://evil.example/", "/"), ("//evil.example", "/")]:
        client = app.test_client()
        token = csrf_token(client, "/connexion")
        response = client.post(f"/connexion?next={target}", data={
            "email": "coordinator-x@example.org", "password": PASSWORD, "csrf_token": token})
        assert response.headers["Location"] == expected


def test_sign_in_is_rate_limited_with_a_clear_message(client):
    token = csrf_token(client, "/connexion")
    for _attempt in range(10):
        client.post("/connexion", data={"email": "a@example.org", "password": "x",
                                        "csrf_token": token})
    response = client.post("/connexion", data={"email": "a@example.org", "password": "x",
                                               "csrf_token": token})
    assert response.status_code == 429
    assert "Trop de tentatives" in page_text(response)
