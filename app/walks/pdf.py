"""The compte rendu of a walk as a PDF that the citizen council hands to the institutions.

A4, filed as a document: the walk's facts and counts, participation and the night grid as
real tables (grid scores as numbers on a grey scale, never colour alone, compared with the
previous walk on the sector), the plan with lettered stops and numbered findings sized to
the space left on the page, each finding kept whole on one page with the thumbnail of its
published photos, and French numbers ("1,4") and plurals.
"""

import io
from pathlib import Path

from flask import current_app
from flask_babel import format_date, format_decimal, ngettext
from flask_babel import gettext as _
from fpdf.fonts import FontFace
from PIL import Image

from app.items.categories import CATEGORIES
from app.items.status import Visibility
from app.pdf import HEADER, KEEP_WITH_NEXT, LINE, ReportPDF, pdf_text

from .models import COLLEGES, GENDERS, LIGHTING, RATINGS
from .queries import grid_comparison, numbered_findings, rechecks_of
from .reports import MAP_WIDTH, map_svg, report_rows, stop_label

THUMB_WIDTH = 36  # mm
MIN_PLAN_HEIGHT = 90  # mm: less than this left on the page, the plan starts the next one
STOPS_PER_TABLE = 8
# Grid scores 0-3: darker is worse; the number is always printed in the cell.
SHADES = {0: (64, 64, 64), 1: (140, 140, 140), 2: (205, 205, 205), 3: (250, 250, 250)}


def decimal(value):
    """A mean as the French write it: 1,4."""
    return format_decimal(value, format="0.0")


def change(now, before):
    difference = round(now - before, 1)
    return _("stable") if difference == 0 else format_decimal(difference, format="+0.0;-0.0")


def score_style(score):
    shade = SHADES[min(3, max(0, round(score)))]
    return FontFace(fill_color=shade, color=(255, 255, 255) if sum(shade) < 300 else (0, 0, 0),
                    emphasis="BOLD")


def report_pdf(walk, viewer):
    """The compte rendu as PDF bytes: what `viewer` may see of the walk's findings."""
    pdf = ReportPDF(_("Compte rendu — %(title)s", title=walk.title))
    pdf.add_page()
    findings = numbered_findings(walk, viewer)
    _facts(pdf, walk, findings)
    _participation(pdf, walk)
    if walk.summary:
        pdf.heading(_("Synthèse"))
        pdf.para(walk.summary)
    _plan(pdf, walk, viewer)
    _findings(pdf, walk, viewer, findings)
    _night_grid(pdf, walk)
    _rechecks(pdf, walk, viewer)
    return bytes(pdf.output())


def _facts(pdf, walk, findings):
    pdf.set_font("helvetica", "B", 16)
    pdf.multi_cell(0, 8, pdf_text(_("Compte rendu — %(title)s", title=walk.title)),
                   new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)
    hours = f"{walk.start_time:%H:%M}" + (f"–{walk.end_time:%H:%M}" if walk.end_time else "")
    pdf.para(f"{walk.type_label} · {format_date(walk.date, 'full')} · {hours}")
    pdf.para(_("Secteur : %(sector)s · Rendez-vous : %(place)s", sector=walk.sector,
               place=walk.meeting_point))
    if walk.organisations:
        pdf.para(_("Organismes invités : %(names)s",
                   names=", ".join(o.name for o in walk.organisations)))
    strong = sum(1 for _number, finding in findings if finding.strong_point)
    counts = [ngettext("%(num)d arrêt", "%(num)d arrêts", len(walk.stops))]
    if not findings:
        counts.append(_("aucun constat"))
    elif strong:
        counts.append(ngettext("%(num)d constat", "%(num)d constats", len(findings)) + " "
                      + ngettext("dont %(num)d point fort", "dont %(num)d points forts", strong))
    else:
        counts.append(ngettext("%(num)d constat", "%(num)d constats", len(findings)))
    people = sum(sum(c.values()) for c in (walk.participation or {}).values())
    if people:
        counts.append(ngettext("%(num)d participant·e", "%(num)d participant·es", people))
    pdf.para(" · ".join(counts), style="B")


def _participation(pdf, walk):
    if not walk.participation:
        return
    pdf.heading(_("Participation"))
    widths = (58, 30, 30, 42, 20)
    with pdf.table(col_widths=widths, width=sum(widths), align="LEFT", line_height=LINE + 1,
                   headings_style=HEADER, text_align=("LEFT", "RIGHT", "RIGHT", "RIGHT",
                                                      "RIGHT")) as table:
        table.row([pdf_text(v) for v in (_("Collège"), *GENDERS.values(), _("Total"))])
        totals = dict.fromkeys(GENDERS, 0)
        for college, label in COLLEGES.items():
            counts = walk.participation.get(college, {})
            for gender in GENDERS:
                totals[gender] += counts.get(gender, 0)
            table.row([pdf_text(label)] + [str(counts.get(g, 0)) for g in GENDERS]
                      + [str(sum(counts.values()))])
        table.row([pdf_text(_("Ensemble"))] + [str(totals[g]) for g in GENDERS]
                  + [str(sum(totals.values()))], style=FontFace(emphasis="BOLD"))


