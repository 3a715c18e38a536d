"""The compte rendu of a walk: a map drawn without web tiles (SVG), its rows and the CSV
(the PDF is in pdf.py).

The map is vector only — perimeter, route, lettered stops, numbered findings — so it prints,
works offline and embeds in the PDF (fpdf2 renders SVG). Sensitive findings are drawn at
their public position for anyone who is not staff.
"""

import math
import string
from xml.sax.saxutils import escape, quoteattr

from flask import current_app, url_for
from flask_babel import gettext as _
from shapely.geometry import shape

from app.geo.projection import project_points
from app.items.categories import CATEGORIES
from app.items.permissions import can_see_exact_location
from app.items.public_view import location_of
from app.items.schemas import SEVERITY_LABELS
from app.items.status import STATUS_LABELS, Status
from app.perimeters.queries import all_perimeters

from .queries import numbered_findings

MAP_WIDTH = 800
PADDING_M = 40


def stop_label(stop):
    """Stops are lettered (A, B, ...) so they never mix with the numbered findings."""
    letters = string.ascii_uppercase
    return letters[stop.position - 1] if stop.position <= len(letters) else str(stop.position)


def finding_point(finding, viewer):
    """Where `viewer` is shown the finding: its public view unless they keep the exact point."""
    shown = location_of(finding.item, exact=can_see_exact_location(viewer, finding.item))
    return shown.lon, shown.lat


def routed_to(item):
    return item.organisation.name if item.organisation else _("Pas encore transmis")


def _rings(geometry):
    geom = shape(geometry)
    polygons = getattr(geom, "geoms", [geom])
    return [list(p.exterior.coords) for p in polygons]


def map_svg(walk, viewer, titled=True):
    """The walk's map as an SVG document (str); `titled=False` leaves out the <title> that
    only screen readers use (fpdf2 does not draw it)."""
    served = current_app.config["PERIMETER_CODE"]
    rings = [ring for p in all_perimeters() if p.code == served for ring in _rings(p.geometry)]
    findings = numbered_findings(walk, viewer)
    points = ([tuple(v) for v in walk.route] + [(s.lon, s.lat) for s in walk.stops]
              + [finding_point(f, viewer) for _n, f in findings])
    every = points + [c for ring in rings for c in ring]
    xs, ys = project_points([c[0] for c in every], [c[1] for c in every])
    minx, maxx = min(xs) - PADDING_M, max(xs) + PADDING_M
    miny, maxy = min(ys) - PADDING_M, max(ys) + PADDING_M
    scale = MAP_WIDTH / (maxx - minx)
    height = round((maxy - miny) * scale)

    def point(index):
        return (xs[index] - minx) * scale, (maxy - ys[index]) * scale

    def xy(index):
        return "{:.1f},{:.1f}".format(*point(index))

    parts = []
    offset = len(points)
    for ring in rings:
        coords = " ".join(xy(offset + i) for i in range(len(ring)))
        parts.append(f'<polygon points="{coords}" fill="#e3f1f4" stroke="#005a70" '
                     'stroke-width="2" stroke-dasharray="6 4"/>')
        offset += len(ring)
    route = " ".join(xy(i) for i in range(len(walk.route)))
    parts.append(f'<polyline points="{route}" fill="none" stroke="#6a1b9a" stroke-width="4" '
                 'stroke-linejoin="round"/>')
    stops = [point(len(walk.route) + i) for i in range(len(walk.stops))]
    placed, markers = list(stops), []
    for i, (number, finding) in enumerate(findings):
        at = point(len(walk.route) + len(walk.stops) + i)
        spot = free_spot(at, placed, MAP_WIDTH, height)
        placed.append(spot)
        markers.append(finding_marker(*spot, number, finding.strong_point))
        if spot != at:  # moved aside: a leader to where it was seen, under the markers
            parts.append(f'<line x1="{at[0]:.1f}" y1="{at[1]:.1f}" x2="{spot[0]:.1f}" '
                         f'y2="{spot[1]:.1f}" stroke="#1b1b1f" stroke-width="2"/>'
                         f'<circle cx="{at[0]:.1f}" cy="{at[1]:.1f}" r="3" fill="#1b1b1f"/>')
    parts += [stop_marker(x, y, stop_label(stop)) for (x, y), stop in zip(stops, walk.stops,
                                                                         strict=True)]
    parts += markers
    title = _("Plan de la marche « %(title)s » : périmètre du quartier, tracé, arrêts "
              "(lettres) et constats (numéros).", title=walk.title)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {MAP_WIDTH} {height}" '
            f'width="{MAP_WIDTH}" height="{height}" role="img" aria-label={quoteattr(title)}>'
            + (f'<title>{escape(title)}</title>' if titled else "") +
            f'<rect width="{MAP_WIDTH}" height="{height}" fill="#ffffff"/>'
            + "".join(parts) + "</svg>")


