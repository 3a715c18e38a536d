"""The landlord's yearly TFPB review as a PDF, ready for the steering committee."""

from flask_babel import format_date, format_decimal, format_percent
from flask_babel import gettext as _

from app.items.categories import CATEGORIES
from app.items.status import STATUS_LABELS, Status
from app.pdf import ReportPDF


def _days(delays):
    if not delays.count:
        return _("pas de délai mesurable")
    return _("moyenne %(mean)s, médiane %(median)s jours ouvrés (%(n)d mesurés)",
             mean=format_decimal(delays.mean), median=format_decimal(delays.median),
             n=delays.count)


def tfpb_pdf(year, period, reviews):
    title = _("Bilan TFPB %(year)d — Hauts-de-Bièvre Habitat, quartier du Noyer Doré",
              year=year)
    pdf = ReportPDF(title)
    pdf.add_page()
    pdf.heading(title, 15)
    pdf.para(_("Signalements et constats transmis au bailleur et reçus %(period)s, dans leur "
               "état au %(today)s, classés selon les huit axes du cadre national de "
               "l'abattement de TFPB.", period=period.label,
               today=format_date(period.end, "long")))
    for review in reviews:
        pdf.heading(f"{review.axis or '-'}. {review.label}", 12)
        if not review.items:
            pdf.para(_("Aucun signalement."))
            continue
        pdf.para(_("%(n)d signalement(s), dont %(findings)d constat(s) de marche ; résolus : "
                   "%(share)s.", n=len(review.items), findings=review.findings,
                   share=format_percent(review.share_resolved)))
        pdf.para(_("Prise en compte : %(ack)s. Résolution : %(res)s.",
                   ack=_days(review.delays[0]), res=_days(review.delays[1])))
        for item in review.items:
            pdf.para(f"· {item.reference} — {CATEGORIES[item.category].label} — "
                     f"{STATUS_LABELS[Status(item.status)]}")
    return bytes(pdf.output())
