"""Supporting a proposal through the JSON API (signed-in residents, bearer token)."""

from flask import g, jsonify
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from app.errors import DomainError, error_response
from app.extensions import db
from app.items.models import Item
from app.proposals import services
from app.proposals.permissions import can_support_proposal

from . import bp
from .guards import api_requires


@bp.route("/items/<int:item_id>/supports", methods=["POST"])
@api_requires(can_support_proposal)
def support(item_id):
    """Support a public proposal: 201 with the new count, 409 when already supported."""
    item = db.session.get(Item, item_id)
    if item is None or item.kind != "proposal" or not item.is_public:
        return error_response(404, _("Cette proposition n'existe pas ou n'est pas publique."))
    try:
        services.support_proposal(g.api_user, item)
        db.session.commit()
    except IntegrityError:  # the same person's other session committed first
        db.session.rollback()
        refused = services.AlreadySupported()
        return error_response(refused.status, refused.message, refused.field)
    except DomainError as refused:
        db.session.rollback()
        return error_response(refused.status, refused.message, refused.field)
    return jsonify({"supports": services.supports_count(item)}), 201
