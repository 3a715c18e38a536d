"""Walking diagnostics: planning, findings from the capture API, nearest stop, re-check by
metres, night grid, participation, compte rendu (PDF, CSV), permissions and bad input."""

import csv
import datetime as dt
import io
import itertools
import math
import re

import pytest
from pypdf import PdfReader
from pyproj import Transformer
from sqlalchemy import func, select

from app.auth.models import Organisation
from app.auth.services import find_organisation
from app.extensions import db
from app.geo.projection import metres_between
from app.items.models import Item
from app.items.status import Status, transition
from app.places.models import Place
from app.proposals.services import submit_proposal
from app.triage.services import route_item
from app.walks import services
from app.walks.models import Recheck, Walk, WalkFinding, WalkStatus
from tests import images
from tests.conftest import OUTSIDE, csrf_token, make_item, make_user, page_text
from tests.statements import counted_statements
from tests.workflow import coordinator

# Real stops of the gazetteer (transit_stops_noyer_dore.geojson).
BACONNETS_RER = (2.2889356, 48.7394958)
MONT_BLANC = (2.2872891, 48.7375791)
CENTRE_COMMERCIAL = (2.2846046, 48.736007)
TOMORROW = dt.date.today() + dt.timedelta(days=1)

_to_l93 = Transformer.from_crs("EPSG:4326", "EPSG:2154", always_xy=True)
_to_wgs = Transformer.from_crs("EPSG:2154", "EPSG:4326", always_xy=True)


def offset(point, metres, bearing_deg):
    """The point `metres` away from `point` towards `bearing_deg` (0 = north), in L93."""
    x, y = _to_l93.transform(*point)
    angle = math.radians(bearing_deg)
    return _to_wgs.transform(x + metres * math.sin(angle), y + metres * math.cos(angle))


def walk_data(**changes):
    data = {"type": "nuit", "title": "Marche de nuit Mont Blanc", "date": TOMORROW,
            "start_time": dt.time(20, 30), "end_time": dt.time(22, 0),
            "meeting_point": "Arrêt Mont Blanc", "sector": "Mont Blanc",
            "stops": [{"name": "Les Baconnets RER", "lon": BACONNETS_RER[0],
                       "lat": BACONNETS_RER[1]},
                      {"name": "Mont Blanc", "lon": MONT_BLANC[0], "lat": MONT_BLANC[1]},
                      {"name": "Centre commercial", "lon": CENTRE_COMMERCIAL[0],
                       "lat": CENTRE_COMMERCIAL[1]}],
            "organisations": ["hbh", "ville-antony"]}
    data.update(changes)
    return data


_emails = itertools.count()


def make_walk(**changes):
    actor = make_user("coordinator", email=f"planner-{next(_emails)}@x.org")
    walk = services.plan_walk(actor, walk_data(**changes))
    db.session.commit()
    return walk


def finding_feature(walk_, where, **props):
    props.setdefault("walk", walk_.id)
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": list(where)},
            "properties": {"kind": "dem", "category": "eclairage",
                           "description": "Lampadaire éteint", **props}}


def post_finding(client, walk_, where, headers=None, **props):
    return client.post("/api/v1/items", json=finding_feature(walk_, where, **props),
                       headers=headers or {})


def resolved_item(where):
    """An earlier item that its body says is resolved."""
    item = make_item(where=where)
    item.organisation = db.session.scalar(select(Organisation).where(Organisation.code == "hbh"))
    coordinator = make_user("coordinator", email=f"c-{item.id}@x.org")
    transition(item, Status.ROUTED, coordinator)
    transition(item, Status.RESOLVED, coordinator)
    db.session.commit()
    return item


# --- planning -------------------------------------------------------------------------

def test_plan_walk_defaults_route_through_stops_and_links_previous_walk():
    earlier = make_walk(date=dt.date.today() - dt.timedelta(days=60))
    walk = make_walk()
    assert [s.position for s in walk.stops] == [1, 2, 3]
    assert walk.route == [list(BACONNETS_RER), list(MONT_BLANC), list(CENTRE_COMMERCIAL)]
    assert walk.previous_walk_id == earlier.id
    assert sorted(o.code for o in walk.organisations) == ["hbh", "ville-antony"]
    assert len(walk.join_code) == 6 and walk.status == "planned"


def test_walk_without_stops_is_refused():
    with pytest.raises(services.InvalidWalk) as refused:
        services.plan_walk(None, walk_data(stops=[]))
    assert "au moins un arrêt" in refused.value.errors["stops"]


