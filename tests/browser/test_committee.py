"""The committee's main line in a browser, at a laptop's and a phone's size: a committee
member opens the follow-up, the coordinator plans a meeting, generates its agenda, records
three decisions (one settling a dispute) and produces the minutes. Every page is checked
with axe-core and for sideways scroll."""

import json
import urllib.request

import pytest

from app.demo.services import DEMO_DOMAIN, demo_password
from tests.browser.conftest import assert_accessible, flask_command, menu, sign_in
from tests.conftest import INSIDE

pytestmark = pytest.mark.browser


def sign_in_as(page, local):
    sign_in(page, f"{local}@{DEMO_DOMAIN}", demo_password(local))


def _api(base, path, token=None, body=None):
    request = urllib.request.Request(
        base + path, data=json.dumps(body).encode() if body is not None else None,
        headers={"Content-Type": "application/json",
                 **({"Authorization": f"Bearer {token}"} if token else {})},
        method="POST" if body is not None else "GET")
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.load(answer)


def disputed_item(live_server, live_env, description):
    """An item sent back twice as "not ours", made through the JSON API: its reference."""
    tokens = {local: flask_command(live_env, "users", "token",
                                   f"{local}@{DEMO_DOMAIN}").strip().splitlines()[-1]
              for local in ("coordination", "agent-hbh", "agent-ville")}
    feature = {"type": "Feature", "geometry": {"type": "Point", "coordinates": list(INSIDE)},
               "properties": {"kind": "gusp", "category": "voirie", "on_behalf": True,
                              "description": description}}
    created = _api(live_server, "/api/v1/items", tokens["coordination"], feature)
    item_id = created["properties"]["id"]

    def move(token, to, **fields):
        version = _api(live_server, f"/api/v1/items/{item_id}", token)["properties"]["version"]
        _api(live_server, f"/api/v1/items/{item_id}/transitions", token,
             {"to": to, "version": version, **fields})

    move(tokens["coordination"], "routed", organisation="hbh", internal_note="Résidence")
    move(tokens["agent-hbh"], "returned", note="Trottoir de la Ville")
    move(tokens["coordination"], "routed", organisation="ville-antony", internal_note="Voirie")
    move(tokens["agent-ville"], "returned", note="Terrain du bailleur")
    return created["properties"]["reference"]


def no_sideways_scroll(page):
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def checked(page):
    page.wait_for_load_state("networkidle")
    assert_accessible(page)
    no_sideways_scroll(page)


def decide(page, point, **fields):
    point.locator("summary", has_text="Décision sur le point").click()
    if "organisation" in fields:
        point.get_by_label("Qui agit").select_option(label=fields["organisation"])
    if "due_on" in fields:
        point.get_by_label("D'ici le").fill(fields["due_on"])
    point.get_by_label("Décision (note interne au comité)").fill(fields["note"])
    point.get_by_role("button", name="Enregistrer la décision").click()
    page.wait_for_selector(".flash-success")
    assert "Décision enregistrée" in page.locator(".flashes").inner_text()


@pytest.mark.parametrize("device", ["laptop_page", "page"])
def test_follow_up_agenda_three_decisions_and_minutes(request, live_server, live_env, device):
    page = request.getfixturevalue(device)
    reference = disputed_item(live_server, live_env, f"Trottoir défoncé ({device})")

    sign_in_as(page, "comite")
    menu(page).get_by_role("link", name="Suivi").click()
    summary = page.locator("#retards-summary").inner_text()
    assert "sont en retard" in summary or "est en retard" in summary
    page.wait_for_selector("[data-clusters-ready=true]")
    assert page.locator(".cluster-marker").count() >= 1
    checked(page)
    page.get_by_role("link", name="Délais").click()
    checked(page)
    menu(page).get_by_role("button", name="Se déconnecter").click()

    sign_in_as(page, "coordination")
    menu(page).get_by_role("link", name="Comité").click()
    page.get_by_label("Date de la réunion").fill("2026-12-15")
    page.get_by_label("Heure").fill("14:30")
    page.get_by_label("Lieu").fill("Maison de quartier du Noyer Doré")
    page.get_by_role("button", name="Créer la réunion").click()
    page.get_by_role("button", name="Générer l'ordre du jour à partir des données").click()
    assert "Ordre du jour généré" in page.locator(".flashes").inner_text()
    checked(page)

    disputed = page.locator(".agenda-point", has_text=reference)
    assert "Contesté" in disputed.inner_text()
    decide(page, disputed, organisation="Ville d'Antony", due_on="2026-12-31",
           note="Trottoir municipal : la Ville reprend.")
    assert "qui agit : Ville d'Antony" in page.locator(".agenda-point", has_text=reference
                                                 ).inner_text()
    late = page.locator(".agenda-point").filter(has_text="En retard").filter(
        has=page.locator("summary"))
    decide(page, late.first, due_on="2027-01-15", note="Relance écrite du comité.")
    page.get_by_label("Intitulé du point").fill("Bilan de la fête de quartier")
    page.get_by_role("button", name="Ajouter un point libre").click()
    free = page.locator(".agenda-point", has_text="Bilan de la fête de quartier")
    decide(page, free, note="Reconduite en juin.")
    checked(page)

    page.get_by_label("Présents (organismes et collèges représentés)").fill(
        "Ville d'Antony, HBH, VSGP, conseil citoyen")
    page.get_by_role("button", name="Clore et produire le compte rendu").click()
    page.wait_for_url("**/compte-rendu")
    decisions = page.locator("#decisions + table").inner_text()
    assert reference in decisions and "Reconduite en juin." in decisions
    assert "3 décisions" in page.locator("#decisions + table caption").inner_text()
    assert "Ville d'Antony" in page.locator("#suites ~ ul").inner_text()
    checked(page)
    pdf = page.request.get(page.url + ".pdf")
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
