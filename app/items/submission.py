"""The end of every capture door (the JSON API, the capture form, a walk's quick finding):
submit, commit, answer a replayed Idempotency-Key with the item it created, and the JSON
answers a phone reads when it sends an item it kept."""

from flask import jsonify, url_for

from app.errors import DomainError
from app.extensions import db

from . import services
from .schemas import item_feature


def submit_and_commit(actor, data, uploads=(), idempotency_key=None,
                      submit=services.submit_item):
    """services.submit_with_replay of `submit`, committed: (item, tracking token, created).
    Replaying the same request under the caller's key, also one a concurrent request
    committed first, answers with its item and created=False. A DomainError (InvalidItem and
    IdempotencyKeyReused, a full disk's 507, photos too busy's 503) is raised after a
    rollback, which also removes the photo files this attempt wrote."""
    session = db.session()
    try:
        submitted = services.submit_with_replay(actor, data, uploads, idempotency_key, submit)
        # The session holds the item as flushed, which is what the database now has:
        # expiring it at the commit would only read it all back to answer.
        session.expire_on_commit = False
        try:
            session.commit()
        finally:
            session.expire_on_commit = True
    except DomainError:
        db.session.rollback()
        raise
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


def refusal_response(errors, status=422):
    """`status` {"errors": {field: message}}, as the JSON API refuses input (422) or a
    fault it answers (507 a full disk, 503 photos too busy)."""
    return jsonify({"errors": errors}), status
