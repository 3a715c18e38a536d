"""Every page a person reaches, as the role that reaches it: zero axe-core violations and
no script error, at a phone viewport, on the seeded demo data."""

import json
import urllib.request

import pytest

from app.demo.services import demo_password
from tests.browser.conftest import assert_accessible, flask_command, sign_in

pytestmark = pytest.mark.browser

TOUR = "visite-axe@example.org"


def _json(url, token=None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=10) as r:
        return json.load(r)


@pytest.fixture(scope="module")
def ids(live_server, live_env):
    """Ids of the demo data: a public item, a pending one, a proposal, the walk and a stop."""
    flask_command(live_env, "users", "create", TOUR, "--role", "moderator",
                  "--password", "pages-accessibles-au-pouce")
    token = flask_command(live_env, "users", "token", TOUR).strip().splitlines()[-1]
    items = [f["properties"] for f in _json(f"{live_server}/api/v1/items", token)["features"]]
    walk = _json(f"{live_server}/api/v1/walks")["features"][0]["properties"]["id"]
    stops = [f["properties"]["id"] for f in _json(f"{live_server}/api/v1/walks/{walk}")[
        "features"] if f["properties"].get("role") == "stop"]
    return {
        "item": next(p["id"] for p in items if p["visibility"] == "public"
                     and p["kind"] != "proposal"),
        "pending": next(p["id"] for p in items if p["visibility"] == "pending"),
        "proposal": next(p["id"] for p in items if p["kind"] == "proposal"),
        "walk": walk, "stop": stops[0],
        "landlord_item": next(p["id"] for p in items if p.get("organisation") == "hbh"),
    }


PAGES = {
    None: ["/", "/signalements", "/signalements/{item}", "/signalements/{item}/alerte",
           "/propositions", "/propositions/{proposal}", "/marches/{walk}/compte-rendu",
           "/connexion", "/signaler?walk={walk}&stop={stop}", "/inscription",
           "/mot-de-passe-oublie", "/inscription/envoye"],
    "habitante": ["/mon-compte", "/propositions/nouvelle"],
    "moderation": ["/moderation", "/moderation/signalements/{pending}"],
    "coordination": ["/gestion/triage", "/gestion/signalements/{pending}", "/marches",
                     "/marches/nouvelle", "/marches/{walk}", "/marches/{walk}/participation",
                     "/marches/{walk}/contre-visite", "/marches/{walk}/arrets/{stop}/grille",
                     "/tables-de-quartier"],
    "agent-hbh": ["/gestion/organisme", "/comite/suivi", "/comite/reunions",
                  "/evaluation/indicateurs", "/evaluation/tfpb/signalements/{landlord_item}"],
    "comite": ["/gestion/triage", "/comite/suivi/repartition", "/comite/suivi/points-recurrents",
               "/comite/suivi/marches", "/evaluation/indicateurs?from=2024-01-01&to=2030-12-31",
               "/evaluation/tfpb"],
    "admin": ["/admin/comptes", "/admin/comptes/nouveau", "/admin/routage", "/admin/zones",
              "/admin/publicite", "/admin/delais"],
}


@pytest.mark.parametrize("account", list(PAGES), ids=lambda a: a or "anonymous")
def test_every_page_of_each_role_is_accessible(page, ids, account):
    if account:
        sign_in(page, f"{account}@demo.arpenteur.example", demo_password(account))
    for template in PAGES[account]:
        path = template.format(**ids)
        response = page.goto(path)
        assert response.status == 200, path
        page.wait_for_load_state("networkidle")
        assert_accessible(page)


def test_the_error_page_is_accessible(page):
    assert page.goto("/nulle-part").status == 404
    assert_accessible(page)
