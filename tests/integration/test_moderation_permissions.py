"""Who may do what: every role (and anonymous) against every moderation and proposal action,
through the real pages and API, as a person or a client would."""

import pytest

from tests.conftest import Auth, csrf_token, make_item, make_user
from tests.images import jpeg
from tests.integration.test_proposals import carried, make_proposal

ROLES = ("anonymous", "resident", "moderator", "coordinator", "agent", "committee", "admin")
ALLOWED = {
    "publish": {"moderator", "admin"},
    "hide": {"moderator", "admin"},
    "edit": {"moderator", "admin"},
    "mask": {"moderator", "admin"},
    "detect": {"moderator", "admin"},
    "merge": {"moderator", "admin"},
    "flag": set(ROLES),
    "support": {"resident"},
    "comment": {"resident"},
    "answer": {"agent", "admin"},  # the agent belongs to the organisation it was carried to
}


@pytest.fixture
def world():
    item = make_item(photos=[("p.jpg", jpeg(width=200, height=100))])
    proposal = make_proposal()
    carried(proposal, "ville-antony")
    public = make_item(publish=True, description="Public")
    original = make_item(publish=True)
    return {"item": item.id, "photo": item.photos[0].id, "proposal": proposal.id,
            "public": public.id, "original": original.id}


def attempts(client, w, headers):
    """(action, response) for every action, each with valid input; the API is called with
    `headers` (the same person's bearer token), the pages with the session."""
    review = f"/moderation/signalements/{w['item']}"
    page = f"/propositions/{w['proposal']}"
    token = csrf_token(client, f"/signalements/{w['public']}/alerte")
    yield "publish", client.post(f"{review}/decision", data={
        "csrf_token": token, "decision-action": "publish"})
    yield "hide", client.post(f"{review}/decision", data={
        "csrf_token": token, "decision-action": "hide", "decision-reason": "Nom"})
    yield "edit", client.post(f"{review}/texte", data={
        "csrf_token": token, "text-description": "Texte revu"})
    zone = f"photo{w['photo']}-zones-0-"
    yield "mask", client.post(f"/moderation/photos/{w['photo']}/masque", data={
        "csrf_token": token, f"{zone}x": "0", f"{zone}y": "0", f"{zone}width": "20",
        f"{zone}height": "20"})
    yield "detect", client.post(f"/moderation/photos/{w['photo']}/detection",
                                data={"csrf_token": token})
    yield "merge", client.post(f"{review}/fusion", data={
        "csrf_token": token, "merge-original": str(w["original"])})
    yield "flag", client.post(f"/signalements/{w['public']}/alerte", data={
        "csrf_token": token, "reason": "other"})
    yield "support", client.post(f"/api/v1/items/{w['proposal']}/supports", headers=headers)
    yield "comment", client.post(f"{page}/commentaires", data={
        "csrf_token": token, "body": "D'accord"})
    yield "answer", client.post(f"{page}/reponse", data={
        "csrf_token": token, "answer": "accepted", "text": "Oui, au printemps."})


def refused(response):
    return response.status_code in (401, 403) or "/connexion" in response.headers.get(
        "Location", "")


@pytest.mark.parametrize("role", ROLES)
def test_the_permission_matrix(client, world, role):
    headers = {}
    if role != "anonymous":
        user = make_user(role, "ville-antony" if role == "agent" else None)
        Auth(client).login(user=user)
        headers = Auth(client).token(user=user)
    answers = dict(attempts(client, world, headers))
    seen = {action: not refused(response) for action, response in answers.items()}
    assert seen == {action: role in allowed for action, allowed in ALLOWED.items()}
    # What is allowed also succeeds (a redirect after the change, or 201 for the API).
    assert all(answers[action].status_code in (201, 302) for action, ok in seen.items() if ok)
