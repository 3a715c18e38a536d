"""Administrators edit the routing table and the land tenure zones (map and table)."""

import json
import tempfile
from pathlib import Path

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from werkzeug.utils import secure_filename

from app.auth.services import all_organisations
from app.extensions import db
from app.geo.files import GeodataError
from app.geo.tenure import read_tenure_file
from app.items.categories import CATEGORIES
from app.permissions import requires

from . import services
from .forms import ImportZonesForm, ZoneForm
from .models import PUBLIC_LAND, TenureZone
from .permissions import can_manage_routing

bp = Blueprint("routing", __name__, url_prefix="/admin")


def _report_overlaps(found):
    for a, b, area in found:
        flash(_("Chevauchement : %(a)s et %(b)s se recouvrent sur %(area)s m². Là où elles se "
                "recouvrent, la plus petite zone l'emporte.", a=a, b=b, area=area), "error")


@bp.route("/routage", methods=["GET", "POST"])
@requires(can_manage_routing)
def rules():
    """The routing table: category × land → organisation; an empty cell means no default."""
    lands = services.land_choices()
    errors = []
    if request.method == "POST":
        for category in CATEGORIES:
            for land in lands:
                code = request.form.get(f"rule-{category}-{land}", "")
                try:
                    services.set_rule(current_user, category, land, code)
                except services.InvalidRoutingData as refused:
                    errors.append((category, refused.message))
        if not errors:
            db.session.commit()
            flash(_("Table de routage enregistrée."), "success")
            return redirect(url_for("routing.rules"), 303)
        db.session.rollback()
    table = {(rule.category, rule.land): rule.organisation.code for rule in services.all_rules()}
    organisations = all_organisations()
    return render_template("routing/rules.html", categories=CATEGORIES, lands=lands,
                           public_land=PUBLIC_LAND, table=table, errors=errors,
                           organisations=organisations,
                           owner_names={o.code: o.name for o in organisations},
                           ), 422 if errors else 200


def _zones_page(form, import_form, status=200):
    return render_template("routing/zones.html", zones=services.all_zones(), form=form,
                           import_form=import_form), status


def _forms():
    organisations = all_organisations()
    form, import_form = ZoneForm(), ImportZonesForm()
    form.set_owners(organisations)
    import_form.set_owners(organisations)
    return form, import_form


@bp.route("/zones")
@requires(can_manage_routing)
def zones():
    return _zones_page(*_forms())


@bp.route("/zones.geojson")
@requires(can_manage_routing)
def zones_geojson():
    return jsonify({"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": zone.id, "geometry": zone.geometry,
         "properties": {"name": services.zone_label(zone), "owner": zone.owner.code,
                        "url": url_for("routing.edit_zone", zone_id=zone.id)}}
        for zone in services.all_zones()]})


def _save(form, zone, status_on_error):
    if form.validate_on_submit():
        try:
            zone, found = services.save_zone(current_user, zone, form.owner.data, form.name.data,
                                             form.source.data, form.geometry.parsed)
        except services.InvalidRoutingData as refused:
            db.session.rollback()
            getattr(form, refused.field, form.geometry).errors.append(refused.message)
        else:
            db.session.commit()
            flash(_("Zone « %(name)s » enregistrée.", name=services.zone_label(zone)), "success")
            _report_overlaps(found)
            return None
    return status_on_error


@bp.route("/zones", methods=["POST"])
@requires(can_manage_routing)
def create_zone():
    form, import_form = _forms()
    failed = _save(form, None, 422)
    return redirect(url_for("routing.zones"), 303) if failed is None else _zones_page(
        form, import_form, failed)


@bp.route("/zones/importer", methods=["POST"])
@requires(can_manage_routing)
def import_zones():
    """The same import as `flask geodata import-tenure`, from an uploaded file."""
    form, import_form = _forms()
    if not import_form.validate_on_submit():
        return _zones_page(form, import_form, 422)
    upload = import_form.file.data
    name = secure_filename(upload.filename or "") or "zones.geojson"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        upload.save(path)
        try:
            read = read_tenure_file(str(path))
        except GeodataError as err:
            import_form.file.errors.append(_(err.message, **{**err.params, "path": name}))
            return _zones_page(form, import_form, 422)
    saved, found = services.import_zones(current_user, import_form.owner.data, read, name)
    db.session.commit()
    flash(ngettext("%(num)d zone importée depuis %(file)s.",
                   "%(num)d zones importées depuis %(file)s.", len(saved), file=name), "success")
    _report_overlaps(found)
    return redirect(url_for("routing.zones"), 303)


@bp.route("/zones/<int:zone_id>", methods=["GET", "POST"])
@requires(can_manage_routing)
def edit_zone(zone_id):
    zone = db.session.get(TenureZone, zone_id) or abort(404)
    form = ZoneForm()
    form.set_owners(all_organisations())
    if request.method == "GET":
        form.owner.data, form.name.data, form.source.data = zone.owner.code, zone.name, zone.source
        form.geometry.data = json.dumps(zone.geometry)
        status = 200
    else:
        status = _save(form, zone, 422)
        if status is None:
            return redirect(url_for("routing.zones"), 303)
    return render_template("routing/zone_form.html", form=form, zone=zone), status


@bp.route("/zones/<int:zone_id>/supprimer", methods=["POST"])
@requires(can_manage_routing)
def delete_zone(zone_id):
    zone = db.session.get(TenureZone, zone_id) or abort(404)
    label = services.zone_label(zone)
    services.delete_zone(current_user, zone)
    db.session.commit()
    flash(_("Zone « %(name)s » supprimée.", name=label), "success")
    return redirect(url_for("routing.zones"), 303)
