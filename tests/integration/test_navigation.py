"""The header's links per role, from the one definition in app/navigation.py, and where each
role lands after signing in."""

import re

import pytest
from flask import url_for

from app.auth.roles import Role
from app.extensions import db
from app.navigation import MENUS, Link, links_for
from tests.conftest import PASSWORD, csrf_token, make_item, make_user, page_text

EVERYONE = ["Signaler", "Carte et liste", "Marches", "Propositions"]
COMMITTEE_WORK = ["Suivi", "Comité", "Indicateurs"]


def menu(client, path="/"):
    """The labels of the main navigation's first list, in order."""
    page = page_text(client.get(path))
    nav = page[page.index('<nav class="menu-panel"'):page.index("</nav>")]
    first_list = nav[:nav.index("</ul>")]
    return re.findall(r"<a href=\"[^\"]+\"[^>]*>([^<]+)</a>", first_list)


def sign_in(client, user, next_path=None):
    path = "/connexion" + (f"?next={next_path}" if next_path else "")
    return client.post(path, data={"email": user.email, "password": PASSWORD,
                                   "csrf_token": csrf_token(client, "/connexion")})


@pytest.mark.parametrize(("role", "org", "extra"), [
    ("resident", None, []),
    ("moderator", None, ["Modération"]),
    ("coordinator", None, ["À trier", "Planifier une marche", "Tables de quartier",
                           *COMMITTEE_WORK]),
    ("agent", "hbh", ["À traiter", *COMMITTEE_WORK]),
    ("committee", None, ["Vue d'ensemble", *COMMITTEE_WORK]),
    ("admin", None, ["Modération", "À trier", "Comptes", "Table de routage",
                     "Zones foncières", "Publicité des catégories", "Clés d'API",
                     *COMMITTEE_WORK]),
])
def test_each_role_sees_the_links_of_its_work(client, auth, role, org, extra):
    auth.login(role, org)
    assert menu(client) == EVERYONE + extra
    page = page_text(client.get("/"))
    assert "Mon compte" in page and "Se déconnecter" in page and "Se connecter" not in page


def test_anonymous_visitors_see_the_public_links_and_signing_in(client):
    assert menu(client) == EVERYONE
    page = page_text(client.get("/"))
    assert 'href="/connexion">Se connecter</a>' in page and "Se déconnecter" not in page


def test_a_person_with_two_roles_gets_each_link_once(client, auth):
    user = make_user("coordinator")
    user.roles = ["coordinator", "admin", "moderator"]
    db.session.commit()
    auth.login(user=user)
    links = menu(client)
    assert links.count("À trier") == 1 and links.count("Modération") == 1
    assert links[:7] == EVERYONE + ["À trier", "Planifier une marche", "Tables de quartier"]


def test_an_agent_without_organisation_has_no_queue_link_and_lands_home(client):
    user = make_user("agent", org="hbh")
    user.organisation = None
    db.session.commit()
    assert sign_in(client, user).headers["Location"] == "/"
    assert "À traiter" not in menu(client) and "Suivi" not in menu(client)


def test_the_current_page_is_marked_for_screen_readers(client, auth):
    auth.login("coordinator")
    page = page_text(client.get("/gestion/triage"))
    assert '<a href="/gestion/triage" aria-current="page">À trier</a>' in page
    assert page.count('aria-current="page"') == 1


def test_a_feature_adds_a_role_link_with_one_line(app, monkeypatch):
    monkeypatch.setitem(MENUS, Role.COMMITTEE,
                        [*MENUS[Role.COMMITTEE], Link("walks.index", "Suivi des marches")])
    user = make_user("committee")
    with app.test_request_context():
        labels = [str(link.label) for link, _url in links_for(user)]
        # already among everyone's links under its own label: shown once
        assert labels == EVERYONE + ["Vue d'ensemble", *COMMITTEE_WORK]
        monkeypatch.setitem(MENUS, Role.COMMITTEE, [Link("admin.users", "Comptes du comité")])
        assert [str(link.label) for link, _url in links_for(user)][-1] == "Comptes du comité"
        assert links_for(user)[-1][1] == url_for("admin.users")


@pytest.mark.parametrize(("role", "org", "landing"), [
    ("moderator", None, "/moderation"),
    ("coordinator", None, "/gestion/triage"),
    ("agent", "vsgp", "/gestion/organisme"),
    ("committee", None, "/comite/suivi"),
    ("admin", None, "/admin/comptes"),
    ("resident", None, "/"),
])
def test_after_signing_in_each_role_lands_on_its_work(client, role, org, landing):
    response = sign_in(client, make_user(role, org))
    assert response.status_code == 302 and response.headers["Location"] == landing
    assert client.get(landing).status_code == 200


def test_a_page_asked_for_before_signing_in_wins_over_the_landing(client):
    item = make_item()
    response = sign_in(client, make_user("coordinator"), f"/gestion/signalements/{item.id}")
    assert response.headers["Location"] == f"/gestion/signalements/{item.id}"


def test_the_committee_reads_the_triage_overview_but_routes_nothing(client, auth):
    item = make_item(category="tags")
    auth.login("committee")
    page = page_text(client.get("/gestion/triage"))
    assert "<h1>Vue d'ensemble</h1>" in page and item.reference in page
    assert 'name="item"' not in page and "/gestion/triage/transmettre" not in page
    refused = client.post("/gestion/triage/transmettre", data={
        "csrf_token": csrf_token(client, "/mon-compte"), "item": str(item.id)})
    assert refused.status_code == 403


def test_the_coordination_gets_the_checkboxes_to_route(client, auth):
    item = make_item(category="tags")
    auth.login("coordinator")
    page = page_text(client.get("/gestion/triage"))
    assert f'name="item" value="{item.id}"' in page
    assert f"Choisir <span class=\"visually-hidden\">le signalement {item.reference}" in page


def test_residents_and_agents_get_no_triage_overview(client, auth):
    auth.login("agent", "hbh")
    assert client.get("/gestion/triage").status_code == 403
