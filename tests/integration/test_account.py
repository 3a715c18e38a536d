"""A resident's own space: their contributions, the export of their data, and deletion
that leaves public contributions in place, anonymised."""

import json

from sqlalchemy import select

from app.auth.models import User
from app.extensions import db
from app.items.models import Item
from app.proposals import services as proposals
from app.proposals.models import Comment, Support
from tests.conftest import PASSWORD, csrf_token, make_item, page_text
from tests.integration.test_proposals import make_proposal


def test_a_resident_sees_and_exports_their_own_data(client, auth):
    resident = auth.login("resident")
    mine = make_item(actor=resident, email="moi@example.org", description="Mon signalement")
    make_item(description="Celui d'un autre")
    idea = make_proposal()
    proposals.support_proposal(resident, idea)
    proposals.comment_proposal(resident, idea, "Je suis pour")
    db.session.commit()
    page = page_text(client.get("/mon-compte"))
    assert "Mon signalement" in page and "Celui d'un autre" not in page
    assert "Je suis pour" in page and idea.title in page
    answer = client.get("/mon-compte/donnees.json")
    assert "attachment" in answer.headers["Content-Disposition"]
    data = json.loads(answer.get_data())
    assert data["account"]["email"] == resident.email
    assert [i["id"] for i in data["items"]] == [mine.id]
    assert data["items"][0]["email"] == "moi@example.org"
    assert [s["item_id"] for s in data["supports"]] == [idea.id]
    assert [c["body"] for c in data["comments"]] == ["Je suis pour"]


def test_deleting_the_account_keeps_public_contributions_anonymised(client, auth):
    resident = auth.login("resident")
    user_id, email = resident.id, resident.email
    item = make_item(actor=resident, email="moi@example.org", publish=True)
    idea = make_proposal()
    proposals.support_proposal(resident, idea)
    proposals.comment_proposal(resident, idea, "Je suis pour")
    db.session.commit()
    wrong = client.post("/mon-compte/suppression", data={
        "csrf_token": csrf_token(client, "/mon-compte"), "password": "pas-le-bon"})
    assert wrong.status_code == 422 and "Mot de passe incorrect" in page_text(wrong)
    done = client.post("/mon-compte/suppression", data={
        "csrf_token": csrf_token(client, "/mon-compte"), "password": PASSWORD})
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user_id) is None
    kept = db.session.get(Item, item.id)
    assert (kept.author_id, kept.author_email, kept.visibility) == (None, None, "public")
    assert db.session.scalar(select(Comment.author_id)) is None
    assert db.session.scalar(select(Support.user_id)) is None
    assert len(db.session.get(Item, idea.id).supports) == 1  # the support still counts
    assert email not in page_text(client.get(f"/api/v1/items/{item.id}"))
    assert client.get("/mon-compte").status_code == 302  # signed out


def test_the_account_pages_need_a_session(client):
    assert "/connexion" in client.get("/mon-compte").headers["Location"]
    assert "/connexion" in client.get("/mon-compte/donnees.json").headers["Location"]