def test_stop_or_route_outside_the_band_is_refused():
    outside_stop = {"name": "Loin", "lon": OUTSIDE[0], "lat": OUTSIDE[1]}
    with pytest.raises(services.InvalidWalk) as refused:
        services.plan_walk(None, walk_data(stops=walk_data()["stops"] + [outside_stop]))
    assert "arrêt n° 4" in refused.value.errors["stops"]
    with pytest.raises(services.InvalidWalk) as refused:
        services.plan_walk(None, walk_data(route=[list(MONT_BLANC), list(OUTSIDE)]))
    assert "point n° 2 du tracé" in refused.value.errors["route"]


# --- nearest stop and findings ---------------------------------------------------------

def test_nearest_stop_is_measured_in_metres():
    walk = make_walk()
    near_mont_blanc = offset(MONT_BLANC, 20, 90)
    stop, metres = services.nearest_stop(walk, *near_mont_blanc)
    assert stop.name == "Mont Blanc"
    assert metres == pytest.approx(20, abs=0.5)
    assert metres == pytest.approx(metres_between(*near_mont_blanc, *MONT_BLANC), abs=0.01)
    # Closer to the shopping centre than to Mont Blanc by a few metres only.
    lon = (MONT_BLANC[0] + CENTRE_COMMERCIAL[0]) / 2 - 0.0002
    lat = (MONT_BLANC[1] + CENTRE_COMMERCIAL[1]) / 2 - 0.0001
    assert services.nearest_stop(walk, lon, lat)[0].name == "Centre commercial"


def test_finding_from_the_capture_api_goes_to_the_nearest_stop(client):
    walk = make_walk()
    response = post_finding(client, walk, offset(BACONNETS_RER, 15, 180), strong_point=True,
                            recommendation="Ajouter un lampadaire")
    assert response.status_code == 201, response.get_json()
    finding = db.session.get(WalkFinding, response.get_json()["id"])
    assert finding.walk_id == walk.id
    assert finding.stop.name == "Les Baconnets RER"
    assert finding.strong_point is True and finding.recommendation == "Ajouter un lampadaire"
    assert finding.late is False


def test_a_chosen_stop_wins_over_the_nearest(client):
    walk = make_walk()
    chosen = walk.stops[2]
    response = post_finding(client, walk, MONT_BLANC, stop=chosen.id)
    assert response.status_code == 201
    assert db.session.get(WalkFinding, response.get_json()["id"]).stop_id == chosen.id


def test_forged_walk_or_stop_ids_get_field_errors_and_create_nothing(client):
    walk = make_walk()
    other = make_walk(title="Autre marche")
    forged = post_finding(client, walk, MONT_BLANC, walk=walk.id + 999)
    assert forged.status_code == 422
    assert "n'existe pas" in forged.get_json()["errors"]["walk"]
    wrong_type = post_finding(client, walk, MONT_BLANC, walk="1 OR 1=1")
    assert wrong_type.status_code == 422 and "walk" in wrong_type.get_json()["errors"]
    foreign_stop = post_finding(client, walk, MONT_BLANC, stop=other.stops[0].id)
    assert foreign_stop.status_code == 422
    assert "ne fait pas partie" in foreign_stop.get_json()["errors"]["stop"]
    assert db.session.scalar(select(db.func.count(Item.id))) == 0


def test_cancelled_walk_refuses_findings_and_closed_walk_flags_them_late(client):
    walk = make_walk()
    services.change_walk_status(None, walk, "cancelled")
    db.session.commit()
    refused = post_finding(client, walk, MONT_BLANC)
    assert refused.status_code == 422
    assert "annulée" in refused.get_json()["errors"]["walk"]

    closed = make_walk(title="Close")
    services.change_walk_status(None, closed, "closed")
    db.session.commit()
    late = post_finding(client, closed, MONT_BLANC)
    assert late.status_code == 201
    assert db.session.get(WalkFinding, late.get_json()["id"]).late is True


def test_join_page_refuses_a_cancelled_walk_and_warns_after_the_end(client):
    walk = make_walk()
    page = client.get(f"/m/{walk.join_code.lower()}")
    assert page.status_code == 200
    assert f"/signaler?walk={walk.id}&amp;stop={walk.stops[0].id}" in page.get_data(True)
    services.change_walk_status(None, walk, "closed")
    db.session.commit()
    assert "envoyé après la marche" in page_text(client.get(f"/m/{walk.join_code}"))
    services.change_walk_status(None, walk, "ongoing")
    services.change_walk_status(None, walk, "cancelled")
    db.session.commit()
    cancelled = client.get(f"/m/{walk.join_code}")
    assert cancelled.status_code == 410
    assert "annulée" in page_text(cancelled)
    assert client.get("/m/NOPE42").status_code == 404


