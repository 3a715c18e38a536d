"""Committee meetings: an agenda generated from the data, edited, decisions through the
status door (one settling a dispute), minutes and follow-ups met or not, concurrency."""

import io
import re
import threading
from datetime import date, time, timedelta

import flask_migrate
import pytest
from pypdf import PdfReader
from sqlalchemy import event, select, text

from app.auth.services import find_organisation
from app.clock import paris_today
from app.committee import services
from app.committee.agenda import follow_up_state
from app.committee.models import AgendaPoint, Decision, Meeting
from app.extensions import db
from app.items.models import Item
from app.triage import services as triage
from tests.conftest import csrf_token, make_item, make_user, page_text
from tests.integration.test_followup import disputed_item, overdue_item
from tests.integration.test_public_view import empty_app  # noqa: F401
from tests.workflow import coordinator, routed_item


def make_meeting(held_on=None, actor=None):
    meeting = services.create_meeting(actor or coordinator(), {
        "held_on": held_on or paris_today(), "starts_at": time(14, 30),
        "place": "Maison de quartier du Noyer Doré"})
    db.session.commit()
    return meeting


def _reload(model, id_):
    db.session.expire_all()
    return db.session.get(model, id_)


@pytest.fixture
def agenda_data():
    """A disputed item, an overdue one, a reopened one, one routed on time, a new one."""
    disputed = disputed_item()
    late = overdue_item("vsgp", category="dechets")
    reopened = routed_item("ville-antony", category="eclairage")
    triage.resolve_item(make_user("agent", "ville-antony"), reopened, "Lampe changée")
    triage.reopen_item(None, reopened, "Toujours éteint")
    db.session.commit()
    on_time = routed_item("ville-antony", category="tags")
    fresh = make_item(category="tags")
    return {"disputed": disputed, "late": late, "reopened": reopened, "on_time": on_time,
            "fresh": fresh}


def test_the_agenda_is_generated_from_the_data(app, agenda_data):
    meeting = make_meeting()
    with app.test_request_context():
        points = services.generate_agenda(coordinator(), meeting)
    db.session.commit()
    by_item = {p.item_id: p for p in points if p.item_id}
    assert by_item[agenda_data["disputed"].id].reasons == ["disputed"]
    assert by_item[agenda_data["late"].id].reasons == ["overdue"]
    assert by_item[agenda_data["reopened"].id].reasons == ["reopened"]
    assert agenda_data["on_time"].id not in by_item and agenda_data["fresh"].id not in by_item
    # Disputed first, then overdue, reopened; the routed summary closes the agenda.
    order = [p.reasons[0] for p in points]
    assert order == ["disputed", "overdue", "reopened", "routed"]
    summary = points[-1].details
    assert dict(summary["by_organisation"]) == {"Hauts-de-Bièvre Habitat": 1,
                                                "Vallée Sud – Grand Paris": 1,
                                                "Ville d'Antony": 2}
    seen = by_item[agenda_data["late"].id]
    assert (seen.seen_status, seen.seen_version) == ("routed", agenda_data["late"].version)


def _generated(app, meeting):
    with app.test_request_context():
        services.generate_agenda(coordinator(), meeting)
    db.session.commit()
    return {p.item_id: p for p in _reload(Meeting, meeting.id).points if p.item_id}


def _decide(client, meeting, point, **fields):
    page = f"/comite/reunions/{meeting.id}"
    db.session.expire_all()
    point = db.session.get(AgendaPoint, point.id)
    data = {"csrf_token": csrf_token(client, page),
            f"p{point.id}-point_version": str(point.version),
            f"p{point.id}-item_version": str(point.item.version) if point.item else ""}
    data.update({f"p{point.id}-{name}": value for name, value in fields.items()})
    return client.post(f"{page}/points/{point.id}/decision", data=data)


