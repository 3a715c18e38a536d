"""Indicators on crafted data with known answers, through the page and the JSON API, and
the refusals of bad periods and of an agent asking for another organisation's figures."""

import datetime as dt

import pytest

from app.auth.services import find_user
from app.clock import paris_today
from app.committee.filters import EVERY, Filters, clauses
from app.committee.period import read_period
from app.evaluation.counts import item_counts
from app.evaluation.indicators import compute_indicators
from app.extensions import db
from app.items.status import Status, transition
from app.proposals import services as proposals
from app.walks import services as walks
from app.walks.models import WalkStatus
from tests.conftest import make_user, page_text
from tests.integration.test_measures import answered_item
from tests.integration.test_meetings import make_meeting
from tests.integration.test_proposals import carried, make_proposal
from tests.integration.test_walks import walk_data
from tests.statements import counted_statements
from tests.workflow import coordinator, routed_item

RECEIVED = dt.datetime(2026, 11, 9, 9, 0)  # every crafted item arrives on 9 November 2026
YEAR = {"from": "2026-01-01", "to": "2026-12-31"}


def received(item):
    item.created_at = RECEIVED
    db.session.commit()
    return item


@pytest.fixture
def crafted(app):
    """Three answered items (resolution in 2, 4 and 8 working days), one waiting, one
    rejected; a night walk with participation; a meeting; a proposal answered."""
    for org, ack, res in (("hbh", (2026, 11, 16), (2026, 11, 17)),
                          ("hbh", (2026, 11, 12), (2026, 11, 13)),
                          ("ville-antony", (2026, 11, 10), (2026, 11, 23))):
        received(answered_item(org, "tags", dt.date(*ack), dt.date(*res)))
    received(routed_item("vsgp", category="dechets"))
    rejected = received(routed_item("hbh", category="tags"))
    transition(rejected, Status.RETURNED, None, "Pas chez nous")
    transition(rejected, Status.REJECTED, coordinator(), "Hors périmètre")
    db.session.commit()
    walk = walks.plan_walk(coordinator(), walk_data(date=dt.date(2026, 11, 5)))
    walks.record_participation(None, walk, {"habitants": {"femmes": 6, "hommes": 3},
                                            "elus": {"hommes": 1}})
    walks.change_walk_status(None, walk, WalkStatus.CLOSED)
    db.session.commit()
    make_meeting(dt.date(2026, 11, 20))
    proposal = received(make_proposal())
    carried(proposal)
    with app.test_request_context():
        proposals.answer_proposal(make_user("agent", "ville-antony", email="p@x.org"),
                                  proposal, "accepted", "Oui, au printemps.")
    db.session.commit()


def _by_code(indicators):
    return {i.code: i for i in indicators}


def test_indicators_give_the_known_answers(app, crafted):
    viewer = make_user("committee")
    with app.test_request_context():
        found = _by_code(compute_indicators(read_period(**{"raw_from": YEAR["from"],
                                                           "raw_to": YEAR["to"]}), viewer))
    assert found["share_resolved"].value == 0.75 and found["share_resolved"].basis == 4
    resolve = found["time_to_resolve"]
    assert (resolve.value, resolve.details["mean"], resolve.basis) == (4, 4.7, 3)
    assert resolve.details["waiting"] == 1
    assert found["time_to_acknowledge"].value == 1
    assert found["walks_held"].value == 1 and found["stops"].value == 3
    assert found["participants"].value == 10
    assert found["women_participants"].value == 0.6
    assert found["committee_meetings"].value == 1
    assert found["proposals_received"].value == 1
    assert found["proposals_answered"].value == 1.0
    assert found["rerouted_share"].value == 0  # routed once each
    assert found["new_participants"].missing and found["new_participants"].value is None
    assert found["young_participants"].missing
    assert found["confirmed_next_walk"].missing  # no next walk on the sector yet
    before = _by_code(compute_indicators(read_period("2025-01-01", "2025-12-31"), viewer))
    assert before["share_resolved"].missing and before["walks_held"].value == 0


