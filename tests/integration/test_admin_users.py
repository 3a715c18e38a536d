from sqlalchemy import select

from app.auth.models import User
from app.extensions import db
from tests.conftest import csrf_token, make_user, page_text


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/admin/comptes")
    assert response.status_code == 302 and "/connexion" in response.headers["Location"]


def test_only_administrators_manage_accounts(client, auth):
    auth.login("coordinator")
    assert client.get("/admin/comptes").status_code == 403
    assert client.post("/admin/comptes/nouveau", data={}).status_code in (400, 403)


def test_an_administrator_creates_an_agent_of_an_organisation(client, auth):
    auth.login("admin")
    response = client.post("/admin/comptes/nouveau", data={
        "email": "Agent.Ville@antony.fr", "roles": ["agent"], "organisation": "ville-antony",
        "password": "", "display_name": "Agent propreté",
        "csrf_token": csrf_token(client, "/admin/comptes/nouveau")})
    assert response.status_code == 302
    created = db.session.scalar(select(User).where(User.email == "agent.ville@antony.fr"))
    assert created.roles == ["agent"] and created.organisation.code == "ville-antony"
    listing = page_text(client.get("/admin/comptes"))
    assert "Mot de passe provisoire" in listing and "agent.ville@antony.fr" in listing


def test_an_agent_without_organisation_is_refused_and_the_form_kept(client, auth):
    auth.login("admin")
    response = client.post("/admin/comptes/nouveau", data={
        "email": "sans.org@example.org", "roles": ["agent"], "organisation": "",
        "display_name": "Sans organisme",
        "csrf_token": csrf_token(client, "/admin/comptes/nouveau")})
    assert response.status_code == 422
    page = page_text(response)
    assert "Un agent doit appartenir à un organisme." in page
    assert 'value="sans.org@example.org"' in page and 'value="Sans organisme"' in page
    assert db.session.scalar(select(User).where(User.email == "sans.org@example.org")) is None


def test_an_administrator_disables_an_account_and_changes_its_roles(client, auth):
    auth.login("admin")
    target = make_user("resident")
    response = client.post(f"/admin/comptes/{target.id}", data={
        "roles": ["resident", "moderator"], "organisation": "", "display_name": "",
        "csrf_token": csrf_token(client, f"/admin/comptes/{target.id}")})  # active unchecked
    assert response.status_code == 302
    db.session.refresh(target)
    assert target.roles == ["moderator", "resident"] and not target.active


def test_an_administrator_cannot_lock_themselves_out(client, auth):
    admin = auth.login("admin")
    response = client.post(f"/admin/comptes/{admin.id}", data={
        "roles": ["resident"], "active": "y", "organisation": "", "display_name": "",
        "csrf_token": csrf_token(client, f"/admin/comptes/{admin.id}")})
    assert response.status_code == 422
    db.session.refresh(admin)
    assert admin.roles == ["admin"]


def test_an_unknown_account_is_404(client, auth):
    auth.login("admin")
    assert client.get("/admin/comptes/999999").status_code == 404
