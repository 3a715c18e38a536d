"""The end of every capture door (the JSON API, the capture form, a walk's quick finding):
submit, commit, answer a replayed Idempotency-Key with the item it created, and the JSON
answers a phone reads when it sends an item it kept."""

from flask import jsonify, url_for
from sqlalchemy.exc import IntegrityError

from app.extensions import db

from . import services
from .schemas import item_feature


def submit_and_commit(actor, data, uploads=(), idempotency_key=None):
    """services.submit_item, committed: (item, tracking token, created). When a concurrent
    request with the same key committed first, its item is returned with created=False.
    InvalidItem is raised after a rollback."""
    try:
        submitted = services.submit_item(actor, data, uploads, idempotency_key)
        db.session.commit()
    except services.InvalidItem:
        db.session.rollback()
        raise
    except IntegrityError:
        db.session.rollback()
        item = services.find_by_idempotency_key(idempotency_key)
        if item is None:
            raise
        return item, services.tracking_token_for(idempotency_key), False
    return submitted


def submission_response(item, token, created, viewer):
    """201 (200 for a replay) + Location, the item as `viewer` sees it and its secret
    `tracking_url`: what a phone keeps to follow an item it sent."""
    body = item_feature(item, viewer, token)
    body["tracking_url"] = url_for("items.track", token=token, _external=True)
    response = jsonify(body)
    response.status_code = 201 if created else 200
    response.headers["Location"] = url_for("api_v1.get_item", item_id=item.id, _external=True)
    return response


def refusal_response(errors):
    """422 {"errors": {field: message}}, as the JSON API refuses input."""
    return jsonify({"errors": errors}), 422
