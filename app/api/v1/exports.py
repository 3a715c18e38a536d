"""Exports of items through the JSON API, with the follow-up's filters."""

from flask import g, request

from app.committee.filters import read_filters
from app.evaluation.exports import EXPORTS

from . import bp


@bp.route("/exports/items.<any(csv, geojson, gpkg):extension>")
def export_items(extension):
    """The items the caller may follow (a staff token: every item; an agent's token: its
    organisation's; no token: the public items, in their public view) under the
    follow-up's filters (`from`, `to`, `organisation`, `category`, `kind`, `walk`,
    `status` — `open` by default, `all` for every state —, `overdue`, `disputed`,
    `returned`, `reopened`), streamed as CSV for French spreadsheets, GeoJSON or
    GeoPackage. 422 for a bad filter, 403 for an agent asking for another organisation."""
    return EXPORTS[extension](read_filters(request.args, g.api_user), g.api_user)