def quick_finding(client, walk, **fields):
    data = {"csrf_token": csrf_token(client, f"/m/{walk.join_code}"), "stop": walk.stops[1].id,
            "category": "tags", "description": "Tag sur l'abribus", "strong_point": "false",
            "recommendation": "Nettoyer",
            "idempotency_key": "7c9e6679-7425-40de-944b-e07fc1f90ae7", **fields}
    return client.post(f"/marches/{walk.id}/constats", data=data,
                       content_type="multipart/form-data")


def test_quick_finding_with_photos_gives_an_anonymous_participant_the_tracking_link(client):
    walk = make_walk()
    stop = walk.stops[1]
    photos = [("abribus.jpg", images.jpeg()), ("plan.png", images.png())]

    def send():
        return quick_finding(client, walk, strong_point="true",
                             photo=[(io.BytesIO(content), name) for name, content in photos])

    response = send()
    assert response.status_code == 302
    finding = db.session.scalars(select(WalkFinding)).one()
    assert (finding.stop_id, finding.item.lon, finding.item.lat) == (stop.id, stop.lon, stop.lat)
    assert finding.strong_point is True and len(finding.item.photos) == 2
    assert response.headers["Location"].startswith(f"/m/{walk.join_code}?suivi=")
    page = page_text(client.get(response.headers["Location"]))
    assert f"Constat n° {finding.item.reference} enregistré pour la marche" in page
    tracking = re.search(r'<a href="(/suivi/[^"]+)">Suivre le signalement', page).group(1)
    assert client.get(tracking).status_code == 200
    # the same form sent twice (a double tap, a reload) is one finding
    assert send().status_code == 302
    assert db.session.scalar(select(func.count(WalkFinding.item_id))) == 1
    # sent again after a change (the back button): said so, with a new key for a new finding
    changed = quick_finding(client, walk, description="Autre tag")
    assert changed.status_code == 422
    assert "déjà été envoyé avec un autre contenu" in page_text(changed)
    assert "7c9e6679-7425-40de-944b-e07fc1f90ae7" not in page_text(changed)


def test_a_refused_quick_finding_comes_back_with_everything_typed(client):
    walk = make_walk()
    response = quick_finding(client, walk, category="proposition",
                             description="Tag <b>énorme</b> sur l'abribus", strong_point="true",
                             photo=[(io.BytesIO(b"MZ not a photo"), "faux.jpg")])
    assert response.status_code == 422
    page = page_text(response)
    assert "faux.jpg" in page  # the photo's refusal, in French
    assert "Tag <b>énorme</b> sur l'abribus" in page and "<b>énorme" not in response.get_data(True)
    assert re.search(r'<input checked id="strong_point-1" name="strong_point" type="radio" '
                     r'value="true">', page)
    assert db.session.scalar(select(func.count(Item.id))) == 0


def test_a_quick_finding_at_another_walks_stop_or_none_is_refused_in_french(client):
    walk, other = make_walk(), make_walk(title="Autre marche")
    forged = quick_finding(client, walk, stop=other.stops[0].id)
    assert forged.status_code == 422
    assert "Cet arrêt ne fait pas partie de la marche." in page_text(forged)
    data = {"csrf_token": csrf_token(client, f"/m/{walk.join_code}"), "category": "tags"}
    missing = client.post(f"/marches/{walk.id}/constats", data=data)
    assert missing.status_code == 422 and "Indiquez l'endroit" in page_text(missing)
    assert db.session.scalar(select(func.count(Item.id))) == 0


def test_the_join_page_names_only_a_finding_of_its_own_walk(client):
    walk, other = make_walk(), make_walk(title="Autre marche")
    elsewhere = post_finding(client, other, MONT_BLANC).get_json()
    token = elsewhere["tracking_url"].rsplit("/", 1)[1]
    link = f'<a href="/suivi/{token}">'
    assert link not in page_text(client.get(f"/m/{walk.join_code}?suivi={token}"))
    assert link in page_text(client.get(f"/m/{other.join_code}?suivi={token}"))


def test_the_join_page_keeps_its_stops_and_route_for_offline_use(client):
    walk = make_walk()
    page = page_text(client.get(f"/m/{walk.join_code}"))
    kept = re.search(r'data-precache="([^"]*)"', page).group(1).split()
    assert f"/m/{walk.join_code}" in kept and f"/api/v1/walks/{walk.id}" in kept
    assert {f"/signaler?walk={walk.id}&stop={stop.id}" for stop in walk.stops} <= set(kept)
    assert re.search(rf'data-outbox hidden aria-labelledby="outbox-title"\s+data-walk="{walk.id}"',
                     page)


