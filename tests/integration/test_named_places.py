"""Places are named after the nearest gazetteer place and its distance in metres
(Lambert-93), never given as raw coordinates; the public's name follows the public point."""

import re

from flask_babel import force_locale

from app.extensions import db
from app.items.public_view import location_of
from app.places.models import Place
from app.places.queries import nearest_place
from app.places.wording import describe_point, place_phrase
from tests.conftest import make_item, page_text
from tests.integration.test_walks import MONT_BLANC, offset

COORDINATES = re.compile(r"\b48\.7\d{3}")


def test_the_nearest_place_is_measured_in_metres_and_bounded():
    place, metres = nearest_place(*offset(MONT_BLANC, 40, 0))
    assert place.name == "Mont Blanc (bus)" and abs(metres - 40) < 0.5
    assert nearest_place(*offset(MONT_BLANC, 40, 0), within_m=30) is None


def test_the_wording_rounds_metres_and_says_at_for_a_place_reached(app):
    stop = Place(name="Mont Blanc (bus)", kind="stop", lon=0, lat=0)
    building = Place(name="B2", kind="building", lon=0, lat=0)
    with app.test_request_context():
        assert place_phrase(stop, 8) == "à l'arrêt Mont Blanc (bus)"
        assert place_phrase(stop, 44) == "à 40 m de l'arrêt Mont Blanc (bus)"
        assert place_phrase(stop, 46) == "à 50 m de l'arrêt Mont Blanc (bus)"
        assert place_phrase(building, 16) == "à 20 m du bâtiment B2"
        assert place_phrase(stop, 1234) == "à 1\u202f230 m de l'arrêt Mont Blanc (bus)"
        with force_locale("en"):
            assert place_phrase(stop, 44) == "40 m from the Mont Blanc (bus) stop"


def test_an_item_page_names_the_place_instead_of_coordinates(client, auth):
    item = make_item(where=offset(MONT_BLANC, 40, 0), publish=True)
    page = page_text(client.get(f"/signalements/{item.id}"))
    assert "<dd>à 40 m de l'arrêt Mont Blanc (bus) · aux abords du quartier</dd>" in page
    lieu = page[page.index("<dt>Lieu</dt>"):page.index("</dd>", page.index("<dt>Lieu</dt>"))]
    assert not COORDINATES.search(lieu)
    auth.login("coordinator")
    working = page_text(client.get(f"/gestion/signalements/{item.id}"))
    assert "à 40 m de l'arrêt Mont Blanc (bus)" in working and not COORDINATES.search(working)


def test_the_map_frames_the_item_with_the_perimeter(client):
    item = make_item(publish=True)
    page = page_text(client.get(f"/signalements/{item.id}"))
    assert f'data-point="{item.lon},{item.lat}"' in page
    assert 'data-src="/api/v1/perimeters"' in page  # map.js fits both in the view
    assert "dans le quartier" in page


def test_a_generalised_item_is_named_from_where_the_public_sees_it(client, auth):
    exact = offset(MONT_BLANC, 12, 200)
    item = make_item(where=exact, category="tranquillite", publish=True)
    shown = location_of(item)
    assert shown.generalised and (shown.lon, shown.lat) != exact
    with client.application.test_request_context():
        public_name = describe_point(shown.lon, shown.lat)
        exact_name = describe_point(*exact)
    assert public_name != exact_name
    public = page_text(client.get(f"/signalements/{item.id}"))
    assert public_name in public and exact_name not in public
    tracking = page_text(client.get(f"/suivi/{item.tracking_token}"))
    assert exact_name in tracking  # the author sees their exact point


def test_a_place_chosen_from_the_list_is_named_as_the_place_itself(client):
    place = db.session.query(Place).filter_by(name="Mont Blanc (bus)").one()
    item = make_item(where=(None, None), place=place.id, publish=True)
    page = page_text(client.get(f"/signalements/{item.id}"))
    assert "<dd>à l'arrêt Mont Blanc (bus) · aux abords du quartier</dd>" in page
