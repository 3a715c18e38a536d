"""The compte rendu PDF read back as an institution would file it: facts and French
plurals, the plan on the first page with its legend, the night grid as a table with
French decimals and the comparison to the previous walk, and only published photos."""

import datetime as dt
import io
import math
import re

from pypdf import PdfReader

from app.extensions import db
from app.moderation import services as moderation
from app.walks import services
from app.walks.pdf import change, decimal
from app.walks.reports import MARKER_GAP, free_spot, map_svg
from tests.conftest import make_item, make_user
from tests.images import jpeg
from tests.integration.test_walks import BACONNETS_RER, MONT_BLANC, grid, make_walk


def finding(walk, stop, where, text, photos=(), publish=True, **fields):
    item = make_item(where=where, photos=list(photos), kind="dem", category="eclairage",
                     description=text, walk=walk.id, stop=stop.id, **fields)
    if publish:
        moderation.moderate_item(make_user("moderator", email=f"m{item.id}@x.org"), item,
                                 "publish")
        db.session.commit()
    return item


def night_walk_with_history():
    """A night walk whose sector was walked three months before, both with grids; two
    findings with a photo each, one published and one still awaiting moderation."""
    before = make_walk(date=dt.date.today() - dt.timedelta(days=90), title="Marche d'été")
    services.save_night_grid(None, before.stops[0], grid(lighting=1, feeling=0))
    services.save_night_grid(None, before.stops[1], grid(lighting=0, feeling=1))
    walk = make_walk()
    services.save_night_grid(None, walk.stops[0], grid(lighting=2, feeling=2))
    services.save_night_grid(None, walk.stops[1], grid(lighting=1, feeling=1,
                                                       lighting_state="off"))
    services.record_participation(None, walk, {"habitants": {"femmes": 6, "hommes": 1}})
    db.session.commit()
    finding(walk, walk.stops[0], BACONNETS_RER, "Sortie de gare bien éclairée",
            [("a.jpg", jpeg(320, 240, colour=(20, 160, 60)))], strong_point=True)
    finding(walk, walk.stops[1], MONT_BLANC, "Lampadaire éteint devant le hall",
            [("b.jpg", jpeg(320, 240))], publish=False)
    return walk


def read(client, auth, walk):
    auth.login("coordinator", user=make_user("coordinator", email="lecture@x.org"))
    response = client.get(f"/marches/{walk.id}/compte-rendu.pdf")
    assert response.status_code == 200
    return PdfReader(io.BytesIO(response.data))


def test_french_decimals_and_signed_changes():
    assert decimal(1.4) == "1,4" and decimal(2) == "2,0"
    assert change(1.5, 1.0) == "+0,5" and change(1.0, 1.5) == "-0,5"
    assert change(1.0, 1.0) == "stable"


def test_findings_at_a_stop_move_aside_so_its_letter_stays_visible():
    stop = (100.0, 100.0)
    placed = [stop]
    for _finding in range(3):
        spot = free_spot(stop, placed, 800, 600)
        assert all(math.dist(spot, other) >= MARKER_GAP for other in placed)
        placed.append(spot)
    corner = free_spot((2.0, 2.0), [(2.0, 2.0)], 800, 600)
    assert MARKER_GAP / 2 <= corner[0] <= 800 and MARKER_GAP / 2 <= corner[1] <= 600


def test_the_plan_draws_stop_letters_and_finding_numbers(app):
    walk = night_walk_with_history()
    with app.test_request_context():
        svg = map_svg(walk, make_user("coordinator", email="plan@x.org"))
    letters = re.findall(r'font-size="18"[^>]*>([A-Z])</text>', svg)
    numbers = re.findall(r'font-size="14"[^>]*>(\d+)</text>', svg)
    assert letters == ["A", "B", "C"] and numbers == ["1", "2"]
    assert svg.count('fill="#1b5e20"') == 1 and svg.count('fill="#b71c1c"') == 1  # ◇ and □
    assert svg.count("<line ") == 2  # both findings were moved aside from their stop


def test_the_night_grid_is_a_table_compared_with_the_previous_walk(client, auth):
    reader = read(client, auth, night_walk_with_history())
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Grille de sécurité de nuit" in text
    assert re.search(r"Critère\s+A\s+B\s+Moyenne\s+Précédente\s+Évolution", text)
    # Éclairage: 2 and 1 now (mean 1,5), 1 and 0 before (0,5): better by one point.
    assert re.search(r"Éclairage\s+2\s+1\s+1,5\s+0,5\s+\+1,0", text)
    assert re.search(r"Sentiment de sécurité\s+2\s+1\s+1,5\s+0,5\s+\+1,0", text)
    assert re.search(r"Ouverture \(voir loin devant soi\)\s+2\s+2\s+2,0\s+2,0\s+stable", text)
    assert not re.search(r"\d\.\d", text.split("Grille de sécurité de nuit")[1])
    assert "Marche précédente : Marche d'été" in text
    assert re.search(r"Échelle :\s+0\s+très mauvais\s+1\s+mauvais\s+2\s+correct\s+3\s+très bon",
                     text)
    assert "B. Mont Blanc - éclairage : éteint" in text


def test_facts_plurals_plan_and_only_published_photos(client, auth):
    walk = night_walk_with_history()
    reader = read(client, auth, walk)
    first = reader.pages[0].extract_text()
    assert "3 arrêts · 2 constats dont 1 point fort · 7 participant·es" in first
    # The plan is on the first page with its legend, not pushed to the next one.
    assert "Plan" in first and "Arrêt, par lettre (A, B, C...)" in first
    assert "Constat, point fort : losange numéroté" in first
    assert 2 <= len(reader.pages) <= 3
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Lampadaire éteint devant le hall" in text  # staff see the pending finding...
    images = [image for page in reader.pages for image in page.images]
    assert len(images) == 1  # ...but only the published photo
    assert images[0].image.getpixel((5, 5))[1] > 120  # the green one


def test_one_stop_one_finding_reads_in_the_singular(client, auth):
    walk = make_walk(stops=[{"name": "Mont Blanc", "lon": MONT_BLANC[0],
                             "lat": MONT_BLANC[1]}], type="jour")
    finding(walk, walk.stops[0], MONT_BLANC, "Banc cassé")
    text = read(client, auth, walk).pages[0].extract_text()
    assert "1 arrêt · 1 constat" in text and "Grille" not in text
