"""Moves through the JSON API: the same services and questions as the working pages."""

from datetime import date

from flask import g, jsonify, request
from flask_babel import gettext as _
from sqlalchemy.orm.exc import StaleDataError

from app.auth.services import find_organisation
from app.errors import DomainError, error_response
from app.extensions import db
from app.inputs import json_object
from app.items.models import Item
from app.items.schemas import item_feature
from app.items.status import Status
from app.triage import services
from app.triage.permissions import can_act_on_item, can_handle_item, can_work_items

from . import bp, invalid
from .guards import api_requires

TEXT_FIELDS = ("note", "internal_note")
MOVE_FIELDS = {"to": str, "note": str, "internal_note": str, "organisation": str,
               "expected_date": str, "duplicate_of": int, "version": int}


def _read_move(body):
    """(arguments for act_on_item, errors) from the JSON body; InvalidInput for a body that
    is not an object or a field of the wrong type."""
    fields = json_object(body, **MOVE_FIELDS)
    errors, args = {}, {}
    if fields.get("to") not in {str(s) for s in Status}:
        errors["to"] = _("Statut inconnu.")
    for name in TEXT_FIELDS:
        value = fields.get(name) or ""
        if len(value) > 2000:
            errors[name] = _("Ce champ doit être un texte de 2000 caractères au plus.")
        args[name] = value.strip()
    if fields.get("version") is None:
        errors["version"] = _("Indiquez la version du signalement que vous avez lue.")
    args["version"] = fields.get("version")
    if fields.get("organisation") is not None:
        args["organisation"] = find_organisation(fields["organisation"])
        if args["organisation"] is None:
            errors["organisation"] = _("Organisme inconnu : %(code)s.",
                                       code=fields["organisation"])
    if fields.get("expected_date") is not None:
        try:
            args["expected_date"] = date.fromisoformat(fields["expected_date"])
        except ValueError:
            errors["expected_date"] = _("Date attendue au format AAAA-MM-JJ.")
    if fields.get("duplicate_of") is not None:
        args["duplicate_of"] = services.find_item(fields["duplicate_of"])
    return args, errors


@bp.route("/items/<int:item_id>/transitions", methods=["POST"])
@api_requires(can_work_items)
def transition_item(item_id):
    """Move an item: {"to", "note", "internal_note", "organisation", "expected_date",
    "duplicate_of", "version"} → the item. 404 for an item the caller may not handle,
    422 for malformed input, 409 for a move the workflow or the caller's role forbids,
    a missing reason, or a stale version (someone else moved it first)."""
    item = db.session.get(Item, item_id)
    if item is None or not can_handle_item(g.api_user, item):
        return error_response(404, _("Ce signalement n'existe pas."))
    args, errors = _read_move(request.get_json(silent=True))
    if errors:
        return invalid(errors)
    to = request.get_json()["to"]
    if not can_act_on_item(g.api_user, item, to):
        return error_response(409, _("Votre rôle ne permet pas ce changement sur ce "
                                     "signalement."), "to")
    try:
        services.act_on_item(g.api_user, item, to, **args)
        db.session.commit()
    except DomainError as refused:
        db.session.rollback()
        return error_response(refused.status, refused.message, refused.field)
    except StaleDataError:
        db.session.rollback()
        return error_response(409, _("Ce signalement a été modifié par quelqu'un d'autre "
                                     "entre-temps. Relisez-le puis recommencez."), "version")
    return jsonify(item_feature(item, g.api_user))