def _plan(pdf, walk, viewer):
    svg = map_svg(walk, viewer, titled=False)
    ratio = float(svg.split('height="', 1)[1].split('"', 1)[0]) / MAP_WIDTH
    legend = 3 * LINE + 4
    pdf.heading(_("Plan"))
    height = min(pdf.epw * ratio, pdf.room() - legend)
    if height < MIN_PLAN_HEIGHT and pdf.epw * ratio > height:
        pdf.add_page()
        height = min(pdf.epw * ratio, pdf.room() - legend)
    width = height / ratio
    pdf.image(io.BytesIO(svg.encode()), x=pdf.l_margin + (pdf.epw - width) / 2, w=width,
              h=height, alt_text=pdf_text(_("Plan de la marche : périmètre du quartier, tracé, "
                                             "arrêts (lettres) et constats (numéros).")))
    pdf.ln(2)
    _legend(pdf)


def _legend(pdf):
    """The plan's symbols, drawn as on the plan: stops by letter, findings by number."""
    pdf.set_font("helvetica", size=9)
    entries = (("stop", _("Arrêt, par lettre (A, B, C…)")),
               ("weak", _("Constat, point faible : carré numéroté")),
               ("strong", _("Constat, point fort : losange numéroté")))
    for kind, label in entries:
        x, y = pdf.l_margin + 3, pdf.get_y() + LINE / 2
        if kind == "stop":
            pdf.set_fill_color(106, 27, 154)
            pdf.circle(x, y, 2.2, style="F")
        elif kind == "weak":
            pdf.set_fill_color(183, 28, 28)
            pdf.rect(x - 2, y - 2, 4, 4, style="F")
        else:
            pdf.set_fill_color(27, 94, 32)
            pdf.polygon([(x, y - 2.6), (x + 2.6, y), (x, y + 2.6), (x - 2.6, y)], style="F")
        pdf.set_x(pdf.l_margin + 8)
        pdf.cell(0, LINE, pdf_text(label), new_x="LMARGIN", new_y="NEXT")
    pdf.set_fill_color(255, 255, 255)
    pdf.set_font("helvetica", size=10)


def public_photos(item):
    """Only what the public may see goes into the document: published photos of a public
    item (masked before publication, their originals deleted)."""
    return [photo for photo in item.photos
            if item.is_public and photo.visibility == Visibility.PUBLIC]


def _thumbnails(photos):
    """[(path, height in mm)] of the photos' thumbnails at THUMB_WIDTH."""
    folder = Path(current_app.config["UPLOAD_DIR"])
    found = []
    for photo in photos:
        path = folder / photo.thumbnail_name
        with Image.open(path) as image:
            found.append((path, THUMB_WIDTH * image.height / image.width))
    return found


def _findings(pdf, walk, viewer, findings):
    pdf.heading(_("Constats par arrêt"))
    if not findings:
        pdf.para(_("Aucun constat."))
        return
    rows = {row["numero"]: row for row in report_rows(walk, viewer)}
    current_stop = object()
    for number, finding in findings:
        row, item = rows[number], finding.item
        details = [_("Statut : %(s)s", s=row["statut"]),
                   _("Transmis à : %(org)s", org=row["transmis_a"])]
        if row["gravite"]:
            details.append(_("Gravité : %(g)s", g=row["gravite"]))
        if item.danger:
            details.append(_("Danger immédiat"))
        if finding.late:
            details.append(_("Envoyé après la marche"))
        texts = [(f"{number}. {row['categorie']} ({row['point']}) — {row['reference']}", "B"),
                 (row["description"] or "-", ""), (" · ".join(details), "I")]
        if finding.recommendation:
            texts.append((_("Préconisation : %(text)s", text=finding.recommendation), ""))
        thumbnails = _thumbnails(public_photos(item))
        width = pdf.epw - (THUMB_WIDTH + 4 if thumbnails else 0)
        height = max(sum(pdf.text_height(t, width, s) for t, s in texts),
                     sum(h + 2 for _p, h in thumbnails)) + 3
        new_stop = finding.stop is not current_stop
        pdf.keep(height + (12 if new_stop else 0))  # the block whole, with its stop's name
        if new_stop:
            current_stop = finding.stop
            pdf.set_font("helvetica", "B", 11)
            pdf.cell(0, 7, pdf_text(f"{stop_label(current_stop)}. {current_stop.name}"
                                    if current_stop else _("Sans arrêt")),
                     new_x="LMARGIN", new_y="NEXT")
        top = pdf.get_y()
        for path, _height in thumbnails:
            pdf.image(str(path), x=pdf.l_margin + pdf.epw - THUMB_WIDTH, w=THUMB_WIDTH,
                      alt_text=pdf_text(_("Photo du constat %(n)d", n=number)))
            pdf.set_y(pdf.get_y() + 2)
        bottom = pdf.get_y()
        pdf.set_y(top)
        for text, style in texts:
            pdf.para(text, width, style)
        pdf.set_y(max(pdf.get_y(), bottom) + 3)


