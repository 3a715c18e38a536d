"""The end of every capture door (the JSON API, the capture form, a walk's quick finding):
submit, commit, answer a replayed Idempotency-Key with the item it created, and the JSON
answers a phone reads when it sends an item it kept."""

from flask import jsonify, url_for

from app.extensions import db

from . import services
from .schemas import item_feature


def submit_and_commit(actor, data, uploads=(), idempotency_key=None):
    """services.submit_with_replay, committed: (item, tracking token, created). Replaying
    the same request under the caller's key, also one a concurrent request committed first,
    answers with its item and created=False. InvalidItem (IdempotencyKeyReused among them)
    is raised after a rollback."""
    try:
        submitted = services.submit_with_replay(actor, data, uploads, idempotency_key)
    except services.InvalidItem:
        db.session.rollback()
        raise
    # The session holds the item as flushed, which is what the database now has: expiring
    # it at the commit would only read it all back to answer.
    session = db.session()
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True
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
