"""The follow-up across organisations: items with their delays and states, counts,
delays to answer, recurring hotspots and walk follow-up, all under the same filters."""

import math

from flask import jsonify, render_template, request, url_for
from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.auth.services import all_organisations
from app.errors import InvalidInput
from app.items.categories import CATEGORIES
from app.items.models import Item
from app.items.schemas import KIND_LABELS
from app.items.status import STATUS_LABELS, Status
from app.permissions import requires
from app.triage.cursors import page_links, read_from_address
from app.triage.queries import is_overdue
from app.walks.models import RECHECK_LABELS
from app.walks.queries import all_walks

from .. import delays, hotspots, queries, walk_followup
from ..filters import EVERY, OPEN, read_filters
from ..permissions import can_follow_items, own_organisation
from . import bp

TABS = {
    "committee.followup": _l("Liste et carte"),
    "committee.breakdown": _l("Répartition"),
    "committee.delays": _l("Délais"),
    "committee.hotspots": _l("Points récurrents"),
    "committee.walks": _l("Suivi des marches"),
}
MAX_HOTSPOTS_LISTED = 30
MEMBERS_LISTED = 10  # items named per hotspot; the others are counted


def _organisation_names():
    return {o.id: o.name for o in all_organisations()}


def _delay_summary(acknowledge, resolve):
    """One sentence per measure: mean, median, how many measured, how many waiting."""
    parts = []
    for label, delays_ in ((_("Prise en compte"), acknowledge), (_("Résolution"), resolve)):
        if delays_.count:
            parts.append(_("%(label)s : moyenne %(mean)s jours ouvrés, médiane %(median)s, "
                           "sur %(n)d signalement(s) ; %(waiting)d en attente.", label=label,
                           mean=format_decimal(delays_.mean),
                           median=format_decimal(delays_.median), n=delays_.count,
                           waiting=delays_.waiting))
        else:
            parts.append(_("%(label)s : rien à mesurer encore ; %(waiting)d en attente.",
                           label=label, waiting=delays_.waiting))
    return " ".join(parts)


def _render(template, compute):
    """Read the filters; on bad input show the page with the form and its errors (422)."""
    organisations = all_organisations()
    common = {
        "tabs": TABS, "categories": CATEGORIES, "status_labels": STATUS_LABELS,
        "own_organisation": own_organisation(current_user), "args": request.args,
        "names": {o.id: o.name for o in organisations},
        "choices": {
            "organisation": [(o.code, o.name) for o in organisations],
            "category": [(code, c.label) for code, c in CATEGORIES.items()],
            "kind": list(KIND_LABELS.items()),
            "walk": [(w.id, f"{w.date:%d/%m/%Y} — {w.title}") for w in all_walks()],
            "status": [(OPEN, _("Ouverts (quelqu'un doit agir)")), (EVERY, _("Tous les états")),
                       *((s.value, STATUS_LABELS[s]) for s in Status)],
        },
    }
    try:
        filters = read_filters(request.args, current_user)
    except InvalidInput as refused:
        return render_template(template, filters=None, errors=refused.errors, **common), 422
    return render_template(template, filters=filters, errors={}, **common,
                           **compute(filters))


@bp.route("/suivi")
@requires(can_follow_items)
def followup():
    """Open items across organisations, with their organisation, age, due dates and
    overdue state; counts per organisation; the clustered map and its list."""
    def compute(filters):
        items, total, next_cursor = read_from_address(queries.followup_page, filters,
                                                      current_user)
        next_url, first_url = page_links("committee.followup", next_cursor)
        by_organisation = [(name or _("Pas encore transmis"), count, overdue) for
                           name, count, overdue in queries.overdue_by_organisation(
                               filters, current_user)]
        return {"items": items, "total": total, "next_url": next_url,
                "first_url": first_url, "by_organisation": by_organisation,
                "is_overdue": lambda item: is_overdue(item, filters.today),
                "today": filters.today}
    return _render("committee/followup.html", compute)


def _cluster_label(count, overdue):
    label = ngettext("%(num)d signalement", "%(num)d signalements", count)
    if overdue:
        label += ", " + ngettext("dont %(num)d en retard", "dont %(num)d en retard", overdue)
    return label


