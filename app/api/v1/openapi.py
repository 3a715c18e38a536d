from flask import jsonify

from app.api.openapi import openapi_document

from . import bp


@bp.route("/openapi.json")
def openapi():
    """The OpenAPI 3.1 description of the JSON API, OGC API – Features and Open311."""
    return jsonify(openapi_document())
