"""Every page a person reaches, as the role that reaches it, at 390 x 844: zero axe-core
violations, no script error, no sideways scroll and no word broken inside a table cell, on
the seeded demo data."""

import json
import urllib.request
import uuid

import pytest

from app.demo.services import demo_password
from tests.browser.conftest import assert_accessible, flask_command, sign_in
from tests.browser.layout import layout_problems
from tests.conftest import INSIDE

pytestmark = pytest.mark.browser

TOUR = "visite-axe@example.org"


def _json(url, token=None, body=None, headers=()):
    headers = {**({"Authorization": f"Bearer {token}"} if token else {}), **dict(headers)}
    data = None if body is None else json.dumps(body).encode()
    if data is not None:
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(url, data=data, headers=headers)
    with urllib.request.urlopen(request, timeout=10) as r:
        return json.load(r)


def _item_routed_to_hbh(live_server, live_env):
    """A new item the coordination routed to Hauts-de-Bièvre Habitat: the agent's page."""
    token = flask_command(live_env, "users", "token", "coordination@demo.arpenteur.example")
    token = token.strip().splitlines()[-1]
    item = _json(f"{live_server}/api/v1/items", token, {
        "type": "Feature", "geometry": {"type": "Point", "coordinates": list(INSIDE)},
        "properties": {"kind": "gusp", "category": "parties-communes", "on_behalf": True,
                       "description": "Porte du hall qui ne ferme plus, entrée 4"}},
        headers={"Idempotency-Key": str(uuid.uuid4())})
    _json(f"{live_server}/api/v1/items/{item['id']}/transitions", token, {
        "to": "routed", "organisation": "hbh", "note": "Parties communes du bailleur",
        "version": item["properties"]["version"]})
    return item["id"]


@pytest.fixture(scope="module")
def ids(live_server, live_env):
    """Ids of the demo data: a public item, a pending one, a proposal, the walk and a stop,
    an item routed to the landlord, and an API key (so its list is not empty and its page
    exists, whichever tests ran before)."""
    created = flask_command(live_env, "open311", "keys", "create", "Tournée des pages")
    key = int(created.split("created key ", 1)[1].split()[0])
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
        "walk": walk, "stop": stops[0], "routed": _item_routed_to_hbh(live_server, live_env),
        "key": key,
    }


PAGES = {
    None: ["/", "/signalements", "/signalements/{item}", "/signalements/{item}/alerte",
           "/propositions", "/propositions/{proposal}", "/marches", "/marches/{walk}",
           "/marches/{walk}/compte-rendu", "/connexion", "/signaler",
           "/signaler?walk={walk}&stop={stop}", "/inscription", "/mot-de-passe-oublie",
           "/inscription/envoye"],
    "habitante": ["/", "/mon-compte", "/propositions/nouvelle"],
    "moderation": ["/moderation", "/moderation/signalements/{pending}"],
    "coordination": ["/gestion/triage", "/gestion/signalements/{pending}", "/marches",
                     "/marches/nouvelle", "/marches/{walk}", "/marches/{walk}/participation",
                     "/marches/{walk}/contre-visite", "/marches/{walk}/arrets/{stop}/grille",
                     "/marches/{walk}/compte-rendu", "/tables-de-quartier"],
    "agent-hbh": ["/gestion/organisme", "/gestion/signalements/{routed}", "/comite/suivi",
                  "/comite/reunions", "/evaluation/indicateurs",
                  "/evaluation/tfpb/signalements/{routed}"],
    "comite": ["/gestion/triage", "/gestion/signalements/{pending}", "/comite/suivi/repartition",
               "/comite/suivi/points-recurrents", "/comite/suivi/marches",
               "/evaluation/indicateurs?from=2024-01-01&to=2030-12-31", "/evaluation/tfpb"],
    "admin": ["/admin/comptes", "/admin/comptes/nouveau", "/admin/routage", "/admin/zones",
              "/admin/publicite", "/admin/cles-api", "/admin/cles-api/{key}",
              "/admin/delais"],
}


@pytest.mark.parametrize("account", list(PAGES), ids=lambda a: a or "anonymous")
def test_every_page_of_each_role_fits_a_phone_and_is_accessible(page, ids, account):
    if account:
        sign_in(page, f"{account}@demo.arpenteur.example", demo_password(account))
    problems = []
    for template in PAGES[account]:
        path = template.format(**ids)
        response = page.goto(path)
        assert response.status == 200, path
        page.wait_for_load_state("networkidle")
        assert_accessible(page)
        problems += layout_problems(page)
    assert problems == []


def test_the_layout_check_catches_each_fault_it_is_for(page):
    """The check above would fail on the faults it is there for."""
    page.goto("/")
    assert layout_problems(page) == []
    page.evaluate("""() => {
      const cell = document.createElement('td');
      cell.textContent = 'Éclairage Suffisant';
      cell.style.width = '3em';
      cell.style.overflowWrap = 'anywhere';  /* what once gave "Éclaira/ge" */
      const table = document.createElement('table');
      table.insertRow().append(cell);
      document.querySelector('main').append(table);
    }""")
    assert "words broken in table cells: Suffisant, Éclairage" in " ".join(layout_problems(page))
    page.evaluate("""() => {
      const wide = document.createElement('div');
      wide.style.width = '500px';
      wide.style.height = '1em';
      document.querySelector('main').append(wide);
    }""")
    assert any("sideways scroll" in problem for problem in layout_problems(page))
    page.evaluate("""() => {
      document.querySelector('main').insertAdjacentHTML('beforeend',
        '<svg viewBox="0 0 360 30" width="360"><text x="0" y="19">Hauts-de-Bièvre Habitat'
        + '</text><rect x="100" y="4" width="150" height="20"></rect></svg>');
    }""")
    assert "drawn text covered or cut: Hauts-de-Bièvre Habitat" in " ".join(
        layout_problems(page))
    page.evaluate("""() => {
      const link = document.createElement('a');
      link.href = '/signalements';
      link.textContent = 'Un lien seul';
      document.querySelector('main').append(link);
    }""")
    assert 'under 44 px: a ' in " ".join(layout_problems(page))


def test_the_error_page_is_accessible(page):
    assert page.goto("/nulle-part").status == 404
    assert_accessible(page)
    assert layout_problems(page) == []
