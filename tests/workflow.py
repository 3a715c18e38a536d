"""Helpers for routing and workflow tests: a landlord zone, items moved through services,
a planned walk."""

from datetime import date, time

from app.auth.services import find_organisation, find_user
from app.extensions import db
from app.routing.models import TenureZone
from app.triage import services
from app.walks.services import plan_walk
from tests.conftest import INSIDE, make_item, make_user


def square(lon, lat, half):
    return {"type": "Polygon", "coordinates": [[
        [lon - half, lat - half], [lon + half, lat - half], [lon + half, lat + half],
        [lon - half, lat + half], [lon - half, lat - half]]]}


def landlord_zone(around=INSIDE, half=0.0005, owner="hbh"):
    """A committed tenure zone of about 75 m × 110 m around `around`."""
    zone = TenureZone(owner=find_organisation(owner), name="Résidence test", source="tests",
                      geometry=square(*around, half))
    db.session.add(zone)
    db.session.commit()
    return zone


def coordinator():
    return find_user("coordination@example.org") or make_user(
        "coordinator", email="coordination@example.org")


def routed_item(org="ville-antony", **fields):
    """A committed item routed to `org` by a coordinator (an override reason if needed)."""
    item = make_item(**fields)
    organisation = find_organisation(org)
    services.route_item(coordinator(), item, organisation,
                        "" if organisation == item.suggested_organisation else "test")
    db.session.commit()
    return item


def planned_walk(organiser=None):
    """A committed night walk with one stop at the perimeter's centre."""
    walk = plan_walk(organiser or coordinator(), {
        "type": "nuit", "title": "Marche de nuit", "date": date(2026, 12, 10),
        "start_time": time(20), "meeting_point": "Mont Blanc", "sector": "Mont Blanc",
        "organisations": ["hbh"], "stops": [{"name": "Centre", "lon": INSIDE[0],
                                             "lat": INSIDE[1]}]})
    db.session.commit()
    return walk