def test_a_decision_settles_a_dispute_through_the_status_door(app, client, auth, agenda_data):
    meeting = make_meeting()
    points = _generated(app, meeting)
    auth.login(user=coordinator())
    due = paris_today() + timedelta(days=20)
    response = _decide(client, meeting, points[agenda_data["disputed"].id],
                       organisation="ville-antony", due_on=due.isoformat(),
                       note="Le trottoir est municipal : la Ville intervient.")
    assert response.status_code == 303
    item = _reload(Item, agenda_data["disputed"].id)
    assert item.status == "routed" and item.organisation.code == "ville-antony"
    assert item.resolve_due == due
    event = item.events[-1]
    assert event.note.startswith("Transmis à Ville d'Antony. Décision du comité technique GUSP du ")
    assert "d'ici le" in event.note
    assert event.internal_note == "Le trottoir est municipal : la Ville intervient."
    decision = db.session.scalar(select(Decision))
    assert decision.item_event_id == event.id and not decision.moved
    # The public line of the history says the decision, never the committee's note.
    assert "intervient" not in event.note


def test_a_disputed_item_needs_someone_named(app, client, auth, agenda_data):
    meeting = make_meeting()
    points = _generated(app, meeting)
    auth.login("committee")
    response = _decide(client, meeting, points[agenda_data["disputed"].id], note="On verra")
    assert response.status_code == 422
    assert "désignez l'organisme qui agit" in page_text(response)
    assert _reload(Item, agenda_data["disputed"].id).status == "returned"


def test_a_decision_without_a_change_of_organisation_writes_the_history(app, client, auth,
                                                                        agenda_data):
    meeting = make_meeting()
    points = _generated(app, meeting)
    auth.login("committee")
    late = agenda_data["late"]
    due = paris_today() + timedelta(days=7)
    response = _decide(client, meeting, points[late.id], organisation="vsgp",
                       due_on=due.isoformat(), note="Relance écrite")
    assert response.status_code == 303
    item = _reload(Item, late.id)
    assert item.status == "routed" and item.resolve_due == due
    assert item.events[-1].to_status == "routed" and item.events[-1].from_status == "routed"
    assert "Vallée Sud – Grand Paris agit" in item.events[-1].note


def test_an_item_that_moved_since_the_agenda_says_so(app, client, auth, agenda_data):
    meeting = make_meeting()
    points = _generated(app, meeting)
    late = agenda_data["late"]
    triage.act_on_item(make_user("agent", "vsgp"), _reload(Item, late.id), "acknowledged")
    db.session.commit()
    auth.login("committee")
    page = page_text(client.get(f"/comite/reunions/{meeting.id}"))
    assert ("A changé depuis la préparation de l'ordre du jour : il était « Transmis » "
            "(Vallée Sud – Grand Paris), il est maintenant « Pris en compte » "
            "(Vallée Sud – Grand Paris).") in page
    response = _decide(client, meeting, points[late.id], note="Noté")
    assert response.status_code == 303
    assert db.session.scalar(select(Decision)).moved


def test_a_stale_item_version_is_refused_with_its_new_state(app, client, auth, agenda_data):
    meeting = make_meeting()
    points = _generated(app, meeting)
    late = agenda_data["late"]
    auth.login("committee")
    point = _reload(AgendaPoint, points[late.id].id)
    data = {"csrf_token": csrf_token(client, f"/comite/reunions/{meeting.id}"),
            f"p{point.id}-point_version": str(point.version),
            f"p{point.id}-item_version": str(late.version), f"p{point.id}-note": "Relance"}
    # Someone acknowledges the item between the page and the decision.
    triage.act_on_item(make_user("agent", "vsgp"), _reload(Item, late.id), "acknowledged")
    db.session.commit()
    response = client.post(f"/comite/reunions/{meeting.id}/points/{point.id}/decision",
                           data=data)
    assert response.status_code == 409
    page = page_text(response)
    assert "modifié par quelqu'un d'autre" in page and "« Pris en compte »" in page
    assert db.session.scalar(select(Decision)) is None


