"""Walks as GeoJSON: the route, the stops (with their night grid) and the findings."""

from flask import url_for

from app.items.schemas import item_feature

from .models import COLLEGES, LIGHTING
from .queries import numbered_findings


def _iso(moment):
    return moment.isoformat(timespec="seconds") + "Z" if moment else None


def walk_links(walk):
    return {
        "self": url_for("api_v1.get_walk", walk_id=walk.id, _external=True),
        "html": url_for("walks.show", walk_id=walk.id, _external=True),
        "join": url_for("walks.join", code=walk.join_code, _external=True),
        "report": url_for("walks.report", walk_id=walk.id, _external=True),
        "pdf": url_for("walks.report_pdf", walk_id=walk.id, _external=True),
        "csv": url_for("walks.report_csv", walk_id=walk.id, _external=True),
    }


def walk_properties(walk):
    return {
        "id": walk.id,
        "type": walk.type,
        "type_label": str(walk.type_label),
        "title": walk.title,
        "date": walk.date.isoformat(),
        "start_time": walk.start_time.strftime("%H:%M"),
        "end_time": walk.end_time.strftime("%H:%M") if walk.end_time else None,
        "meeting_point": walk.meeting_point,
        "sector": walk.sector,
        "status": walk.status,
        "status_label": str(walk.status_label),
        "join_code": walk.join_code,
        "organisations": [o.code for o in walk.organisations],
        "previous_walk": walk.previous_walk_id,
        "published_at": _iso(walk.published_at),
        # Aggregates only: totals by college, never who came.
        "participants": {college: sum((walk.participation or {}).get(college, {}).values())
                         for college in COLLEGES} if walk.participation else None,
    }


def route_feature(walk):
    return {"type": "Feature", "id": f"walk-{walk.id}",
            "geometry": {"type": "LineString", "coordinates": walk.route},
            "properties": {"role": "route", **walk_properties(walk),
                           "links": walk_links(walk)}}


def stop_feature(stop):
    grid = stop.grid
    return {"type": "Feature", "id": f"stop-{stop.id}",
            "geometry": {"type": "Point", "coordinates": [stop.lon, stop.lat]},
            "properties": {
                "role": "stop", "id": stop.id, "position": stop.position, "name": stop.name,
                "night_grid": None if grid is None else {
                    "lighting_state": grid.lighting_state,
                    "lighting_state_label": str(LIGHTING[grid.lighting_state]),
                    **grid.ratings(), "comment": grid.comment},
            }}


def finding_feature(number, finding, viewer):
    feature = item_feature(finding.item, viewer, detail=False)
    feature["properties"].update({
        "role": "finding", "number": number, "walk": finding.walk_id,
        "stop": finding.stop_id, "stop_name": finding.stop.name if finding.stop else None,
        "strong_point": finding.strong_point, "recommendation": finding.recommendation,
        "late": finding.late,
    })
    return feature


def walk_collection(walk, viewer):
    """GET /api/v1/walks/<id>: one FeatureCollection with the route, stops and findings."""
    features = [route_feature(walk)] + [stop_feature(s) for s in walk.stops] + [
        finding_feature(n, f, viewer) for n, f in numbered_findings(walk, viewer)]
    return {"type": "FeatureCollection", "properties": walk_properties(walk),
            "links": walk_links(walk), "features": features}