def test_signed_in_capture_form_keeps_the_walk(client, auth):
    walk = make_walk()
    auth.login("coordinator", user=make_user("coordinator", email="form@x.org"))
    path = f"/signaler?walk={walk.id}&stop={walk.stops[1].id}"
    form = {"csrf_token": csrf_token(client, path), "kind": "dem", "category": "eclairage",
            "description": "Lampadaire éteint", "lon": str(MONT_BLANC[0]),
            "lat": str(MONT_BLANC[1]), "walk": str(walk.id), "stop": str(walk.stops[1].id),
            "strong_point": "true", "recommendation": "Remplacer la lampe"}
    forged = client.post(path, data={**form, "walk": "abc"})
    assert forged.status_code == 422 and "Cette marche n'existe pas" in page_text(forged)
    assert client.post(path, data=form).status_code == 302
    finding = db.session.scalars(select(WalkFinding)).one()
    assert (finding.walk_id, finding.stop_id, finding.strong_point, finding.recommendation) == (
        walk.id, walk.stops[1].id, True, "Remplacer la lampe")


# --- editing a finding -----------------------------------------------------------------

def test_only_the_author_or_an_organiser_edits_a_finding(client, auth):
    walk = make_walk()
    author = make_user("resident", email="author@x.org")
    headers = auth.token(user=author)
    created = post_finding(client, walk, MONT_BLANC, headers=headers)
    item_id = created.get_json()["id"]
    url = f"/api/v1/walks/{walk.id}/findings/{item_id}"
    stranger = auth.token(user=make_user("resident", email="stranger@x.org"))
    assert client.patch(url, json={"strong_point": True}, headers=stranger).status_code == 403
    assert client.patch(url, json={"strong_point": True}).status_code == 401
    moved = client.patch(url, json={"stop": walk.stops[0].id}, headers=headers)
    assert moved.status_code == 200
    bad = client.patch(url, json={"stop": 123456}, headers=headers)
    assert bad.status_code == 422 and "stop" in bad.get_json()["errors"]
    coordinator = auth.token(user=make_user("coordinator", email="co@x.org"))
    assert client.patch(url, json={"recommendation": "Élaguer"},
                        headers=coordinator).status_code == 200
    db.session.expire_all()
    finding = db.session.get(WalkFinding, item_id)
    assert (finding.stop_id, finding.recommendation, finding.strong_point) == (
        walk.stops[0].id, "Élaguer", False)
    other_walk = make_walk(title="Autre")
    assert client.patch(f"/api/v1/walks/{other_walk.id}/findings/{item_id}", json={},
                        headers=coordinator).status_code == 404


# --- re-check ---------------------------------------------------------------------------

def test_recheck_selects_earlier_open_items_within_30_metres_of_the_route():
    walk_route_mid = ((MONT_BLANC[0] + BACONNETS_RER[0]) / 2,
                      (MONT_BLANC[1] + BACONNETS_RER[1]) / 2)
    # The route Baconnets RER -> Mont Blanc heads about 210° (SSW): 120° is square to it.
    near = make_item(where=offset(walk_route_mid, 25, 120))
    far = make_item(where=offset(walk_route_mid, 40, 120))
    verified = resolved_item(offset(MONT_BLANC, 5, 0))
    transition(verified, Status.VERIFIED, None)
    db.session.commit()
    walk = make_walk()
    found = services.recheck_candidates(walk)
    ids = [item.id for item, _m in found]
    assert near.id in ids and far.id not in ids and verified.id not in ids
    metres = dict((item.id, m) for item, m in found)[near.id]
    assert metres == pytest.approx(25, abs=1.5)
    assert services.recheck_candidates(walk, distance_m=45)[-1][0].id == far.id
    # Items logged after the walk started are not "earlier".
    past_walk = make_walk(date=dt.date.today() - dt.timedelta(days=1))
    assert services.recheck_candidates(past_walk) == []


