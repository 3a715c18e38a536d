"""Proposals from idea to reasoned answer: supports (also concurrent), comments, tables de
quartier and their outcomes, the organisation's answer and the supporters' e-mails."""

import threading
from datetime import datetime

import pytest
from sqlalchemy import func, select

from app.auth.services import find_organisation
from app.errors import DomainError, NotAllowed
from app.extensions import db
from app.items.models import Item
from app.items.services import InvalidItem
from app.items.status import TransitionRefused, transition
from app.moderation import services as moderation
from app.notifications.models import OutboxMessage
from app.places.queries import all_places
from app.proposals import services
from app.proposals.models import AgendaEntry, Comment, Support
from tests.conftest import csrf_token, make_item, make_user, page_text
from tests.statements import counted_statements


def make_proposal(publish=True, author=None, theme="cadre-de-vie"):
    item, token, _created = services.submit_proposal(
        author, {"title": "Des bancs place du Noyer Doré", "description": "Pour les anciens",
                 "lon": 2.288496, "lat": 48.737178}, theme)
    if publish:
        moderation.moderate_item(make_user("moderator", email=f"m{item.id}@example.org"),
                                 item, "publish")
    db.session.commit()
    return item


def carried(item, org="ville-antony"):
    coordinator = make_user("coordinator", email=f"c{item.id}@example.org")
    meeting = services.create_meeting(coordinator, datetime(2026, 12, 3, 18, 30),
                                      "Centre social Noyer Doré")
    entry = services.add_to_agenda(coordinator, meeting, item)
    services.record_outcome(coordinator, entry, "carried", "", org)
    db.session.commit()
    return entry


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_proposal_needs_a_theme_of_the_contract():
    with pytest.raises(InvalidItem) as refused:
        services.submit_proposal(None, {"title": "Idée", "lon": 2.288496, "lat": 48.737178},
                                 "sport")
    assert refused.value.errors == {"theme": "Choisissez un thème du contrat de ville."}


def test_the_proposal_form_creates_a_pending_proposal(client):
    first = all_places()[0]
    answer = client.post("/propositions/nouvelle", data={
        "csrf_token": csrf_token(client, "/propositions/nouvelle"), "title": "Un composteur",
        "description": "", "theme": "cadre-de-vie", "place": str(first.id)})
    assert answer.status_code == 302 and "/suivi/" in answer.headers["Location"]
    item = db.session.scalar(select(Item))
    assert (item.kind, item.category, item.visibility, item.proposal.theme) == (
        "proposal", "proposition", "pending", "cadre-de-vie")
    assert client.get(f"/propositions/{item.id}").status_code == 404  # not public yet


def test_the_list_shows_themes_and_supports_in_queries_that_do_not_grow_with_it(client):
    def list_page():
        with counted_statements() as statements:
            shown = page_text(client.get("/propositions"))
        return shown, len(statements)

    services.support_proposal(make_user("resident"), make_proposal())
    db.session.commit()
    text, with_one = list_page()
    assert "Cadre de vie" in text and "1 soutien" in text
    for _n in range(3):
        make_proposal()
    assert list_page()[1] == with_one


def test_a_resident_supports_once_through_the_api(client, auth):
    item = make_proposal()
    headers = auth.token("resident")
    first = client.post(f"/api/v1/items/{item.id}/supports", headers=headers)
    assert first.status_code == 201 and first.get_json() == {"supports": 1}
    second = client.post(f"/api/v1/items/{item.id}/supports", headers=headers)
    assert second.status_code == 409
    assert second.get_json() == {"errors": {"support": "Vous soutenez déjà cette proposition."}}
    assert client.get(f"/api/v1/items/{item.id}").get_json()["properties"]["supports"] == 1


