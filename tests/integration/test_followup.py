"""The follow-up across organisations: overdue everywhere, filters, counts, the map's
clusters, bad input and each role's part."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest

from app import clock
from app.auth.services import find_organisation
from app.clock import paris_today
from app.extensions import db
from app.items.models import Item
from app.triage import services
from tests.conftest import csrf_token, make_user, page_text
from tests.workflow import coordinator, routed_item

NEXT_PAGE = re.compile(r'<a href="([^"]+)" rel="next">')
ORGANISATIONS = ("hbh", "ville-antony", "vsgp", "cd92")


def overdue_item(org, **fields):
    """An item routed to `org` whose acknowledgement was due yesterday."""
    item = routed_item(org, **fields)
    item.acknowledge_due = paris_today() - timedelta(days=1)
    db.session.commit()
    return item


@pytest.fixture
def one_overdue_each():
    late = {org: overdue_item(org) for org in ORGANISATIONS}
    on_time = routed_item("hbh", category="tags")
    return late, on_time


def test_an_item_overdue_at_each_organisation_is_counted_everywhere(client, auth,
                                                                     one_overdue_each):
    late, on_time = one_overdue_each
    auth.login("committee")
    page = page_text(client.get("/comite/suivi"))
    assert "5 signalements correspondent aux filtres ; 4 sont en retard." in page
    for org in ORGANISATIONS:
        assert late[org].reference in page
    overdue_only = page_text(client.get("/comite/suivi?overdue=1"))
    assert on_time.reference not in overdue_only and late["cd92"].reference in overdue_only


def test_the_coordinators_overdue_counter_counts_every_organisation(client, auth,
                                                                    one_overdue_each):
    auth.login("coordinator")
    page = page_text(client.get("/gestion/triage"))
    assert "En retard chez les organismes : <strong>4</strong>" in page


def test_an_agent_sees_its_own_organisation_only(client, auth, one_overdue_each):
    late, on_time = one_overdue_each
    auth.login("agent", "hbh")
    page = page_text(client.get("/comite/suivi"))
    assert "2 signalements correspondent aux filtres ; 1 est en retard." in page
    assert late["hbh"].reference in page and late["vsgp"].reference not in page
    queue = page_text(client.get("/gestion/organisme"))
    assert "En retard : <strong>1</strong>" in queue
    refused = client.get("/comite/suivi?organisation=vsgp")
    assert refused.status_code == 403
    assert "votre organisme (Hauts-de-Bièvre Habitat)" in page_text(refused)
    assert client.get("/comite/suivi?organisation=hbh").status_code == 200


class HalfPastMidnightInParis(datetime):
    """The clock at 00:30 in Paris on 2 December 2026, when UTC is still on the 1st."""

    @classmethod
    def now(cls, tz=None):
        instant = datetime(2026, 12, 1, 23, 30, tzinfo=UTC)
        return instant.astimezone(tz) if tz else instant.replace(tzinfo=None)


def test_the_queues_and_the_follow_up_agree_after_midnight_in_paris(client, auth,
                                                                    monkeypatch):
    """An item due on the 1st is late on the 2nd in Paris for everyone who follows it,
    though UTC's day is still the 1st."""
    monkeypatch.setattr(clock, "datetime", HalfPastMidnightInParis)
    assert paris_today() == date(2026, 12, 2)
    late = routed_item("hbh")
    late.acknowledge_due = date(2026, 12, 1)
    db.session.commit()
    auth.login("coordinator")
    assert "En retard chez les organismes : <strong>1</strong>" in page_text(
        client.get("/gestion/triage"))
    auth.login("agent", "hbh")
    assert "En retard : <strong>1</strong>" in page_text(client.get("/gestion/organisme"))
    assert "1 est en retard" in page_text(client.get("/comite/suivi"))


def test_residents_and_moderators_have_no_follow_up(client, auth):
    auth.login("resident")
    assert client.get("/comite/suivi").status_code == 403