def test_recheck_outcomes_go_through_the_status_function(app):
    resolved = resolved_item(offset(MONT_BLANC, 5, 90))
    still = resolved_item(offset(CENTRE_COMMERCIAL, 5, 90))
    fresh = make_item(where=offset(BACONNETS_RER, 5, 90))
    walk = make_walk()
    coordinator = make_user("coordinator", email="facilitator@x.org")
    with app.test_request_context():
        services.record_recheck(coordinator, walk, resolved, "resolved")
        services.record_recheck(coordinator, walk, still, "worse", "Encore plus de sacs")
        services.record_recheck(coordinator, walk, fresh, "still-there")
    db.session.commit()
    assert resolved.status == "verified"
    assert still.status == "reopened"
    assert "Aggravé" in still.events[-1].note and "Encore plus de sacs" in still.events[-1].note
    assert fresh.status == "new"  # no such move from "new": the history says it
    assert "Toujours là" in fresh.events[-1].note
    assert db.session.scalar(select(db.func.count(Recheck.id))) == 3
    with app.test_request_context():  # verified, no longer a candidate: checked again
        services.record_recheck(coordinator, walk, resolved, "resolved", "Toujours propre")
    db.session.commit()
    assert "Toujours propre" in resolved.events[-1].note
    assert db.session.scalar(select(db.func.count(Recheck.id))) == 3
    far = make_item(where=offset(MONT_BLANC, 200, 90))
    with app.test_request_context(), pytest.raises(services.DomainError):
        services.record_recheck(coordinator, walk, far, "resolved")


def test_a_proposal_seen_fixed_is_noted_not_closed_without_its_answer(app):
    proposal, _token, _created = submit_proposal(None, {
        "title": "Un banc", "lon": MONT_BLANC[0], "lat": MONT_BLANC[1]}, "cadre-de-vie")
    route_item(coordinator(), proposal, find_organisation("vsgp"), "Portée par la table")
    db.session.commit()
    walk = make_walk()
    with app.test_request_context():
        services.record_recheck(coordinator(), walk, proposal, "resolved")
    db.session.commit()
    assert proposal.status == "routed" and "Résolu" in proposal.events[-1].note


def test_recheck_photo_is_cleaned_and_kept_on_the_item(app):
    from PIL import Image
    item = make_item(where=offset(MONT_BLANC, 5, 90))
    walk = make_walk()
    picture = io.BytesIO()
    Image.new("RGB", (64, 48), "orange").save(picture, "JPEG")
    with app.test_request_context():
        check = services.record_recheck(None, walk, item, "worse", "",
                                        ("photo.jpg", picture.getvalue()))
        with pytest.raises(services.InvalidWalk) as refused:
            services.record_recheck(None, walk, item, "worse", "", ("x.jpg", b"not an image"))
    db.session.commit()
    assert check.photo in item.photos and check.photo.visibility == "pending"
    assert "photo" in refused.value.errors


def test_recheck_page_marks_an_item_still_there(client, auth):
    item = make_item(where=offset(MONT_BLANC, 10, 90))
    walk = make_walk()
    auth.login("coordinator", user=make_user("coordinator", email="anim@x.org"))
    page = client.get(f"/marches/{walk.id}/contre-visite")
    assert page.status_code == 200 and item.reference in page_text(page)
    response = client.post(f"/marches/{walk.id}/contre-visite/{item.id}", data={
        "csrf_token": csrf_token(client, f"/marches/{walk.id}/contre-visite"),
        "outcome": "still-there", "note": "Toujours des sacs"})
    assert response.status_code == 302
    check = db.session.scalars(select(Recheck)).one()
    assert (check.item_id, check.outcome) == (item.id, "still-there")
    assert "Toujours là" in page_text(client.get(f"/marches/{walk.id}/contre-visite"))


# --- night grid, participation, status, compte rendu -----------------------------------

def grid(**changes):
    data = {"lighting_state": "weak", "lighting": 1, "openness": 2, "visibility": 2,
            "people": 1, "security": 0, "walk_path": 2, "transport": 3, "gender_mix": 1,
            "feeling": 1}
    data.update(changes)
    return data


def test_night_grid_is_checked_and_compared_with_the_previous_walk():
    previous = make_walk(date=dt.date.today() - dt.timedelta(days=90))
    services.save_night_grid(None, previous.stops[0], grid(feeling=0))
    walk = make_walk()
    services.save_night_grid(None, walk.stops[0], grid(feeling=2))
    services.save_night_grid(None, walk.stops[1], grid(feeling=3))
    with pytest.raises(services.InvalidWalk) as refused:
        services.save_night_grid(None, walk.stops[2], grid(feeling=4, lighting_state="dark"))
    assert set(refused.value.errors) == {"feeling", "lighting_state"}
    db.session.commit()
    from app.walks.queries import grid_comparison
    feeling = next(row for row in grid_comparison(walk) if row[0] == "feeling")
    assert feeling[2:] == (2.5, 0)
    day = make_walk(type="jour", title="Jour")
    with pytest.raises(services.DomainError):
        services.save_night_grid(None, day.stops[0], grid())


