"""The compte rendu of a walk: a map drawn without web tiles (SVG), a PDF and a CSV.

The map is vector only — perimeter, route, lettered stops, numbered findings — so it prints,
works offline and embeds in the PDF (fpdf2 renders SVG). Sensitive findings are drawn at
their public position for anyone who is not staff.
"""

import csv
import io
import string
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from flask import current_app, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from shapely.geometry import shape

from app.geo.projection import project_points
from app.items.categories import CATEGORIES
from app.items.permissions import is_staff
from app.items.schemas import SEVERITY_LABELS
from app.items.status import STATUS_LABELS, Status
from app.pdf import ReportPDF
from app.perimeters.queries import all_perimeters

from .models import COLLEGES, GENDERS, LIGHTING, RATINGS
from .privacy import public_point
from .queries import grid_comparison, numbered_findings, rechecks_of

MAP_WIDTH = 800
PADDING_M = 40


def stop_label(stop):
    """Stops are lettered (A, B, ...) so they never mix with the numbered findings."""
    letters = string.ascii_uppercase
    return letters[stop.position - 1] if stop.position <= len(letters) else str(stop.position)


def finding_point(finding, viewer):
    item = finding.item
    return (item.lon, item.lat) if is_staff(viewer) else public_point(item)


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

    def xy(index):
        return f"{(xs[index] - minx) * scale:.1f},{(maxy - ys[index]) * scale:.1f}"

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
    base = len(walk.route)
    for i, stop in enumerate(walk.stops):
        x, y = xy(base + i).split(",")
        parts.append(f'<circle cx="{x}" cy="{y}" r="13" fill="#6a1b9a"/>'
                     f'<text x="{x}" y="{float(y) + 5:.1f}" font-size="14" fill="#ffffff" '
                     f'text-anchor="middle" font-family="Helvetica" font-weight="bold">'
                     f'{stop_label(stop)}</text>')
    base += len(walk.stops)
    for i, (number, finding) in enumerate(findings):
        x, y = xy(base + i).split(",")
        fill = "#1b5e20" if finding.strong_point else "#b71c1c"
        parts.append(f'<rect x="{float(x) - 10:.1f}" y="{float(y) - 10:.1f}" width="20" '
                     f'height="20" fill="{fill}" stroke="#ffffff"/>'
                     f'<text x="{x}" y="{float(y) + 4:.1f}" font-size="11" fill="#ffffff" '
                     f'text-anchor="middle" font-family="Helvetica">{number}</text>')
    title = _("Plan de la marche « %(title)s » : périmètre du quartier, tracé, arrêts "
              "(lettres) et constats (numéros).", title=walk.title)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {MAP_WIDTH} {height}" '
            f'width="{MAP_WIDTH}" height="{height}" role="img" aria-label={quoteattr(title)}>'
            + (f'<title>{escape(title)}</title>' if titled else "") +
            f'<rect width="{MAP_WIDTH}" height="{height}" fill="#ffffff"/>'
            + "".join(parts) + "</svg>")


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


def report_csv(walk, viewer):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(report_rows(walk, viewer))
    return out.getvalue()


def report_pdf(walk, viewer):
    """The compte rendu as PDF bytes."""
    pdf = ReportPDF(_("Compte rendu — %(title)s", title=walk.title))
    heading, line = pdf.heading, pdf.line

    heading(_("Compte rendu — %(title)s", title=walk.title), 16)
    line(f"{walk.type_label} · {format_date(walk.date, 'full')} · "
         f"{walk.start_time:%H:%M}" + (f"–{walk.end_time:%H:%M}" if walk.end_time else ""))
    line(_("Secteur : %(sector)s · Rendez-vous : %(place)s", sector=walk.sector,
           place=walk.meeting_point))
    if walk.organisations:
        line(_("Organismes invités : %(names)s",
               names=", ".join(o.name for o in walk.organisations)))
    if walk.participation:
        heading(_("Participation"))
        for college, label in COLLEGES.items():
            counts = walk.participation.get(college, {})
            line(f"{label} : " + ", ".join(f"{GENDERS[g]} {counts.get(g, 0)}" for g in GENDERS))
    if walk.summary:
        heading(_("Synthèse"))
        line(walk.summary)

    heading(_("Plan"))
    svg = map_svg(walk, viewer, titled=False).encode()
    pdf.image(io.BytesIO(svg), w=pdf.epw)
    line(_("Arrêts en lettres, constats en numéros ; carré vert : point fort, carré rouge : "
           "point faible."))

    heading(_("Constats par arrêt"))
    rows = {row["numero"]: row for row in report_rows(walk, viewer)}
    findings = numbered_findings(walk, viewer)
    if not findings:
        line(_("Aucun constat."))
    upload_dir = Path(current_app.config["UPLOAD_DIR"])
    current_stop = object()
    for number, finding in findings:
        if finding.stop is not current_stop:
            current_stop = finding.stop
            heading(f"{stop_label(current_stop)}. {current_stop.name}" if current_stop
                    else _("Sans arrêt"), 11)
        row = rows[number]
        pdf.bold_line(f"{number}. {row['categorie']} ({row['point']}) — {row['reference']}")
        line(row["description"] or "—")
        details = [_("Statut : %(s)s", s=row["statut"]),
                   _("Transmis à : %(org)s", org=row["transmis_a"])]
        if row["gravite"]:
            details.append(_("Gravité : %(g)s", g=row["gravite"]))
        if finding.item.danger:
            details.append(_("Danger immédiat"))
        if finding.late:
            details.append(_("Envoyé après la marche"))
        line(" · ".join(details))
        if finding.recommendation:
            line(_("Préconisation : %(text)s", text=finding.recommendation))
        for photo in finding.item.photos:
            if photo.visibility == "public" or is_staff(viewer):
                pdf.image(str(upload_dir / photo.thumbnail_name), w=40)

    comparison = grid_comparison(walk)
    if comparison:
        heading(_("Grille de sécurité de nuit (0 = très mauvais, 3 = très bon)"))
        for stop in walk.stops:
            if stop.grid is not None:
                grid = stop.grid
                line(_("%(stop)s — éclairage : %(state)s ; %(ratings)s",
                       stop=f"{stop_label(stop)}. {stop.name}",
                       state=LIGHTING[grid.lighting_state],
                       ratings=", ".join(f"{label} {getattr(grid, name)}"
                                         for name, label in RATINGS.items())))
        heading(_("Moyennes, comparées à la marche précédente du secteur"), 11)
        for _name, label, now, before in comparison:
            line(_("%(label)s : %(now)s (avant : %(before)s)", label=label, now=now,
                   before=before) if before is not None else f"{label} : {now}")

    checks = rechecks_of(walk, viewer)
    if checks:
        heading(_("Contre-visite des constats antérieurs"))
        for check in checks:
            line(f"{check.item.reference} — {CATEGORIES[check.item.category].label} : "
                 f"{check.outcome_label}" + (f" — {check.note}" if check.note else ""))
    return pdf.bytes()