def test_moves_are_counted_per_item_in_two_statements(app):
    """Resolved twice and reopened once, rerouted after a return, routed once, and an item
    of another period: each item counts once per move, in one pass over the items and one
    over their history."""
    agent, lead = make_user("agent", "ville-antony"), coordinator()
    twice = routed_item("ville-antony")
    for to in (Status.RESOLVED, Status.REOPENED, Status.RESOLVED):
        transition(twice, to, agent if to == Status.RESOLVED else lead, "Vu")
    rerouted = routed_item("ville-antony")
    transition(rerouted, Status.RETURNED, agent, "Pas chez nous")
    transition(rerouted, Status.ROUTED, lead)
    for item in (twice, rerouted, routed_item("ville-antony")):
        received(item)
    earlier = routed_item("ville-antony")
    transition(earlier, Status.RETURNED, agent, "Pas chez nous")
    transition(earlier, Status.ROUTED, lead)
    transition(earlier, Status.RESOLVED, agent, "Fait")
    transition(earlier, Status.REOPENED, lead, "Pas tenu")
    earlier.created_at = RECEIVED - dt.timedelta(days=400)
    db.session.commit()
    with app.test_request_context():
        period = read_period(YEAR["from"], YEAR["to"])
        where = clauses(Filters(period=period, state=EVERY), make_user("committee"))
        with counted_statements() as statements:
            counts = item_counts(where)
    assert (counts["received"], counts["routed"]) == (3, 3)
    assert (counts["ever_resolved"], counts["reopened"], counts["rerouted"]) == (1, 1, 1)
    assert counts["resolved"] == 1 and counts["in_committee"] == 0
    assert len(statements) == 2


def test_the_api_returns_the_same_figures_with_their_definitions(client, auth, crafted):
    headers = auth.token("committee")
    answer = client.get("/api/v1/indicators?from=2026-01-01&to=2026-12-31", headers=headers)
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["period"]["from"] == "2026-01-01"
    found = {i["code"]: i for i in body["indicators"]}
    assert found["share_resolved"]["value"] == 0.75 and found["share_resolved"]["basis"] == 4
    assert found["share_resolved"]["definition"] and found["share_resolved"]["formula"]
    assert found["young_participants"]["computable"] is False
    assert "âge" in found["young_participants"]["missing"]
    assert {i["family"] for i in body["indicators"]} == {"realisation", "resultat", "impact"}


def test_an_agent_gets_its_organisations_figures_only(client, auth, crafted):
    headers = auth.token(user=find_user("agent-hbh@example.org"))
    mine = client.get("/api/v1/indicators?from=2026-01-01&to=2026-12-31", headers=headers)
    found = {i["code"]: i for i in mine.get_json()["indicators"]}
    assert found["share_resolved"]["value"] == 1.0 and found["share_resolved"]["basis"] == 2
    refused = client.get("/api/v1/indicators?from=2026-01-01&to=2026-12-31"
                         "&organisation=vsgp", headers=headers)
    assert refused.status_code == 403
    assert "votre organisme" in refused.get_json()["errors"]["organisation"]


@pytest.mark.parametrize("query, field, words", [
    ("", "from", "Indiquez le début et la fin"),
    ("from=2026-06-01&to=2026-01-01", "to", "à l'envers"),
    ("from=2023-01-01&to=2023-12-31", "from", "1er janvier 2024"),
    ("from=2099-01-01&to=2099-12-31", "from", "après aujourd'hui"),
    ("from=2026-01-01&to=2026-13-01", "to", "AAAA-MM-JJ"),
    ("from=2026-01-01&to=2026-02-01&organisation=mairie", "organisation", "inconnu"),
])
def test_bad_periods_are_refused_clearly(client, auth, query, field, words):
    member = make_user("committee")
    answer = client.get(f"/api/v1/indicators?{query}", headers=auth.token(user=member))
    assert answer.status_code == 422
    assert words in answer.get_json()["errors"][field]
    auth.login(user=member)
    page = client.get(f"/evaluation/indicateurs?{query}" if query else
                      "/evaluation/indicateurs?from=&to=2026-01-01")
    assert page.status_code == 422


def test_the_api_needs_a_staff_token(client, auth):
    assert client.get("/api/v1/indicators?from=2026-01-01&to=2026-02-01").status_code == 401
    resident = auth.token("resident")
    assert client.get("/api/v1/indicators?from=2026-01-01&to=2026-02-01",
                      headers=resident).status_code == 403


def test_the_page_shows_each_indicator_with_definition_formula_and_basis(client, auth,
                                                                         crafted):
    auth.login("coordinator")
    page = page_text(client.get("/evaluation/indicateurs?from=2026-01-01&to=2026-12-31"))
    assert "Part des signalements résolus" in page and "repose sur 4 signalements" in page
    assert "Calcul : Résolus ou vérifiés ÷ reçus" in page
    assert "Non calculable" in page and "L'âge des participants n'est pas recueilli." in page
    for label in ("2024", "2025", "2024–2027 (évaluation à mi-parcours)",
                  "2024–2030 (contrat entier)"):
        assert label in page
    assert client.get("/evaluation/indicateurs").status_code == 200  # this year by default
    whole = page_text(client.get("/evaluation/indicateurs?from=2024-01-01&to=2030-12-31"))
    assert "les chiffres vont jusqu'au" in whole
    assert paris_today().year >= 2026