def test_two_people_deciding_the_same_point_at_once_make_one_decision(app, agenda_data):
    meeting = make_meeting()
    point_id = _generated(app, meeting)[agenda_data["late"].id].id
    first, second = make_user("committee", email="a@x.org"), make_user("coordinator",
                                                                       email="b@x.org")
    barrier, outcomes = threading.Barrier(2), []

    def decide(actor_id, note):
        with app.app_context(), app.test_request_context():
            actor = db.session.get(type(first), actor_id)
            point = db.session.get(AgendaPoint, point_id)
            version, item_version = point.version, point.item.version
            barrier.wait()
            try:
                services.record_decision(actor, point, note=note, point_version=version,
                                         item_version=item_version)
                db.session.commit()
                outcomes.append("ok")
            except Exception as error:  # either refusal (stale point, unique decision) will do
                db.session.rollback()
                outcomes.append(type(error).__name__)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=decide, args=(u.id, n))
               for u, n in ((first, "Un"), (second, "Deux"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("ok") == 1, outcomes
    assert db.session.scalar(select(db.func.count(Decision.id))) == 1
    item = _reload(Item, agenda_data["late"].id)
    assert sum("Décision du comité" in e.note for e in item.events) == 1


def test_the_agenda_is_edited_add_remove_reorder_free_point(app, client, auth, agenda_data):
    meeting = make_meeting()
    _generated(app, meeting)
    auth.login(user=coordinator())
    page = f"/comite/reunions/{meeting.id}"
    token = csrf_token(client, page)
    fresh = agenda_data["fresh"]
    assert client.post(f"{page}/points", data={"csrf_token": token,
                                               "add-reference": fresh.reference}).status_code \
        == 303
    again = client.post(f"{page}/points", data={"csrf_token": token,
                                                "add-reference": fresh.reference})
    assert again.status_code == 422 and "déjà à l'ordre du jour" in page_text(again)
    unknown = client.post(f"{page}/points", data={"csrf_token": token,
                                                  "add-reference": "2026-99999"})
    assert unknown.status_code == 422 and "Aucun signalement ne porte ce numéro" in page_text(
        unknown)
    assert client.post(f"{page}/points", data={"csrf_token": token, "free-title":
                                               "Bilan de la fête de quartier"}).status_code \
        == 303
    points = _reload(Meeting, meeting.id).points
    assert [p.reasons[0] for p in points][-2:] == ["added", "free"]
    free = points[-1]
    assert client.post(f"{page}/points/{free.id}/deplacer",
                       data={"csrf_token": token, "step": "up"}).status_code == 303
    points = _reload(Meeting, meeting.id).points
    assert points[-2].id == free.id
    first = points[0]
    assert client.post(f"{page}/points/{first.id}/retirer",
                       data={"csrf_token": token}).status_code == 303
    assert first.id not in [p.id for p in _reload(Meeting, meeting.id).points]


def test_next_agenda_opens_with_follow_ups_and_says_which_were_met(app, client, auth,
                                                                   agenda_data):
    first = make_meeting(paris_today() - timedelta(days=30))
    points = _generated(app, first)
    actor = coordinator()
    with app.test_request_context():
        services.record_decision(actor, points[agenda_data["disputed"].id],
                                 find_organisation("ville-antony"),
                                 paris_today() + timedelta(days=5), "", today=first.held_on)
        services.record_decision(actor, points[agenda_data["late"].id],
                                 find_organisation("vsgp"), paris_today() - timedelta(days=2),
                                 "", today=first.held_on)
        free = services.add_free_point(actor, first, "Campagne d'affichage tri")
        services.record_decision(actor, free, find_organisation("vsgp"), None, "Affiches")
    db.session.commit()
    settled = _reload(Item, agenda_data["disputed"].id)
    triage.resolve_item(make_user("agent", "ville-antony", email="v2@x.org"), settled,
                        "Trottoir refait")
    db.session.commit()
    second = make_meeting()
    with app.test_request_context():
        services.generate_agenda(actor, second)
    db.session.commit()
    points = _reload(Meeting, second.id).points
    follow_ups = [p for p in points if "follow-up" in p.reasons]
    assert points[:3] == follow_ups
    states = {p.item_id: follow_up_state(p.follows.decision, paris_today()).state
              for p in follow_ups}
    assert states == {agenda_data["disputed"].id: "met", agenda_data["late"].id: "missed",
                      None: "manual"}
    auth.login(user=actor)
    page = page_text(client.get(f"/comite/reunions/{second.id}"))
    assert "Tenu (résolu le" in page and "Non tenu : échéance passée" in page
    assert "À constater en séance" in page


def test_minutes_page_and_pdf_and_closing(app, client, auth, agenda_data):
    meeting = make_meeting()
    points = _generated(app, meeting)
    auth.login(user=coordinator())
    _decide(client, meeting, points[agenda_data["disputed"].id], organisation="hbh",
            note="HBH reprend la main")
    page = f"/comite/reunions/{meeting.id}"
    response = client.post(f"{page}/cloture", data={
        "csrf_token": csrf_token(client, page), "attendees": "Ville, HBH, VSGP, CCND",
        "notes": "Échanges sur les dépôts sauvages."})
    assert response.status_code == 303
    minutes = page_text(client.get(f"{page}/compte-rendu"))
    assert "Ville, HBH, VSGP, CCND" in minutes and "HBH reprend la main" in minutes
    assert agenda_data["disputed"].reference in minutes
    pdf = client.get(f"{page}/compte-rendu.pdf")
    assert pdf.mimetype == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "HBH reprend la main" in text and "Suites" in text
    # Closed: no more decisions nor edits.
    refused = _decide(client, meeting, points[agenda_data["late"].id], note="Trop tard")
    assert refused.status_code == 409 and "clos" in page_text(refused)


def test_agents_read_their_own_organisations_decisions_only(app, client, auth, agenda_data):
    meeting = make_meeting()
    points = _generated(app, meeting)
    with app.test_request_context():
        services.record_decision(coordinator(), points[agenda_data["late"].id],
                                 find_organisation("vsgp"), None, "Relance VSGP")
        services.record_decision(coordinator(), points[agenda_data["disputed"].id],
                                 find_organisation("hbh"), None, "HBH agit")
    db.session.commit()
    auth.login("agent", "vsgp")
    page = f"/comite/reunions/{meeting.id}/compte-rendu"
    mine = page_text(client.get(page))
    assert "Relance VSGP" in mine and "HBH agit" not in mine
    assert client.get(f"{page}?organisation=hbh").status_code == 403
    decisions = client.get(f"/comite/reunions/{meeting.id}/decisions.csv").get_data(as_text=True)
    assert "Relance VSGP" in decisions and "HBH agit" not in decisions
    # Who decided: a display name, else a role, never an e-mail address.
    assert "coordination@example.org" not in mine + decisions
    assert "Coordination GUSP" in decisions
    assert client.get(f"/comite/reunions/{meeting.id}/decisions.csv?organisation=hbh"
                      ).status_code == 403
    assert client.get(f"/comite/reunions/{meeting.id}").status_code == 403


def test_the_migration_names_earlier_deciders_without_their_email(empty_app):  # noqa: F811
    """Decisions recorded while the minutes fell back to the address are named as they are
    now (display name, organisation, role); a deleted account's address is not kept."""
    with empty_app.app_context():
        flask_migrate.upgrade()
        named = make_user("coordinator", email="nommee@example.org")
        agent = make_user("agent", "vsgp", email="agent@example.org")
        deciders = [make_user("coordinator", email="coord@example.org"),
                    make_user("committee", email="comite@example.org"), agent, named, None]
        meeting = make_meeting(actor=deciders[0])
        for decider in deciders:
            point = services.add_free_point(deciders[0], meeting, "Point libre")
            with empty_app.test_request_context():
                services.record_decision(decider or deciders[0], point, note="Décidé")
            point.decision.decided_by_id = decider and decider.id
            point.decision.decided_by_label = (decider.email if decider
                                               else "parti@example.org")
        # A display name given since: the minutes now show it.
        named.display_name = "Awa Diallo"
        # A label that was never an address stays as it is.
        kept = services.add_free_point(deciders[0], meeting, "Point libre")
        with empty_app.test_request_context():
            services.record_decision(agent, kept, note="Décidé")
        kept.decision.decided_by_label = "Chez @lice"
        db.session.commit()
        db.session.remove()
        flask_migrate.downgrade(revision="0022")
        flask_migrate.upgrade()
        labels = db.session.execute(text(
            "SELECT decided_by_label FROM committee_decision ORDER BY id")).scalars().all()
    assert labels == ["Coordination GUSP", "Membre du comité technique GUSP",
                      "Vallée Sud – Grand Paris", "Awa Diallo", "Compte supprimé",
                      "Chez @lice"]


def test_meetings_are_planned_by_the_coordination_only(client, auth):
    auth.login("committee")
    token = csrf_token(client, "/comite/reunions")
    assert client.post("/comite/reunions", data={"csrf_token": token, "held_on": "2026-12-10",
                                                 "starts_at": "14:00", "place": "X"}
                       ).status_code == 403
    auth.login("coordinator")
    token = csrf_token(client, "/comite/reunions")
    bad = client.post("/comite/reunions", data={"csrf_token": token, "held_on": "",
                                                "starts_at": "14:00", "place": "Salle"})
    assert bad.status_code == 422 and "Indiquez la date de la réunion." in page_text(bad)
    good = client.post("/comite/reunions", data={"csrf_token": token,
                                                 "held_on": "2026-12-10",
                                                 "starts_at": "14:00", "place": "Salle"})
    assert good.status_code == 303
    assert db.session.scalar(select(Meeting)).held_on == date(2026, 12, 10)


@pytest.mark.parametrize("held_on", ["0001-01-01", "2023-12-31", "9999-12-31"])
def test_a_meeting_date_out_of_reach_is_refused(client, auth, held_on):
    """Before the contract, or years ahead: a slip of the keyboard, said so, nothing saved
    (the agenda of such a date could not even be computed)."""
    auth.login(user=coordinator())
    token = csrf_token(client, "/comite/reunions")
    refused = client.post("/comite/reunions", data={"csrf_token": token, "held_on": held_on,
                                                    "starts_at": "14:00", "place": "Salle"})
    assert refused.status_code == 422
    assert "La date de la réunion doit se situer entre le 1 janvier 2024 et le" in page_text(
        refused)
    assert db.session.scalar(select(Meeting)) is None


def test_the_date_pickers_offer_the_days_within_reach(app, client, auth, agenda_data):
    auth.login(user=coordinator())
    first, last = services.meeting_dates()
    [held_on] = re.findall(r"<input[^>]*held_on[^>]*>", page_text(client.get("/comite/reunions")))
    assert f'min="{first.isoformat()}"' in held_on and f'max="{last.isoformat()}"' in held_on
    meeting = make_meeting()
    _generated(app, meeting)
    page = page_text(client.get(f"/comite/reunions/{meeting.id}"))
    today, latest = services.due_dates()
    pickers = re.findall(r"<input[^>]*due_on[^>]*>", page)
    assert len(pickers) >= 3 and all(
        f'min="{today.isoformat()}"' in picker and f'max="{latest.isoformat()}"' in picker
        for picker in pickers)


def test_a_decision_names_a_known_organisation_and_a_reachable_deadline(app, client, auth,
                                                                        agenda_data):
    meeting = make_meeting()
    points = _generated(app, meeting)
    late = points[agenda_data["late"].id]
    auth.login("committee")
    unknown = _decide(client, meeting, late, organisation="nope", note="Relance")
    assert unknown.status_code == 422 and "Organisme inconnu : nope." in page_text(unknown)
    far = _decide(client, meeting, late, due_on="9999-12-31", note="Relance")
    assert far.status_code == 422 and "L'échéance ne peut pas dépasser le" in page_text(far)
    assert db.session.scalar(select(Decision)) is None
    assert _reload(Item, agenda_data["late"].id).organisation.code == "vsgp"
    reachable = paris_today() + services.DUE_AHEAD
    assert _decide(client, meeting, late, due_on=reachable.isoformat()).status_code == 303
    # The next meeting's agenda reads that deadline back.
    assert client.get(f"/comite/reunions/{make_meeting().id}").status_code == 200


def test_an_agenda_edit_crossing_another_says_so(app, client, auth, agenda_data):
    """Someone else changed the point between this request's read and its write: 409 and
    nothing saved, rather than an error page."""
    meeting = make_meeting()
    _generated(app, meeting)
    point = _reload(Meeting, meeting.id).points[1]
    auth.login(user=coordinator())
    token = csrf_token(client, f"/comite/reunions/{meeting.id}")

    def someone_else_moves_it(session, _context, _instances):
        session.connection().execute(
            AgendaPoint.__table__.update().where(AgendaPoint.id == point.id)
            .values(version=AgendaPoint.version + 1))

    event.listen(db.session, "before_flush", someone_else_moves_it)
    try:
        crossed = client.post(f"/comite/reunions/{meeting.id}/points/{point.id}/deplacer",
                              data={"csrf_token": token, "step": "up"})
    finally:
        event.remove(db.session, "before_flush", someone_else_moves_it)
    assert crossed.status_code == 409
    assert "Quelqu'un d'autre vient de modifier ces données" in page_text(crossed)
    assert _reload(Meeting, meeting.id).points[1].id == point.id