@bp.route("/suivi/carte.json")
@requires(can_follow_items)
def clusters():
    """The map's markers for `bbox` and `zoom`, under the follow-up's filters."""
    try:
        filters = read_filters(request.args, current_user)
        bbox = [float(v) for v in request.args.get("bbox", "").split(",")]
        zoom = int(request.args.get("zoom", ""))
        if len(bbox) != 4 or not all(math.isfinite(v) for v in bbox) or not 0 <= zoom <= 22:
            raise ValueError
    except InvalidInput as refused:
        return jsonify({"errors": refused.errors}), 422
    except ValueError:
        return jsonify({"errors": {"bbox": _("bbox et zoom attendus.")}}), 422
    markers = []
    for lon, lat, count, overdue, first_id in queries.clusters(filters, current_user, bbox,
                                                                zoom):
        marker = {"lon": lon, "lat": lat, "count": count, "overdue": int(overdue or 0),
                  "label": _cluster_label(count, int(overdue or 0))}
        if count == 1:
            marker["url"] = url_for("triage.item", item_id=first_id)
        markers.append(marker)
    return jsonify({"clusters": markers})


@bp.route("/suivi/repartition")
@requires(can_follow_items)
def breakdown():
    """Counts by status × organisation × category, over every status."""
    def compute(filters):
        breakdown = queries.status_breakdown(filters, current_user)
        chart_rows = [(STATUS_LABELS[s], n) for s, n in breakdown.by_status.items()]
        summary = ngettext("%(num)d signalement en tout.", "%(num)d signalements en tout.",
                           breakdown.total)
        if chart_rows:
            summary += " " + _("Par état : %(list)s.", list=", ".join(
                f"{label} {n}" for label, n in chart_rows))
        return {"breakdown": breakdown, "chart_rows": chart_rows, "summary": summary}
    return _render("committee/breakdown.html", compute)


@bp.route("/suivi/delais", endpoint="delays")
@requires(can_follow_items)
def delays_page():
    """Mean and median working days to acknowledge and to resolve, by organisation, by
    category and by both."""
    def compute(filters):
        names = _organisation_names()
        rows = delays.delay_rows(filters, current_user, Item.organisation_id, Item.category)
        by_organisation = [(names.get(key) or _("Pas encore transmis"), pair) for key, pair
                           in delays.summarise(rows, lambda v: v[0]).items()]
        acknowledge, resolve = delays.overall(rows)
        return {
            "summary": _delay_summary(acknowledge, resolve),
            "chart_rows": [(name, pair[1].median or 0) for name, pair in by_organisation],
            "chart_summary": _("Médiane du temps de résolution par organisme, en jours "
                               "ouvrés ; les tableaux qui suivent donnent aussi la moyenne et "
                               "le nombre de signalements mesurés."),
            "by_organisation": by_organisation,
            "by_category": [(CATEGORIES[key].label, pair) for key, pair in
                            delays.summarise(rows, lambda v: v[1]).items()],
            "by_both": [(f"{names.get(key[0]) or _('Pas encore transmis')} — "
                         f"{CATEGORIES[key[1]].label}", pair)
                        for key, pair in delays.summarise(rows, tuple).items()]}
    return _render("committee/delays.html", compute)



@bp.route("/suivi/points-recurrents", endpoint="hotspots")
@requires(can_follow_items)
def hotspots_page():
    """Several items of one category within 30 m over 12 months: listed and on the map."""
    def compute(filters):
        found = hotspots.recurring_hotspots(filters, current_user)
        listed = found[:MAX_HOTSPOTS_LISTED]
        return {"hotspots": listed, "hotspot_total": len(found),
                "members_listed": MEMBERS_LISTED, "window": hotspots.window(filters),
                "radius": hotspots.RADIUS_M, "minimum": hotspots.MINIMUM_ITEMS}
    return _render("committee/hotspots.html", compute)



@bp.route("/suivi/marches", endpoint="walks")
@requires(can_follow_items)
def walks_page():
    """Share of each walk's findings found fixed at the next walk on the sector, and the
    night feeling of safety from walk to walk."""
    def compute(filters):
        followups = walk_followup.walk_followups(filters, current_user)
        return {"followups": followups, "confirmed": walk_followup.confirmed_share(followups),
                "safety": walk_followup.night_safety(filters.period),
                "outcome_labels": RECHECK_LABELS}
    return _render("committee/walks.html", compute)



@bp.route("/suivi/points-recurrents.geojson")
@requires(can_follow_items)
def hotspots_geojson():
    """The hotspots listed on the page, as GeoJSON points (their centre item) with a label."""
    try:
        filters = read_filters(request.args, current_user)
    except InvalidInput as refused:
        return jsonify({"errors": refused.errors}), 422
    found = hotspots.recurring_hotspots(filters, current_user)[:MAX_HOTSPOTS_LISTED]
    return jsonify({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [h.lon, h.lat]},
         "properties": {"number": number, "radius": hotspots.RADIUS_M, "label": _(
             "Point récurrent n° %(n)d : %(category)s, %(count)d signalements",
             n=number, category=CATEGORIES[h.category].label, count=h.count)}}
        for number, h in enumerate(found, start=1)]})
