"""POST /api/v1/items/<id>/transitions: the moves for staff tokens, the permission matrix,
and two people acting at once."""

import threading

import pytest
from sqlalchemy.orm.exc import StaleDataError

from app.auth.models import User
from app.auth.services import find_organisation
from app.extensions import db
from app.items.models import Item
from app.items.status import Status
from app.triage import services
from app.triage.permissions import can_act_on_item
from tests.conftest import make_item, make_user
from tests.workflow import routed_item

ORGS = ("hbh", "ville-antony", "vsgp", "cd92")


def _post(client, item, headers, **body):
    db.session.expire_all()
    body.setdefault("version", db.session.get(Item, item.id).version)
    return client.post(f"/api/v1/items/{item.id}/transitions", json=body, headers=headers)


def test_routing_with_a_note_and_an_internal_note_keeps_each_where_it_belongs(client, auth):
    item = make_item(category="tags", publish=True)
    routed = _post(client, item, auth.token("coordinator"), to="routed", organisation="hbh",
                   note="Le bailleur passera cette semaine.",
                   internal_note="Mur de la résidence, voir la convention")
    assert routed.status_code == 200
    staff_view = routed.get_json()["properties"]["history"][-1]
    assert staff_view["note"] == ("Transmis à Hauts-de-Bièvre Habitat. Le bailleur passera "
                                  "cette semaine.")
    assert staff_view["internal_note"] == "Mur de la résidence, voir la convention"
    public = client.get(f"/api/v1/items/{item.id}").get_json()["properties"]["history"][-1]
    assert public["note"] == staff_view["note"] and "internal_note" not in public


def test_an_agent_acknowledges_plans_and_resolves_through_the_api(client, auth):
    item = routed_item("hbh")
    headers = auth.token("agent", "hbh")
    response = _post(client, item, headers, to="acknowledged")
    assert response.status_code == 200
    assert response.get_json()["properties"]["status"] == "acknowledged"
    planned = _post(client, item, headers, to="planned", expected_date="2099-01-15")
    properties = planned.get_json()["properties"]
    assert properties["status"] == "planned" and properties["expected_date"] == "2099-01-15"
    assert properties["resolve_due"] > properties["acknowledge_due"]
    assert properties["disputed"] is False
    done = _post(client, item, headers, to="resolved", note="Réparé")
    history = done.get_json()["properties"]["history"]
    assert [row["status"] for row in history] == ["new", "routed", "acknowledged", "planned",
                                                  "resolved"]
    assert history[-1]["by"] == "Hauts-de-Bièvre Habitat" and history[-1]["note"] == "Réparé"


def test_the_coordinator_routes_with_an_organisation_code(client, auth):
    item = make_item(category="tags")
    headers = auth.token("coordinator")
    override = _post(client, item, headers, to="routed", organisation="hbh")
    assert override.status_code == 409 and "note" in override.get_json()["errors"]
    unknown = _post(client, item, headers, to="routed", organisation="nowhere")
    assert unknown.status_code == 422 and "organisation" in unknown.get_json()["errors"]
    routed = _post(client, item, headers, to="routed", organisation="ville-antony")
    assert routed.get_json()["properties"]["organisation"] == "ville-antony"


@pytest.mark.parametrize(("body", "field"), [
    ({"to": "flying"}, "to"),
    ({"to": "acknowledged", "version": "one"}, "version"),
    ({"to": "planned", "expected_date": "15/01/2099"}, "expected_date"),
    ({"to": "resolved", "note": 42}, "note"),
])
def test_malformed_input_is_422(client, auth, body, field):
    item = routed_item("hbh")
    response = _post(client, item, auth.token("agent", "hbh"), **body)
    assert response.status_code == 422 and field in response.get_json()["errors"]


def test_a_move_the_workflow_forbids_is_409(client, auth):
    item = routed_item("hbh")
    response = _post(client, item, auth.token("agent", "hbh"), to="verified")
    assert response.status_code == 409
    item = make_item()
    response = _post(client, item, auth.token("coordinator"), to="verified")
    assert response.status_code == 409 and "Impossible de passer" in response.get_json()[
        "errors"]["to"]


def test_a_stale_version_is_409_and_changes_nothing(client, auth):
    item = routed_item("hbh")
    headers = auth.token("agent", "hbh")
    response = _post(client, item, headers, to="acknowledged", version=item.version - 1)
    assert response.status_code == 409 and "version" in response.get_json()["errors"]
    db.session.expire_all()
    assert db.session.get(Item, item.id).status == "routed"