def test_two_sessions_supporting_at_once_count_once(app, auth):
    url = f"/api/v1/items/{make_proposal().id}/supports"
    resident = make_user("resident")
    tokens = [auth.token(user=resident) for _ in range(4)]  # four devices, four sessions
    barrier, answers = threading.Barrier(4), []

    def send(headers):
        client = app.test_client()
        barrier.wait()
        answers.append(client.post(url, headers=headers).status_code)

    threads = [threading.Thread(target=send, args=(headers,)) for headers in tokens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == [201, 409, 409, 409]
    assert count(Support) == 1


def test_supporting_needs_a_resident_token_and_a_public_proposal(client, auth):
    item, pending = make_proposal(), make_proposal(publish=False)
    assert client.post(f"/api/v1/items/{item.id}/supports").status_code == 401
    assert client.post(f"/api/v1/items/{item.id}/supports",
                       headers=auth.token("coordinator")).status_code == 403
    headers = auth.token("resident")
    assert client.post(f"/api/v1/items/{pending.id}/supports", headers=headers).status_code == 404
    report = make_item(publish=True)
    assert client.post(f"/api/v1/items/{report.id}/supports", headers=headers).status_code == 404


def test_a_resident_supports_through_the_page(client, auth):
    item = make_proposal()
    auth.login("resident")
    path = f"/propositions/{item.id}"
    assert "Je soutiens cette proposition" in page_text(client.get(path))
    answer = client.post(f"{path}/soutien", data={"csrf_token": csrf_token(client, path)},
                         follow_redirects=True)
    text = page_text(answer)
    assert "Merci, votre soutien est enregistré." in text and "1 soutien" in text
    again = client.post(f"{path}/soutien", data={"csrf_token": csrf_token(client, path)},
                        follow_redirects=True)
    assert "Vous soutenez déjà cette proposition." in page_text(again)
    assert count(Support) == 1


def test_comments_wait_for_moderation_and_only_their_author_edits_them(client, auth):
    item = make_proposal()
    author = make_user("resident", email="auteur@example.org")
    comment = services.comment_proposal(author, item, "Bonne idée, M. Durand sera d'accord")
    db.session.commit()
    assert comment.visibility == "pending"
    assert "Bonne idée" not in page_text(client.get(f"/propositions/{item.id}"))
    # Someone else may not edit it.
    other = make_user("resident", email="autre@example.org")
    with pytest.raises(NotAllowed):
        services.edit_comment(other, comment, "Piraté")
    auth.login(user=other)
    path = f"/commentaires/{comment.id}/modifier"
    assert client.get(path).status_code == 403
    # The moderator edits the public text; the original stays for moderators.
    moderator = make_user("moderator")
    moderation.edit_text(moderator, comment, "body", "Bonne idée")
    moderation.moderate_comment(moderator, comment, "publish")
    db.session.commit()
    text = page_text(client.get(f"/propositions/{item.id}"))
    assert "Bonne idée" in text and "Durand" not in text
    assert moderation.original_text(comment, "body") == "Bonne idée, M. Durand sera d'accord"
    # Its author rewrites it: it goes back to moderation.
    services.edit_comment(author, comment, "Très bonne idée")
    db.session.commit()
    assert comment.visibility == "pending"


def test_an_empty_comment_is_refused_with_a_message(client, auth):
    item = make_proposal()
    auth.login("resident")
    path = f"/propositions/{item.id}"
    answer = client.post(f"{path}/commentaires", data={"csrf_token": csrf_token(client, path),
                                                       "body": "  "})
    assert answer.status_code == 422 and "Écrivez votre commentaire." in page_text(answer)
    assert count(Comment) == 0


def test_a_table_carries_a_proposal_to_an_organisation(client, auth):
    item = make_proposal()
    entry = carried(item, "vsgp")
    assert (item.status, item.organisation.code, entry.outcome) == ("routed", "vsgp", "carried")
    assert "table de quartier du 03/12/2026" in item.events[-1].internal_note


def test_not_carried_needs_a_reason():
    item = make_proposal()
    coordinator = make_user("coordinator")
    meeting = services.create_meeting(coordinator, datetime(2026, 12, 3, 18), "Centre social")
    entry = services.add_to_agenda(coordinator, meeting, item)
    with pytest.raises(InvalidItem) as refused:
        services.record_outcome(coordinator, entry, "not_carried", " ")
    assert "reason" in refused.value.errors
    services.record_outcome(coordinator, entry, "not_carried", "Déjà prévu au budget 2027")
    db.session.commit()
    assert (item.status, item.events[-1].note) == ("rejected", "Déjà prévu au budget 2027")


def test_the_answer_needs_reasons_and_closes_the_proposal_notifying_supporters(client, auth):
    item = make_proposal()
    supporter = make_user("resident", email="soutien@example.org")
    services.support_proposal(supporter, item)
    carried(item)
    agent = make_user("agent", "ville-antony")
    with pytest.raises(InvalidItem) as refused:
        services.answer_proposal(agent, item, "declined", "   ")
    assert refused.value.errors == {"text": "Une réponse doit être motivée : expliquez-la."}
    db.session.rollback()
    before = count(OutboxMessage)
    services.answer_proposal(agent, item, "partly", "Deux bancs au printemps, pas quatre.")
    db.session.commit()
    assert (item.status, item.proposal.answer) == ("resolved", "partly")
    assert item.proposal.time_to_answer.total_seconds() >= 0
    mails = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.to_address == "soutien@example.org")).all()
    assert count(OutboxMessage) > before and len(mails) == 1
    assert "Deux bancs au printemps" in mails[0].body
    text = page_text(client.get(f"/propositions/{item.id}"))
    assert "Acceptée en partie" in text and "Deux bancs au printemps, pas quatre." in text


