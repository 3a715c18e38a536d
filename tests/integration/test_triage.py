"""Triage, organisation queues, delays, returns and disputes, duplicates, reopening."""

import re
from datetime import timedelta
from io import BytesIO

from sqlalchemy import select

from app.auth.services import find_organisation
from app.clock import paris_today
from app.extensions import db
from app.items.models import Item, ItemFollower
from app.items.services import follow_item
from app.triage import services
from app.workdays import add_working_days
from tests.conftest import csrf_token, make_item, make_user, page_text
from tests.images import jpeg
from tests.workflow import coordinator, routed_item


def _move(client, item, move, **fields):
    page = f"/gestion/signalements/{item.id}"
    db.session.expire_all()  # read the version the page would show now
    data = {"csrf_token": csrf_token(client, page), "move": move,
            f"{move}-version": str(db.session.get(Item, item.id).version),
            **{f"{move}-{name}": value for name, value in fields.items()}}
    return client.post(page, data=data)


def _words(response):
    """The page's text without its tags, as a screen reader would read it."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", page_text(response)))


def _reload(item):
    db.session.expire_all()
    return db.session.get(Item, item.id)


def test_the_triage_queue_lists_new_and_returned_items_oldest_first_with_counts(client, auth):
    first, second = make_item(category="tags"), make_item(category="dechets")
    routed = routed_item()
    returned = routed_item()
    services.return_item(make_user("agent", "ville-antony"), returned, "Terrain privé")
    db.session.commit()
    auth.login("coordinator")
    text = _words(client.get("/gestion/triage"))
    assert text.index(first.reference) < text.index(second.reference) < text.index(
        returned.reference)
    assert routed.reference not in text
    assert "Nouveau : 2" in text and "Renvoyé à la coordination : 1" in text
    filtered = page_text(client.get("/gestion/triage?category=dechets"))
    assert second.reference in filtered and first.reference not in filtered
    by_suggestion = page_text(client.get("/gestion/triage?suggested=vsgp"))
    assert second.reference in by_suggestion and first.reference not in by_suggestion


def test_confirming_routes_to_the_suggestion_with_due_dates_in_working_days(client, auth):
    item = make_item(category="tags")
    auth.login("coordinator")
    response = _move(client, item, "routed", organisation="ville-antony")
    assert response.status_code == 303
    item = _reload(item)
    assert item.status == "routed" and item.organisation.code == "ville-antony"
    today = paris_today()
    assert item.acknowledge_due == add_working_days(today, 3)
    assert item.resolve_due == add_working_days(today, 15)
    assert item.events[-1].note == "Transmis à Ville d'Antony."


def test_overriding_the_suggestion_needs_a_reason_kept_internal(client, auth):
    item = make_item(category="tags", publish=True)
    auth.login("coordinator")
    refused = _move(client, item, "routed", organisation="hbh")
    assert refused.status_code == 409
    assert "Indiquez pourquoi vous transmettez à un autre organisme" in page_text(refused)
    assert _reload(item).status == "new"
    done = _move(client, item, "routed", organisation="hbh",
                 internal_note="Tag sur le mur du bailleur")
    assert done.status_code == 303 and _reload(item).organisation.code == "hbh"
    public = client.get(f"/api/v1/items/{item.id}").get_json()["properties"]["history"]
    assert "internal_note" not in public[-1]
    assert public[-1]["note"] == "Transmis à Hauts-de-Bièvre Habitat."


def test_bulk_confirmation_routes_those_with_a_suggestion_and_lists_the_others(client, auth):
    a, b = make_item(category="tags"), make_item(category="dechets")
    orphan = make_item(category="parties-communes")
    auth.login("coordinator")
    response = client.post("/gestion/triage/transmettre", data={
        "csrf_token": csrf_token(client, "/gestion/triage"),
        "item": [str(a.id), str(b.id), str(orphan.id)]}, follow_redirects=True)
    text = page_text(response)
    assert "2 signalements transmis" in text and "Non transmis" in text
    assert orphan.reference in text
    assert [_reload(i).status for i in (a, b, orphan)] == ["routed", "routed", "new"]
    assert _reload(b).organisation.code == "vsgp"


def test_rejecting_needs_a_reason(client, auth):
    item = make_item()
    auth.login("coordinator")
    assert _move(client, item, "rejected").status_code == 409
    assert _move(client, item, "rejected", note="Hors compétence GUSP").status_code == 303
    assert _reload(item).status == "rejected"


def test_a_duplicate_links_to_the_original_and_its_followers_move(client, auth):
    original = make_item(publish=True)
    copy = make_item(publish=True, email="auteur@example.org")
    follow_item(None, copy, "voisine@example.org")
    db.session.commit()
    auth.login("coordinator")
    assert _move(client, copy, "duplicate", duplicate_of="999999").status_code == 409
    assert _move(client, copy, "duplicate", duplicate_of=str(original.id)).status_code == 303
    copy, original = _reload(copy), _reload(original)
    assert copy.status == "duplicate" and copy.duplicate_of_id == original.id
    assert copy.followers == []
    assert {f.email for f in original.followers} == {"voisine@example.org", "auteur@example.org"}


def test_the_agent_queue_shows_only_their_organisation_and_other_items_are_404(client, auth):
    mine, theirs = routed_item("hbh"), routed_item("vsgp", publish=True)
    agent = auth.login("agent", "hbh")
    text = page_text(client.get("/gestion/organisme"))
    assert mine.reference in text and theirs.reference not in text
    assert client.get(f"/gestion/signalements/{theirs.id}").status_code == 404
    assert _move(client, mine, "acknowledged").status_code == 303
    page = f"/gestion/signalements/{mine.id}"
    stolen = client.post(f"/gestion/signalements/{theirs.id}", data={
        "csrf_token": csrf_token(client, page), "move": "acknowledged",
        "acknowledged-version": "1"})
    assert stolen.status_code == 404 and _reload(theirs).status == "routed"
    assert agent.organisation.code == "hbh"


def test_an_agent_acknowledges_plans_and_resolves_with_an_after_photo(client, auth, tmp_path):
    item = routed_item("hbh")
    auth.login("agent", "hbh")
    assert _move(client, item, "acknowledged").status_code == 303
    yesterday = (paris_today() - timedelta(days=1)).isoformat()
    past = _move(client, item, "planned", expected_date=yesterday)
    assert past.status_code == 409 and "déjà passée" in page_text(past)
    when = (paris_today() + timedelta(days=7)).isoformat()
    assert _move(client, item, "planned", expected_date=when).status_code == 303
    assert _reload(item).expected_date.isoformat() == when
    assert _move(client, item, "resolved").status_code == 409  # says what was done
    page = f"/gestion/signalements/{item.id}"
    response = client.post(page, data={
        "csrf_token": csrf_token(client, page), "move": "resolved",
        "resolved-version": str(_reload(item).version), "resolved-note": "Hall nettoyé",
        "resolved-photo": (BytesIO(jpeg()), "apres.jpg")}, content_type="multipart/form-data")
    assert response.status_code == 303
    item = _reload(item)
    assert item.status == "resolved" and len(item.photos) == 1
    assert item.photos[0].alt_text.startswith("Photo après intervention")


def test_returned_twice_is_disputed_and_shown_in_the_queue(client, auth):
    item = routed_item("hbh")
    auth.login("agent", "hbh")
    assert _move(client, item, "returned").status_code == 409  # reason required
    assert _move(client, item, "returned", note="Domaine public").status_code == 303
    services.route_item(coordinator(), _reload(item), find_organisation("hbh"), "Si, c'est à vous")
    db.session.commit()
    assert _move(client, item, "returned", note="Toujours pas à nous").status_code == 303
    assert _reload(item).is_disputed
    client.post("/deconnexion", data={"csrf_token": csrf_token(client, "/gestion/organisme")})
    auth.login("coordinator")
    text = _words(client.get("/gestion/triage?disputed=1"))
    assert item.reference in text and "Contesté" in text and "Contestés : 1" in text


def test_overdue_items_stand_out_and_can_be_filtered(client, auth):
    late, fine = routed_item("hbh"), routed_item("hbh")
    late.acknowledge_due = paris_today() - timedelta(days=1)
    db.session.commit()
    auth.login("agent", "hbh")
    assert "En retard : 1" in _words(client.get("/gestion/organisme"))
    only_late = page_text(client.get("/gestion/organisme?overdue=1"))
    assert late.reference in only_late and fine.reference not in only_late
    assert "⚠" not in only_late  # the warning sign comes from CSS; the word is in the HTML
    assert "En retard</span>" in only_late


def test_the_author_reopens_a_resolved_item_with_the_tracking_link(client):
    item = routed_item("hbh")
    token = item.tracking_token
    agent = make_user("agent", "hbh")
    services.resolve_item(agent, item, "Réparé")
    db.session.commit()
    page = f"/gestion/suivi/{token}/rouvrir"
    assert page in page_text(client.get(f"/suivi/{token}"))  # the author's page links to it
    empty = client.post(page, data={"csrf_token": csrf_token(client, page), "note": ""})
    assert empty.status_code == 422
    response = client.post(page, data={"csrf_token": csrf_token(client, page),
                                       "note": "La porte est encore cassée"})
    assert response.status_code == 303
    item = _reload(item)
    assert item.status == "reopened" and item.organisation.code == "hbh"
    assert item.events[-1].actor_label == "Habitant·e"
    assert client.get("/gestion/suivi/not-a-token/rouvrir").status_code == 404
    assert client.get(page).status_code == 409  # already reopened


def test_a_moderator_reopens_but_cannot_route(client, auth):
    item = routed_item("hbh")
    services.resolve_item(make_user("agent", "hbh"), item, "Réparé")
    db.session.commit()
    auth.login("moderator")
    assert _move(client, item, "reopened", note="Les habitants disent que non").status_code == 303
    assert _reload(item).status == "reopened"
    assert _move(client, make_item(), "routed", organisation="hbh").status_code == 403


def test_a_stale_form_gets_a_clear_message_and_changes_nothing(client, auth):
    item = make_item(category="tags")
    auth.login("coordinator")
    page = f"/gestion/signalements/{item.id}"
    token = csrf_token(client, page)
    services.act_on_item(coordinator(), item, "rejected", note="Hors sujet")
    db.session.commit()
    response = client.post(page, data={"csrf_token": token, "move": "routed", "routed-version": "1",
                                       "routed-organisation": "ville-antony"})
    assert response.status_code == 409
    assert "modifié par quelqu'un d'autre" in page_text(response)
    assert _reload(item).status == "rejected"


def test_followers_count_is_not_touched_by_routing():
    item = make_item(publish=True)
    follow_item(None, item, "a@example.org")
    db.session.commit()
    services.route_item(coordinator(), item, item.suggested_organisation)
    db.session.commit()
    assert db.session.scalar(select(db.func.count(ItemFollower.id))) == 1
