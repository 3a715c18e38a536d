"""Demo data for `seed-demo`: items at every stage of the follow-up — on time, overdue at
each organisation, disputed, reopened, resolved — on real places of the gazetteer and
labelled as demonstration data, so the committee's pages have something to show. Seeding
again finds them by their text."""

from datetime import timedelta

from sqlalchemy import select

from app.auth.services import find_organisation
from app.clock import paris_today
from app.extensions import db
from app.items.models import Item
from app.items.services import submit_item
from app.places.models import Place
from app.triage import services as triage

PLACES = ("Kennedy (bus)", "Centre Commercial des Baconnets / Méditerranée (bus)",
          "Centre Commercial Noyer Doré (bus)", "Mont Blanc (bus)")
# (place, category, organisation, what happens, description)
ITEMS = (
    (0, "parties-communes", "hbh", "overdue", "Porte du hall qui ne ferme plus."),
    (1, "eclairage", "ville-antony", "overdue", "Lampadaire éteint depuis deux semaines."),
    (2, "dechets", "vsgp", "overdue", "Bacs de tri non collectés."),
    (3, "voirie", "hbh", "disputed", "Trottoir défoncé entre la résidence et l'arrêt."),
    (0, "tags", "ville-antony", "reopened", "Tags revenus sur le mur du passage."),
    (1, "proprete", "ville-antony", "resolved", "Sacs abandonnés au pied de l'arrêt."),
    (2, "mobilier-urbain", "ville-antony", "routed", "Banc cassé."),
)


def _text(description):
    return f"[Démo] {description} Donnée de démonstration."


def _play(item, organisation, story, coordinator, agents):
    triage.route_item(coordinator, item, organisation, "Démonstration")
    agent = agents[organisation.code]
    if story == "overdue":
        item.acknowledge_due = paris_today() - timedelta(days=3)
    elif story == "disputed":
        other = find_organisation("ville-antony")
        triage.return_item(agent, item, "Démonstration : terrain de la Ville selon nous.")
        triage.route_item(coordinator, item, other, "Démonstration : voirie publique.")
        triage.return_item(agents[other.code], item, "Démonstration : terrain du bailleur.")
    elif story in ("reopened", "resolved"):
        triage.resolve_item(agent, item, "Démonstration : intervention faite.")
        if story == "reopened":
            triage.reopen_item(None, item, "Démonstration : c'est revenu.")


def seed_demo_followup(coordinator, agents):
    """Create the demo follow-up items once; return how many were created. `agents` maps
    organisation codes to their demo agent."""
    places = {p.name: p for p in db.session.scalars(select(Place).where(
        Place.name.in_(PLACES)))}
    if len(places) < len(PLACES):
        return 0
    created = 0
    for place, category, code, story, description in ITEMS:
        if db.session.scalar(select(Item.id).where(Item.description == _text(description))):
            continue
        item, _token, _created = submit_item(None, {
            "kind": "gusp", "category": category, "place": places[PLACES[place]].id,
            "description": _text(description)})
        _play(item, find_organisation(code), story, coordinator, agents)
        db.session.flush()
        created += 1
    return created