def _night_grid(pdf, walk):
    comparison = grid_comparison(walk)
    if not comparison:
        return
    graded = [stop for stop in walk.stops if stop.grid is not None]
    compared = comparison[0][3] is not None
    # The section stays whole when a page can hold it: heading, table, scale and stops.
    pdf.keep(KEEP_WITH_NEXT + 3 * LINE + (len(RATINGS) + 1) * 6 + 10 + len(graded) * LINE)
    pdf.heading(_("Grille de sécurité de nuit"))
    pdf.para(_("Notes de 0 (très mauvais) à 3 (très bon) par arrêt, moyenne de la marche et "
               "comparaison avec la marche précédente du secteur."))
    if compared:
        pdf.para(_("Marche précédente : %(title)s, %(date)s.", title=walk.previous_walk.title,
                   date=format_date(walk.previous_walk.date, "long")))
    else:
        pdf.para(_("Première marche notée sur ce secteur : pas de comparaison."))
    means = {name: (now, before) for name, _label, now, before in comparison}
    chunks = [graded[i:i + STOPS_PER_TABLE] for i in range(0, len(graded), STOPS_PER_TABLE)]
    for index, stops in enumerate(chunks):
        last = index == len(chunks) - 1
        extra = ((_("Moyenne"),) + ((_("Précédente"), _("Évolution")) if compared else ())
                 if last else ())
        fixed = 52
        stop_width = min(14, int((pdf.epw - fixed - 22 * len(extra)) / len(stops)))
        widths = (fixed,) + (stop_width,) * len(stops) + (22,) * len(extra)
        pdf.keep((len(RATINGS) + 1) * 6)
        with pdf.table(col_widths=widths, width=sum(widths), align="LEFT", line_height=6,
                       headings_style=HEADER, text_align="CENTER") as table:
            table.row([pdf_text(_("Critère"))] + [stop_label(s) for s in stops]
                      + [pdf_text(e) for e in extra])
            for name, label in RATINGS.items():
                row = table.row()
                row.cell(pdf_text(label), align="LEFT")
                for stop in stops:
                    score = getattr(stop.grid, name)
                    row.cell(str(score), style=score_style(score))
                if last:
                    now, before = means[name]
                    row.cell(decimal(now), style=score_style(now))
                    if compared:
                        row.cell(decimal(before))
                        row.cell(pdf_text(change(now, before)))
    pdf.ln(2)
    _scale(pdf)
    for stop in graded:
        pdf.para(_("%(stop)s — éclairage : %(state)s", stop=f"{stop_label(stop)}. {stop.name}",
                   state=LIGHTING[stop.grid.lighting_state].lower()))


def _scale(pdf):
    """The grey scale of the grid's cells, each shade with its number and meaning."""
    words = (_("très mauvais"), _("mauvais"), _("correct"), _("très bon"))
    pdf.set_font("helvetica", size=9)
    pdf.cell(18, 6, pdf_text(_("Échelle :")))
    for score, word in enumerate(words):
        style = score_style(score)
        pdf.set_fill_color(*style.fill_color.colors255)
        pdf.set_text_color(*style.color.colors255)
        pdf.set_font("helvetica", "B", 9)
        pdf.cell(7, 6, str(score), border=1, align="C", fill=True)
        pdf.set_text_color(0, 0, 0)
        pdf.set_font("helvetica", size=9)
        pdf.cell(26, 6, pdf_text(f" {word}"))
    pdf.ln(8)
    pdf.set_fill_color(255, 255, 255)
    pdf.set_font("helvetica", size=10)


def _rechecks(pdf, walk, viewer):
    checks = rechecks_of(walk, viewer)
    if not checks:
        return
    pdf.heading(_("Contre-visite des constats antérieurs"))
    for check in checks:
        pdf.para(f"{check.item.reference} — {CATEGORIES[check.item.category].label} : "
                 f"{check.outcome_label}" + (f" — {check.note}" if check.note else ""))