def test_participation_is_counted_never_named():
    walk = make_walk()
    services.record_participation(None, walk, {"habitants": {"femmes": 7, "hommes": 3}})
    assert walk.participation["habitants"] == {"femmes": 7, "hommes": 3, "autres": 0}
    assert walk.participation["elus"] == {"femmes": 0, "hommes": 0, "autres": 0}
    with pytest.raises(services.InvalidWalk):
        services.record_participation(None, walk, {"elus": {"femmes": -1}})


def test_walk_status_moves():
    walk = make_walk()
    services.change_walk_status(None, walk, "ongoing")
    with pytest.raises(services.DomainError):
        services.publish_report(None, walk, "")
    services.change_walk_status(None, walk, "closed")
    assert walk.closed_at is not None
    services.publish_report(None, walk, "Synthèse")
    services.change_walk_status(None, walk, "ongoing")  # closed by mistake
    assert walk.published_at is None and walk.closed_at is None
    services.change_walk_status(None, walk, "cancelled")
    with pytest.raises(services.DomainError):
        services.change_walk_status(None, walk, "ongoing")


def _walk_with_findings(client):
    walk = make_walk()
    descriptions = ["Lampadaire éteint près du hall", "Recoin sombre derrière la dalle",
                    "Belle aire de jeux éclairée"]
    for where, text in zip((MONT_BLANC, CENTRE_COMMERCIAL, BACONNETS_RER), descriptions,
                           strict=True):
        assert post_finding(client, walk, where, description=text).status_code == 201
    return walk, descriptions