def test_a_proposal_cannot_close_without_the_reasoned_answer():
    item = make_proposal()
    carried(item)
    with pytest.raises(TransitionRefused):
        transition(item, "resolved", make_user("agent", "ville-antony"), "Fait")


def test_only_the_organisation_it_was_carried_to_answers(client, auth):
    item = make_proposal()
    carried(item, "ville-antony")
    auth.login("agent", "hbh")
    path = f"/propositions/{item.id}/reponse"
    answer = client.post(path, data={"csrf_token": csrf_token(client, f"/propositions/{item.id}"),
                                     "answer": "accepted", "text": "Oui"})
    assert answer.status_code == 403
    assert db.session.get(Item, item.id).proposal.answer is None


def test_a_coordinator_records_a_table_through_the_pages(client, auth):
    item = make_proposal()
    auth.login("coordinator")
    token = csrf_token(client, "/tables-de-quartier")
    answer = client.post("/tables-de-quartier", data={
        "csrf_token": token, "held_at": "2026-12-03T18:30", "place": "Centre social"})
    assert answer.status_code == 302
    path = answer.headers["Location"]
    client.post(f"{path}/ordre-du-jour", data={"csrf_token": csrf_token(client, path),
                                               "item": str(item.id)})
    entry = db.session.scalar(select(AgendaEntry))
    refused = client.post(f"{path}/decisions/{entry.id}", data={
        "csrf_token": csrf_token(client, path), "outcome": "not_carried", "reason": ""})
    assert refused.status_code == 422
    assert "Indiquez pourquoi la table ne porte pas cette proposition." in page_text(refused)
    done = client.post(f"{path}/decisions/{entry.id}", data={
        "csrf_token": csrf_token(client, path), "outcome": "carried",
        "organisation": "ville-antony", "reason": ""})
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(Item, item.id).organisation == find_organisation("ville-antony")


def test_a_closed_proposal_takes_no_more_supports():
    item = make_proposal()
    carried(item)
    services.answer_proposal(make_user("agent", "ville-antony"), item, "accepted", "Oui, en mai.")
    db.session.commit()
    with pytest.raises(DomainError):
        services.support_proposal(make_user("resident"), item)