def test_another_organisations_item_is_404_even_when_public(client, auth):
    item = routed_item("vsgp", publish=True)
    headers = auth.token("agent", "hbh")
    assert _post(client, item, headers, to="acknowledged").status_code == 404
    assert client.get(f"/gestion/signalements/{item.id}").status_code in (302, 401)  # no session


@pytest.mark.parametrize(("token_role", "status"), [(None, 401), ("resident", 403),
                                                    ("committee", 409)])
def test_callers_without_a_workflow_role_are_refused(client, auth, token_role, status):
    """No token: 401; a resident: 403; the committee reads everything but moves nothing."""
    item = make_item()
    headers = auth.token(token_role) if token_role else {}
    response = _post(client, item, headers, to="routed", organisation="ville-antony")
    assert response.status_code == status
    db.session.expire_all()
    assert db.session.get(Item, item.id).status == "new"


# The permission matrix: role × move × the item's organisation is the agent's own or not.
ROLES = ("resident", "moderator", "coordinator", "agent", "committee", "admin")
EXPECTED = {
    "coordinator": {"routed", "rejected", "duplicate", "new", "verified", "reopened"},
    "admin": {"routed", "rejected", "duplicate", "new", "verified", "reopened"},
    "moderator": {"reopened"},
    ("agent", "own"): {"acknowledged", "planned", "resolved", "returned"},
    ("agent", "other"): set(),
    "resident": set(),
    "committee": set(),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("whose", ["own", "other"])
@pytest.mark.parametrize("move", [s.value for s in Status])
def test_permission_matrix(role, whose, move):
    user = make_user(role, "hbh" if role == "agent" else None)
    other = find_organisation("vsgp").id
    item = Item(status="routed", organisation_id=user.organisation_id if whose == "own" and
                user.organisation_id else other)
    expected = EXPECTED.get((role, whose), EXPECTED.get(role))
    assert can_act_on_item(user, item, move) is (move in expected)


def test_the_permission_matrix_through_the_api(client, auth):
    """The same questions at the HTTP edge: every role's token on an own and another
    organisation's routed item, for an agent move (acknowledge) and a coordination move."""
    outcomes = {}
    for role in ROLES:
        headers = auth.token(role, "hbh" if role == "agent" else None)
        for whose, org in (("own", "hbh"), ("other", "vsgp")):
            for move, extra in (("acknowledged", {}), ("rejected", {"note": "Hors sujet"})):
                item = routed_item(org)
                status = _post(client, item, headers, to=move, **extra).status_code
                outcomes[(role, whose, move)] = status
    assert outcomes[("agent", "own", "acknowledged")] == 200
    assert outcomes[("agent", "own", "rejected")] == 409
    assert outcomes[("agent", "other", "acknowledged")] == 404
    assert outcomes[("agent", "other", "rejected")] == 404
    for role in ("coordinator", "admin"):
        for whose in ("own", "other"):
            assert outcomes[(role, whose, "rejected")] == 200
            assert outcomes[(role, whose, "acknowledged")] == 409
    for role in ("moderator", "committee"):
        assert {outcomes[(role, w, m)] for w in ("own", "other")
                for m in ("acknowledged", "rejected")} == {409}
    assert {outcomes[("resident", w, m)] for w in ("own", "other")
            for m in ("acknowledged", "rejected")} == {403}


def test_two_sessions_acting_at_once_one_wins_the_other_gets_stale_data(app):
    """Two people load the same item and act on it; the second commit must fail loudly."""
    item_id, agent_id = routed_item("hbh").id, make_user("agent", "hbh").id
    outcomes = []
    barrier = threading.Barrier(2, timeout=30)

    def act(move, note):
        with app.app_context():  # its own database session, as a request would have
            try:
                mine = db.session.get(Item, item_id)
                actor = db.session.get(User, agent_id)
                barrier.wait()  # both have read the same version
                services.act_on_item(actor, mine, move, note=note)
                db.session.commit()
                outcomes.append("committed")
            except StaleDataError:
                db.session.rollback()
                outcomes.append("stale")
            except Exception as error:  # reported by the assertion, never a hang
                barrier.abort()
                outcomes.append(repr(error))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=act, args=("resolved", "Fait")),
               threading.Thread(target=act, args=("returned", "Pas à nous"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["committed", "stale"]
    db.session.expire_all()
    stored = db.session.get(Item, item_id)
    assert stored.status in ("resolved", "returned") and len(stored.events) == 3