@pytest.mark.parametrize("query, field, message", [
    ("organisation=mairie", "organisation", "Organisme inconnu : mairie."),
    ("category=graffiti", "category", "Catégorie inconnue : graffiti."),
    ("kind=x", "kind", "Type inconnu"),
    ("walk=999999", "walk", "Cette marche n'existe pas."),
    ("status=perdu", "status", "État inconnu : perdu."),
    ("from=2025-06-01&to=2025-01-01", "to", "La période est à l'envers"),
    ("from=2023-12-31&to=2024-02-01", "from", "1er janvier 2024"),
    ("from=2099-01-01&to=2099-02-01", "from", "commence après aujourd'hui"),
    ("from=2025-01-01", "to", "Indiquez aussi la fin de la période."),
    ("from=hier&to=2025-01-01", "from", "AAAA-MM-JJ"),
])
def test_bad_filters_get_a_clear_message_and_keep_what_was_typed(client, auth, query, field,
                                                                 message):
    auth.login("committee")
    for path in ("/comite/suivi", "/comite/suivi/repartition", "/comite/suivi/delais",
                 "/comite/suivi/points-recurrents", "/comite/suivi/marches"):
        response = client.get(f"{path}?{query}")
        assert response.status_code == 422, path
        page = page_text(response)
        assert message in page and f'id="f-{field}-error"' in page
    assert client.get(f"/comite/suivi/carte.json?{query}&bbox=0,0,1,1&zoom=3").json[
        "errors"][field].find(message) >= 0


def test_a_period_ending_after_today_is_brought_back_to_today(client, auth):
    auth.login("committee")
    page = page_text(client.get(f"/comite/suivi?from=2024-01-01&to={paris_today().year + 2}"
                                "-12-31"))
    assert "La période demandée finit après aujourd'hui" in page


def test_filters_choose_the_items(client, auth):
    tags = routed_item("ville-antony", category="tags")
    disputed = routed_item("hbh", category="proprete")
    agent = make_user("agent", "hbh")
    for _round in range(2):
        services.return_item(agent, disputed, "Pas notre terrain")
        db.session.commit()
        if _round == 0:
            services.route_item(coordinator(), disputed, find_organisation("hbh"), "retour")
            db.session.commit()
    reopened = routed_item("vsgp", category="dechets")
    services.resolve_item(make_user("agent", "vsgp"), reopened, "Ramassé")
    services.reopen_item(None, reopened, "Toujours là")
    db.session.commit()
    auth.login("committee")

    def listed(query):
        text = page_text(client.get(f"/comite/suivi?{query}"))
        return {item.reference for item in (tags, disputed, reopened) if item.reference in text}

    assert listed("category=tags") == {tags.reference}
    assert listed("disputed=1") == {disputed.reference}
    assert listed("returned=1") == {disputed.reference}
    assert listed("reopened=1") == {reopened.reference}
    assert listed("organisation=vsgp") == {reopened.reference}
    assert listed("kind=proposal") == set()
    this_year = f"from={paris_today().year}-01-01&to={paris_today().isoformat()}"
    assert listed(this_year) == {tags.reference, disputed.reference, reopened.reference}
    assert listed("from=2024-01-01&to=2024-12-31") == set()


def test_counts_by_status_organisation_and_category(client, auth):
    routed_item("ville-antony", category="tags")
    routed_item("ville-antony", category="tags")
    resolved = routed_item("hbh", category="tags")
    services.resolve_item(make_user("agent", "hbh"), resolved, "Effacé")
    db.session.commit()
    auth.login("coordinator")
    page = page_text(client.get("/comite/suivi/repartition"))
    assert "3 signalements en tout. Par état : Transmis 2, Résolu 1." in page


