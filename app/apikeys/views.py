"""Administrators manage the API keys of Open311 clients."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.errors import DomainError
from app.extensions import db
from app.forms import show_refusal
from app.permissions import requires

from . import services
from .forms import ApiKeyForm
from .permissions import can_manage_api_keys

bp = Blueprint("apikeys", __name__, url_prefix="/admin/cles-api")


def _list(form, status=200):
    return render_template("apikeys/keys.html", keys=services.all_keys(), form=form), status


@bp.route("")
@requires(can_manage_api_keys)
def keys():
    return _list(ApiKeyForm())


@bp.route("", methods=["POST"])
@requires(can_manage_api_keys)
def create_key():
    """Create a key and show it once, in this answer only (never in a cookie or a log)."""
    form = ApiKeyForm()
    if not form.validate_on_submit():
        return _list(form, 422)
    try:
        key, raw = services.create_key(current_user, form.name.data)
    except DomainError as refused:
        db.session.rollback()
        show_refusal(form, refused)
        return _list(form, 422)
    db.session.commit()
    response = render_template("apikeys/created.html", key=key, raw=raw)
    return response, 201, {"Cache-Control": "no-store"}


@bp.route("/<int:key_id>")
@requires(can_manage_api_keys)
def show_key(key_id):
    key = services.find_key(key_id) or abort(404)
    return render_template("apikeys/key.html", key=key, uses=services.recent_uses(key),
                           shown=services.USES_SHOWN)


@bp.route("/<int:key_id>/revocation", methods=["POST"])
@requires(can_manage_api_keys)
def revoke_key(key_id):
    key = services.find_key(key_id) or abort(404)
    try:
        services.revoke_key(current_user, key)
    except DomainError as refused:
        db.session.rollback()
        flash(refused.message, "error")
    else:
        db.session.commit()
        flash(_("La clé « %(name)s » est révoquée : elle est refusée dès maintenant.",
                name=key.name), "success")
    return redirect(url_for("apikeys.keys"))
