"""Walks through the JSON API: list, read (GeoJSON), and correct a finding."""

from flask import g, jsonify, request
from flask_babel import gettext as _

from app.auth.permissions import is_signed_in
from app.errors import error_response
from app.extensions import db
from app.inputs import json_object
from app.walks import findings, services
from app.walks.models import Walk, WalkFinding
from app.walks.permissions import can_edit_finding
from app.walks.schemas import route_feature, walk_collection

from . import bp, invalid
from .guards import api_requires


@bp.route("/walks")
def list_walks():
    """Every walk as a GeoJSON Feature of its route, with `links` to its compte rendu."""
    walks = db.session.scalars(db.select(Walk).order_by(Walk.date.desc(), Walk.id.desc()))
    return jsonify({"type": "FeatureCollection", "features": [route_feature(w) for w in walks]})


@bp.route("/walks/<int:walk_id>")
def get_walk(walk_id):
    """One walk: route, stops (with the night grid) and the findings the caller may see,
    as a FeatureCollection with `properties` and `links` (`pdf`, `csv`)."""
    walk = db.session.get(Walk, walk_id)
    if walk is None:
        return error_response(404, _("Cette marche n'existe pas."))
    return jsonify(walk_collection(walk, g.api_user))


@bp.route("/walks/<int:walk_id>/findings/<int:item_id>", methods=["PATCH"])
@api_requires(is_signed_in)
def update_finding(walk_id, item_id):
    """Correct a finding's `stop`, `strong_point` or `recommendation` (its author or an
    organiser only)."""
    finding = db.session.get(WalkFinding, item_id)
    if finding is None or finding.walk_id != walk_id:
        return error_response(404, _("Ce constat n'existe pas dans cette marche."))
    if not can_edit_finding(g.api_user, finding):
        return error_response(403, _("Seule la personne qui a fait ce constat, ou la "
                                     "coordination, peut le modifier."), "auth")
    data = json_object(request.get_json(silent=True), stop=int, strong_point=bool,
                       recommendation=str)
    try:
        findings.update_finding(g.api_user, finding, data)
    except services.InvalidWalk as refused:
        db.session.rollback()
        return invalid(refused.errors)
    db.session.commit()
    return jsonify(walk_collection(finding.walk, g.api_user))
