"""A complete past night walk on Noyer Doré for `seed-demo`: stops on real places of the
gazetteer (RER B and bus stops), findings, a night grid per stop, participation and a
published compte rendu. Everything written by hand is labelled as demonstration data."""

import datetime as dt

from sqlalchemy import select

from app.extensions import db
from app.moderation.services import moderate_item
from app.places.models import Place

from . import services
from .findings import submit_finding
from .models import RATINGS, Walk, WalkStatus, WalkType

JOIN_CODE = "DEMONUIT"  # fixed, so seeding twice finds the walk again
DEMO_NOTE = "Donnée de démonstration."
# Real places of the gazetteer, in walking order (transit_stops_noyer_dore.geojson).
STOP_NAMES = ("Les Baconnets (RER)", "Mont Blanc (bus)", "Centre Commercial Noyer Doré (bus)",
              "Centre Sportif Lionel Terray (bus)", "Kennedy (bus)")
# (stop, category, description, strong point, préconisation, severity)
FINDINGS = (
    ("Les Baconnets (RER)", "eclairage", "Sortie de la gare bien éclairée, passage fréquenté.",
     True, "Garder cet éclairage en soirée.", None),
    ("Mont Blanc (bus)", "eclairage", "Deux lampadaires éteints sur le cheminement vers l'arrêt.",
     False, "Remplacer les lampes et vérifier l'horloge d'allumage.", 2),
    ("Centre Commercial Noyer Doré (bus)", "tranquillite",
     "Recoin sombre derrière le centre commercial, les participantes l'évitent.", False,
     "Élaguer et éclairer le passage ; étudier la fermeture du recoin.", 2),
    ("Centre Sportif Lionel Terray (bus)", "proprete", "Dépôts de sacs le long de la clôture.",
     False, "Passage de nettoiement supplémentaire le lundi.", 1),
    ("Kennedy (bus)", "voirie", "Passage piéton effacé, peu visible de nuit.", False,
     "Repeindre le passage et ajouter une signalisation lumineuse.", 3),
)
# (lighting state, nine ratings in RATINGS order) per stop.
GRIDS = (
    ("good", (3, 3, 3, 3, 1, 3, 3, 2, 3)),
    ("off", (0, 2, 1, 1, 0, 2, 3, 1, 1)),
    ("hidden", (1, 1, 1, 1, 0, 1, 2, 1, 0)),
    ("weak", (1, 2, 2, 1, 0, 2, 1, 1, 1)),
    ("glaring", (2, 2, 2, 2, 1, 1, 3, 2, 2)),
)


def seed_demo_walk(coordinator, moderator):
    """Create the demo night walk once; return (walk, created). (None, False) when the
    gazetteer has not been loaded (`flask geodata load`): stops must be real places."""
    existing = db.session.scalar(select(Walk).where(Walk.join_code == JOIN_CODE))
    if existing is not None:
        return existing, False
    places = {p.name: p for p in db.session.scalars(
        select(Place).where(Place.name.in_(STOP_NAMES), Place.kind == "stop"))}
    if len(places) < len(STOP_NAMES):
        return None, False
    when = dt.date.today() - dt.timedelta(days=30)
    walk = services.plan_walk(coordinator, {
        "type": WalkType.NIGHT.value,
        "title": "Diagnostic de nuit, du RER aux Baconnets jusqu'à Kennedy (démonstration)",
        "date": when, "start_time": dt.time(20, 30), "end_time": dt.time(22, 0),
        "meeting_point": "Gare RER B Les Baconnets", "sector": "Noyer Doré (démonstration)",
        "stops": [{"name": n, "lon": places[n].lon, "lat": places[n].lat} for n in STOP_NAMES],
        "organisations": ["ville-antony", "hbh", "vsgp"],
    })
    walk.join_code = JOIN_CODE
    services.change_walk_status(coordinator, walk, WalkStatus.ONGOING)
    stops = {stop.name: stop for stop in walk.stops}
    started = services.walk_start_utc(walk)
    for minutes, (stop_name, category, text, strong, fix, severity) in enumerate(FINDINGS):
        stop = stops[stop_name]
        item, _token, _created = submit_finding(coordinator, {
            "kind": "dem", "category": category, "description": f"{text} {DEMO_NOTE}",
            "severity": severity, "lon": stop.lon, "lat": stop.lat, "walk": walk.id,
            "stop": stop.id, "strong_point": strong, "recommendation": fix,
        })
        item.created_at = started + dt.timedelta(minutes=15 * minutes)
        for event in item.events:
            event.created_at = item.created_at
        moderate_item(moderator, item, "publish")
    for stop, (lighting, scores) in zip(walk.stops, GRIDS, strict=True):
        services.save_night_grid(coordinator, stop, {
            "lighting_state": lighting, "comment": DEMO_NOTE,
            **dict(zip(RATINGS, scores, strict=True))})
    services.record_participation(coordinator, walk, {
        "habitants": {"femmes": 9, "hommes": 5, "autres": 1},
        "associations": {"femmes": 2, "hommes": 1},
        "professionnels": {"femmes": 2, "hommes": 3},
        "elus": {"femmes": 1, "hommes": 1},
    })
    services.change_walk_status(coordinator, walk, WalkStatus.CLOSED)
    services.publish_report(coordinator, walk, (
        "Marche de démonstration : cinq arrêts, cinq constats dont un point fort. "
        f"{DEMO_NOTE}"))
    db.session.flush()
    return walk, True