MARKER_GAP = 34  # px between the centres of two markers of the plan, so none hides another


def free_spot(at, placed, width, height):
    """`at`, or the first spot around it clear of every marker already placed and inside
    the `width` × `height` plan."""
    margin = MARKER_GAP / 2
    for radius in (0, MARKER_GAP, 2 * MARKER_GAP, 3 * MARKER_GAP):
        for step in range(12 if radius else 1):
            angle = math.radians(-45 + 30 * step)
            spot = (at[0] + radius * math.cos(angle), at[1] + radius * math.sin(angle))
            if (margin <= spot[0] <= width - margin and margin <= spot[1] <= height - margin
                    and all(math.dist(spot, other) >= MARKER_GAP for other in placed)):
                return spot
    return at


def stop_marker(x, y, letter):
    """A stop: a purple disc with its letter."""
    return (f'<circle cx="{x:.1f}" cy="{y:.1f}" r="16" fill="#6a1b9a" stroke="#ffffff" '
            f'stroke-width="2"/><text x="{x:.1f}" y="{y + 6:.1f}" font-size="18" '
            'fill="#ffffff" text-anchor="middle" font-family="Helvetica" font-weight="bold">'
            f'{letter}</text>')


def finding_marker(x, y, number, strong):
    """A finding: a red square (weak point) or a green diamond (strong point) with its
    number; the shape tells them apart without colour."""
    if strong:
        shape_ = (f'<polygon points="{x:.1f},{y - 17:.1f} {x + 17:.1f},{y:.1f} {x:.1f},'
                  f'{y + 17:.1f} {x - 17:.1f},{y:.1f}" fill="#1b5e20" stroke="#ffffff"/>')
    else:
        shape_ = (f'<rect x="{x - 13:.1f}" y="{y - 13:.1f}" width="26" height="26" '
                  'fill="#b71c1c" stroke="#ffffff"/>')
    return (shape_ + f'<text x="{x:.1f}" y="{y + 5:.1f}" font-size="14" fill="#ffffff" '
            f'text-anchor="middle" font-family="Helvetica" font-weight="bold">{number}</text>')


def report_rows(walk, viewer):
    """One dict per finding the viewer may see: the CSV, and the PDF's finding lines."""
    rows = []
    for number, finding in numbered_findings(walk, viewer):
        item = finding.item
        lon, lat = finding_point(finding, viewer)
        rows.append({
            "numero": number,
            "reference": item.reference,
            "arret": (f"{stop_label(finding.stop)} — {finding.stop.name}"
                      if finding.stop else ""),
            "categorie": str(CATEGORIES[item.category].label),
            "description": item.description,
            "gravite": str(SEVERITY_LABELS[item.severity]) if item.severity else "",
            "danger_immediat": _("oui") if item.danger else _("non"),
            "point": _("point fort") if finding.strong_point else _("point faible"),
            "preconisation": finding.recommendation,
            "statut": str(STATUS_LABELS[Status(item.status)]),
            "transmis_a": routed_to(item),
            "en_retard": _("oui") if finding.late else _("non"),
            "longitude": round(lon, 6),
            "latitude": round(lat, 6),
            "url": url_for("items.show", item_id=item.id, _external=True),
        })
    return rows


CSV_FIELDS = ("numero", "reference", "arret", "categorie", "description", "gravite",
              "danger_immediat", "point", "preconisation", "statut", "transmis_a", "en_retard",
              "longitude", "latitude", "url")

