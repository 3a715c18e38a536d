"""Walk pages follow the walk's state, list walks upcoming and past, show strong points as
such (never with "moi aussi") and write averages the French way."""

import datetime as dt

from app.extensions import db
from app.items.models import Item
from app.moderation.services import moderate_item
from app.walks import findings, services
from app.walks.models import WalkFinding
from tests.conftest import make_user, page_text
from tests.integration.test_walks import MONT_BLANC, grid, make_walk, post_finding

JOIN = "Rejoindre la marche depuis un téléphone"


def test_a_planned_or_ongoing_walk_offers_to_join_with_its_qr_code(client):
    walk = make_walk()
    for status in ("planned", "ongoing"):
        walk.status = status
        db.session.commit()
        page = page_text(client.get(f"/marches/{walk.id}"))
        assert JOIN in page and f"/marches/{walk.id}/qr.svg" in page and walk.join_code in page
        assert "Lire le compte rendu" not in page


def test_a_finished_walk_opens_with_its_compte_rendu_not_the_join_box(client, auth):
    walk = make_walk()
    services.change_walk_status(None, walk, "closed")
    db.session.commit()
    page = page_text(client.get(f"/marches/{walk.id}"))
    assert JOIN not in page and "qr.svg" not in page
    assert "Son compte rendu sera publié ici après relecture" in page
    assert f"/marches/{walk.id}/compte-rendu" not in page  # not published: not for the public
    services.publish_report(None, walk, "Synthèse")
    db.session.commit()
    page = page_text(client.get(f"/marches/{walk.id}"))
    report = f'<a class="button" href="/marches/{walk.id}/compte-rendu">Lire le compte rendu</a>'
    assert report in page
    assert f"/marches/{walk.id}/compte-rendu.pdf" in page and JOIN not in page


def test_the_team_reads_an_unpublished_compte_rendu_from_the_walk_page(client, auth):
    walk = make_walk()
    services.change_walk_status(None, walk, "closed")
    db.session.commit()
    auth.login("coordinator")
    page = page_text(client.get(f"/marches/{walk.id}"))
    assert "Pas encore publié : visible de l'équipe seulement." in page
    assert "Lire le compte rendu" in page
    assert "Rouvrir la marche (terminée par erreur)" in page and "Démarrer la marche" not in page


def test_a_cancelled_walk_says_so(client):
    walk = make_walk()
    services.change_walk_status(None, walk, "cancelled")
    db.session.commit()
    page = page_text(client.get(f"/marches/{walk.id}"))
    assert "Cette marche a été annulée." in page and JOIN not in page


def test_walks_are_listed_upcoming_first_then_past(client):
    later = make_walk(title="Marche de la semaine prochaine",
                      date=dt.date.today() + dt.timedelta(days=7))
    sooner = make_walk(title="Marche de demain")
    past = make_walk(title="Marche du mois dernier",
                     date=dt.date.today() - dt.timedelta(days=30))
    services.change_walk_status(None, past, "closed")
    db.session.commit()
    page = page_text(client.get("/marches"))
    upcoming, _sep, passed = page.partition('<h2 id="passees">')
    assert upcoming.index(sooner.title) < upcoming.index(later.title)
    assert past.title in passed and past.title not in upcoming
    home = page_text(client.get("/"))
    assert sooner.title in home and past.title not in home


def test_a_strong_point_is_shown_as_such_and_never_offers_moi_aussi(client, auth):
    walk = make_walk(type="jour", title="Marche de jour")
    strong = post_finding(client, walk, MONT_BLANC, strong_point=True,
                          description="Sortie de la gare bien éclairée").get_json()["id"]
    weak = post_finding(client, walk, MONT_BLANC,
                        description="Lampadaire éteint").get_json()["id"]
    moderator = make_user("moderator")
    for item_id in (strong, weak):
        moderate_item(moderator, db.session.get(Item, item_id), "publish")
    db.session.commit()
    assert db.session.get(WalkFinding, strong).strong_point and db.session.get(
        Item, strong).strong_point  # what the item pages go by, set by the walk
    strong_page = page_text(client.get(f"/signalements/{strong}"))
    assert "Point fort, à préserver" in strong_page
    assert "Moi aussi" not in strong_page and "/moi-aussi" not in strong_page
    assert "Moi aussi, je suis concerné·e" in page_text(client.get(f"/signalements/{weak}"))
    walk_page = page_text(client.get(f"/marches/{walk.id}"))
    assert '<span class="badge badge-strong">point fort</span>' in walk_page
    # nor behind the page: following it, or finding it among "already reported nearby"
    assert client.post(f"/api/v1/items/{strong}/followers", json={}).status_code == 404
    nearby = client.get(f"/api/v1/items/nearby?lon={MONT_BLANC[0]}&lat={MONT_BLANC[1]}"
                        "&category=eclairage").get_json()
    assert [f["properties"]["id"] for f in nearby["features"]] == [weak]
    # recorded as a strong point by mistake: corrected, it is an ordinary finding again
    findings.update_finding(None, db.session.get(WalkFinding, strong), {"strong_point": False})
    db.session.commit()
    assert "Moi aussi, je suis concerné·e" in page_text(client.get(f"/signalements/{strong}"))


def test_night_grid_averages_are_written_with_a_decimal_comma(client):
    previous = make_walk(date=dt.date.today() - dt.timedelta(days=90))
    services.save_night_grid(None, previous.stops[0], grid(feeling=0))
    walk = make_walk()
    services.save_night_grid(None, walk.stops[0], grid(feeling=2, lighting_state="good"))
    services.save_night_grid(None, walk.stops[1], grid(feeling=1))
    db.session.commit()
    page = page_text(client.get(f"/marches/{walk.id}"))
    assert '<td class="number">1,5</td>' in page and "1.5" not in page
    assert "2 sur 3" in page and "Suffisant" in page
    client.get("/langue/en")
    assert '<td class="number">1.5</td>' in page_text(client.get(f"/marches/{walk.id}"))