def test_the_map_clusters_items_with_their_overdue_count(client, auth, one_overdue_each):
    auth.login("committee")
    answer = client.get("/comite/suivi/carte.json?bbox=2.2,48.7,2.4,48.8&zoom=10").json
    assert len(answer["clusters"]) == 1
    cluster = answer["clusters"][0]
    assert (cluster["count"], cluster["overdue"]) == (5, 4)
    assert cluster["label"] == "5 signalements, dont 4 en retard"
    close = client.get("/comite/suivi/carte.json?bbox=2.2,48.7,2.4,48.8&zoom=22").json
    single = [c for c in close["clusters"] if c["count"] == 1]
    assert all(c["url"].startswith("/gestion/signalements/") for c in single)
    assert client.get("/comite/suivi/carte.json?bbox=x&zoom=3").status_code == 422


def test_no_item_is_lost_or_repeated_between_pages_even_when_one_is_filed_meanwhile(
        client, auth):
    made = [routed_item("hbh", category="tags").reference for _n in range(55)]
    auth.login("committee")
    first = page_text(client.get("/comite/suivi?category=tags"))
    late = routed_item("hbh", category="tags").reference  # filed after page 1 was read
    second = page_text(client.get(NEXT_PAGE.search(first).group(1)))
    assert NEXT_PAGE.search(second) is None
    pages = [first, second]
    seen = [ref for ref in [*made, late] for text in pages if ref in text]
    assert sorted(seen) == sorted([*made, late])  # each once, the late one included
    assert "Début de la liste" in pages[1]


def test_a_forged_page_link_of_the_follow_up_shows_its_beginning_in_french(client, auth):
    routed_item("hbh")
    auth.login("committee")
    response = client.get("/comite/suivi", query_string={"apres": "2026'; DROP TABLE item"})
    assert response.status_code == 200
    assert "ne correspond plus à cette liste : voici le début" in page_text(response)


def disputed_item():
    item = routed_item("hbh")
    agent = make_user("agent", "hbh", email="agent-hbh-dispute@example.org")
    services.return_item(agent, item, "Pas notre terrain")
    services.route_item(coordinator(), item, find_organisation("hbh"), "Si, c'est le vôtre")
    services.return_item(agent, item, "Toujours pas")
    db.session.commit()
    return item


def test_the_committee_reads_the_triage_queue_and_settles_a_dispute(client, auth):
    item = disputed_item()
    plain = routed_item("ville-antony")
    services.return_item(make_user("agent", "ville-antony"), plain, "Pas nous")
    db.session.commit()
    auth.login("committee")
    queue = client.get("/gestion/triage?disputed=1")
    assert queue.status_code == 200
    text = page_text(queue)
    assert item.reference in text and plain.reference not in text
    assert 'name="item"' not in text  # no bulk routing for the committee
    page = page_text(client.get(f"/gestion/signalements/{item.id}"))
    assert 'name="move" value="routed"' in page
    assert 'value="rejected"' not in page
    # A return that is not disputed stays the coordination's to route.
    assert 'value="routed"' not in page_text(client.get(f"/gestion/signalements/{plain.id}"))
    response = client.post(f"/gestion/signalements/{item.id}", data={
        "csrf_token": csrf_token(client, f"/gestion/signalements/{item.id}"),
        "move": "routed", "routed-version": str(item.version),
        "routed-organisation": "ville-antony",
        "routed-note": "Le comité tranche : voirie municipale."})
    assert response.status_code == 303
    db.session.expire_all()
    settled = db.session.get(Item, item.id)
    assert settled.status == "routed" and settled.organisation.code == "ville-antony"
    assert settled.events[-1].actor_label == "Membre du comité technique GUSP"
    refused = client.post(f"/gestion/signalements/{plain.id}", data={
        "csrf_token": csrf_token(client, f"/gestion/signalements/{plain.id}"),
        "move": "routed", "routed-version": "1", "routed-organisation": "hbh"})
    assert refused.status_code == 403