def test_pdf_is_valid_and_contains_each_finding(client, auth):
    walk, descriptions = _walk_with_findings(client)
    services.save_night_grid(None, walk.stops[0], grid())
    db.session.commit()
    auth.login("coordinator", user=make_user("coordinator", email="pdf@x.org"))
    response = client.get(f"/marches/{walk.id}/compte-rendu.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        f'inline; filename="compte-rendu-marche-{walk.id}.pdf"')
    reader = PdfReader(io.BytesIO(response.data))
    text = " ".join(page.extract_text() for page in reader.pages)
    for description in descriptions:
        assert description in text
    for finding in db.session.get(Walk, walk.id).findings:
        assert finding.item.reference in text
    assert "Sentiment de sécurité" in text


def test_csv_has_one_row_per_finding(client, auth):
    walk, descriptions = _walk_with_findings(client)
    auth.login("coordinator", user=make_user("coordinator", email="csv@x.org"))
    response = client.get(f"/marches/{walk.id}/constats.csv")
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="constats-marche-{walk.id}.csv"')
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == 3
    assert sorted(r["description"] for r in rows) == sorted(descriptions)
    assert [r["numero"] for r in rows] == ["1", "2", "3"]
    assert rows[0]["arret"].startswith("A — Les Baconnets RER")


def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised(client):
    walk = make_walk(type="jour")
    hostile = {"description": '=HYPERLINK("http://evil.example","Voir")',
               "recommendation": "@SUM(1+1)*cmd|' /C calc'!A0"}
    post_finding(client, walk, MONT_BLANC, **hostile)
    post_finding(client, walk, BACONNETS_RER, description="-2+3", recommendation="+1")
    services.change_walk_status(None, walk, "closed")
    services.publish_report(None, walk, "Synthèse")
    from app.moderation.services import moderate_item
    moderator = make_user("moderator", email="csv-modo@x.org")
    for finding in walk.findings:
        moderate_item(moderator, finding.item, "publish")
    db.session.commit()
    response = client.get(f"/marches/{walk.id}/constats.csv")  # public once published
    assert response.status_code == 200 and "Content-Length" not in response.headers  # streamed
    assert response.content_type == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    cells = {(r["description"], r["preconisation"]) for r in rows}
    assert cells == {("'" + hostile["description"], "'" + hostile["recommendation"]),
                     ("'-2+3", "'+1")}


def test_compte_rendu_is_staff_only_until_published(client, auth):
    walk, _descriptions = _walk_with_findings(client)
    for path in ("compte-rendu", "compte-rendu.pdf", "constats.csv", "plan.svg"):
        assert client.get(f"/marches/{walk.id}/{path}").status_code == 404
    services.change_walk_status(None, walk, "closed")
    services.publish_report(None, walk, "Merci aux participantes")
    db.session.commit()
    public = client.get(f"/marches/{walk.id}/compte-rendu")
    assert public.status_code == 200
    # Findings still awaiting moderation are not in the public compte rendu.
    assert "Lampadaire éteint" not in page_text(public)
    rows = list(csv.DictReader(io.StringIO(
        client.get(f"/marches/{walk.id}/constats.csv").get_data(as_text=True))))
    assert rows == []


def test_sensitive_finding_position_is_generalised_for_the_public(client, auth):
    walk = make_walk()  # a night walk: every finding is sensitive
    exact = offset(MONT_BLANC, 12, 45)
    item_id = post_finding(client, walk, exact, category="tranquillite").get_json()["id"]
    item = db.session.get(Item, item_id)
    from app.moderation.services import moderate_item
    moderate_item(make_user("moderator", email="m@x.org"), item, "publish")
    db.session.commit()
    public = client.get(f"/api/v1/items/{item_id}").get_json()
    assert public["geometry"]["coordinates"] == [MONT_BLANC[0], MONT_BLANC[1]]
    staff = client.get(f"/api/v1/items/{item_id}",
                       headers=auth.token(user=make_user("coordinator", email="s@x.org")))
    assert staff.get_json()["geometry"]["coordinates"] == pytest.approx(list(exact))
    walk_json = client.get(f"/api/v1/walks/{walk.id}").get_json()
    finding = next(f for f in walk_json["features"] if f["properties"]["role"] == "finding")
    assert finding["geometry"]["coordinates"] == [MONT_BLANC[0], MONT_BLANC[1]]


def test_day_walk_findings_keep_their_exact_public_position(client):
    walk = make_walk(type="jour")
    exact = offset(MONT_BLANC, 12, 45)
    item_id = post_finding(client, walk, exact).get_json()["id"]
    from app.moderation.services import moderate_item
    moderate_item(make_user("moderator", email="m2@x.org"), db.session.get(Item, item_id),
                  "publish")
    db.session.commit()
    coordinates = client.get(f"/api/v1/items/{item_id}").get_json()["geometry"]["coordinates"]
    assert coordinates == pytest.approx(list(exact))


# --- API --------------------------------------------------------------------------------

def test_api_lists_and_reads_walks_as_geojson(client):
    walk, _descriptions = _walk_with_findings(client)
    services.save_night_grid(None, walk.stops[1], grid())
    db.session.commit()
    listed = client.get("/api/v1/walks").get_json()
    assert listed["features"][0]["geometry"]["type"] == "LineString"
    assert listed["features"][0]["properties"]["links"]["pdf"].endswith(
        f"/marches/{walk.id}/compte-rendu.pdf")
    one = client.get(f"/api/v1/walks/{walk.id}").get_json()
    assert one["links"]["csv"].endswith(f"/marches/{walk.id}/constats.csv")
    roles = [f["properties"]["role"] for f in one["features"]]
    assert roles == ["route", "stop", "stop", "stop"]  # findings await moderation
    stop = one["features"][2]["properties"]
    assert stop["night_grid"]["feeling"] == 1 and stop["night_grid"]["lighting_state"] == "weak"
    assert client.get("/api/v1/walks/999999").status_code == 404


# --- pages and permissions --------------------------------------------------------------

def test_only_organisers_plan_walks(client, auth):
    assert client.get("/marches/nouvelle").status_code == 302  # to the login page
    auth.login("resident")
    assert client.get("/marches/nouvelle").status_code == 403


def test_planning_form_with_place_names_and_errors(client, auth):
    auth.login("coordinator")
    token = csrf_token(client, "/marches/nouvelle")
    base = {"csrf_token": token, "type": "nuit", "title": "Nuit", "date": TOMORROW.isoformat(),
            "start_time": "20:30", "meeting_point": "Gare", "sector": "Baconnets",
            "organisations": ["hbh"]}
    empty = client.post("/marches/nouvelle", data={**base, "stops": ""})
    assert empty.status_code == 422 and "au moins un arrêt" in page_text(empty)
    garbled = client.post("/marches/nouvelle", data={**base, "stops": "Nulle part"})
    assert garbled.status_code == 422 and "Ligne 1 des arrêts" in page_text(garbled)
    outside = client.post("/marches/nouvelle", data={
        **base, "stops": f"Loin ; {OUTSIDE[0]} ; {OUTSIDE[1]}"})
    assert outside.status_code == 422 and "hors du quartier" in page_text(outside)
    assert "Loin ;" in page_text(outside)  # nothing typed is lost
    created = client.post("/marches/nouvelle", data={
        **base, "stops": "Mont Blanc (bus)\nKennedy (bus)\nPoint de démonstration ; "
                         f"{CENTRE_COMMERCIAL[0]} ; {CENTRE_COMMERCIAL[1]}"})
    assert created.status_code == 302
    walk = db.session.scalars(select(Walk)).one()
    assert [s.name for s in walk.stops] == ["Mont Blanc (bus)", "Kennedy (bus)",
                                            "Point de démonstration"]
    page = client.get(created.headers["Location"])
    assert walk.join_code in page_text(page)
    assert client.get(f"/marches/{walk.id}/qr.svg").mimetype == "image/svg+xml"


def test_organiser_pages_are_closed_to_others(client, auth):
    walk = make_walk()
    stop = walk.stops[0]
    auth.login("resident")
    for path in (f"/marches/{walk.id}/contre-visite", f"/marches/{walk.id}/participation",
                 f"/marches/{walk.id}/arrets/{stop.id}/grille"):
        assert client.get(path).status_code == 403
    token = csrf_token(client, f"/m/{walk.join_code}")
    assert client.post(f"/marches/{walk.id}/etat/cancelled",
                       data={"csrf_token": token}).status_code == 403
    assert db.session.get(Walk, walk.id).status == WalkStatus.PLANNED


def test_organiser_fills_grid_participation_and_publishes(client, auth):
    walk = make_walk()
    stop = walk.stops[0]
    auth.login("coordinator")
    grid_path = f"/marches/{walk.id}/arrets/{stop.id}/grille"
    token = csrf_token(client, grid_path)
    missing = client.post(grid_path, data={"csrf_token": token, "lighting_state": "off"})
    assert missing.status_code == 422
    saved = client.post(grid_path, data={"csrf_token": token, **{
        k: str(v) for k, v in grid(lighting_state="hidden").items()}})
    assert saved.status_code == 302
    assert db.session.get(Walk, walk.id).stops[0].grid.lighting_state == "hidden"
    participation = client.post(f"/marches/{walk.id}/participation", data={
        "csrf_token": token, "habitants_femmes": "6", "elus_hommes": "1"})
    assert participation.status_code == 302
    for to in ("ongoing", "closed"):
        assert client.post(f"/marches/{walk.id}/etat/{to}",
                           data={"csrf_token": token}).status_code == 302
    published = client.post(f"/marches/{walk.id}/publier",
                            data={"csrf_token": token, "summary": "Bonne marche"})
    assert published.status_code == 302
    db.session.expire_all()
    walk = db.session.get(Walk, walk.id)
    assert walk.published_at is not None and walk.participation["habitants"]["femmes"] == 6
    page = page_text(client.get(f"/marches/{walk.id}"))
    assert "Masqué par les arbres" in page and "Bonne marche" in page_text(
        client.get(f"/marches/{walk.id}/compte-rendu"))


def test_live_json_shows_pending_findings_to_staff_only(client, auth):
    walk, _descriptions = _walk_with_findings(client)
    anonymous = client.get(f"/marches/{walk.id}/direct.json").get_json()
    assert [f for f in anonymous["features"] if f["properties"]["role"] == "finding"] == []
    auth.login("coordinator")
    staff = client.get(f"/marches/{walk.id}/direct.json").get_json()
    numbers = [f["properties"]["number"] for f in staff["features"]
               if f["properties"]["role"] == "finding"]
    assert numbers == [1, 2, 3]
    assert "Lampadaire éteint près du hall" in page_text(client.get(f"/marches/{walk.id}"))


def test_seed_demo_adds_one_published_night_walk_on_real_places(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    second = runner.invoke(args=["seed-demo"])
    assert "Demo night walk" in first.output and "already seeded" in second.output
    walk = db.session.scalars(select(Walk)).one()
    assert walk.type == "nuit" and walk.status == "closed" and walk.published_at
    place_names = set(db.session.scalars(select(Place.name)))
    assert {stop.name for stop in walk.stops} <= place_names
    assert len(walk.findings) == 5 and all(f.item.is_public for f in walk.findings)
    assert all(stop.grid is not None for stop in walk.stops)


def test_walk_page_reads_findings_in_queries_that_do_not_grow_with_them(client, auth):
    def statements_for(path):
        with counted_statements() as statements:
            assert client.get(path).status_code == 200
        return len(statements)

    walk = make_walk()
    auth.login("coordinator", user=make_user("coordinator", email="queries@x.org"))
    for where in (MONT_BLANC, CENTRE_COMMERCIAL):
        assert post_finding(client, walk, where).status_code == 201
    with_two = statements_for(f"/marches/{walk.id}")
    assert post_finding(client, walk, CENTRE_COMMERCIAL,
                        description="Encore au même arrêt").status_code == 201
    # A third finding (its item, its stop) costs no query: items and stops are read in bulk.
    assert statements_for(f"/marches/{walk.id}") == with_two
