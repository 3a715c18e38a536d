"""The minutes of a committee meeting: its decisions as rows (page, PDF, CSV) and the
follow-ups they leave for the next meeting."""

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.items.categories import CATEGORIES
from app.items.status import STATUS_LABELS, Status
from app.pdf import ReportPDF

from .models import REASONS

# The decisions' columns: (key of decision_rows, heading).
CSV_COLUMNS = (
    ("point", _l("Point")), ("objet", _l("Objet")), ("motifs", _l("Motifs")),
    ("etat_a_la_preparation", _l("État à la préparation")),
    ("etat_apres_decision", _l("État après la décision")), ("qui_agit", _l("Qui agit")),
    ("echeance", _l("D'ici le")), ("decision", _l("Décision")),
    ("etat_change_depuis_la_preparation", _l("État changé depuis la préparation")),
    ("decide_par", _l("Décidé par")), ("decide_le", _l("Décidé le")),
)


def point_subject(point):
    """How a point is named: the item's number and category, or its title."""
    if point.item is not None:
        return f"{point.item.reference} — {CATEGORIES[point.item.category].label}"
    return point.title or str(REASONS[point.reasons[0]])


def concerns(point, organisation):
    """Does the point concern `organisation` (an agent reads only those)?"""
    decision = point.decision
    return organisation is None or (decision is not None and decision.organisation_id
                                    == organisation.id) or (
        point.item is not None and point.item.organisation_id == organisation.id)


def decided_points(meeting, organisation=None):
    """The points with a decision, in agenda order (those of `organisation` only)."""
    return [p for p in meeting.points if p.decision is not None and concerns(p, organisation)]


def follow_ups(meeting, organisation=None):
    """Decisions that name who acts or a date: what the next meeting checks."""
    return [p for p in decided_points(meeting, organisation)
            if p.decision.organisation_id or p.decision.due_on]


def _state(status, organisation_name):
    label = str(STATUS_LABELS[Status(status)]) if status else ""
    return f"{label} ({organisation_name})" if organisation_name else label


def decision_rows(meeting, organisation=None):
    """One dict per decision, keys of CSV_COLUMNS; dates and booleans stay values (the CSV
    dialect writes them)."""
    rows = []
    for point in decided_points(meeting, organisation):
        decision, item = point.decision, point.item
        after = decision.item_event.to_status if decision.item_event else None
        rows.append({
            "point": point.position,
            "objet": point_subject(point),
            "motifs": ", ".join(str(REASONS[r]) for r in point.reasons),
            "etat_a_la_preparation": _state(point.seen_status, point.seen_organisation.name
                                            if point.seen_organisation else ""),
            "etat_apres_decision": _state(after, item.organisation.name
                                          if item is not None and item.organisation else ""),
            "qui_agit": decision.organisation.name if decision.organisation else "",
            "echeance": decision.due_on,
            "decision": decision.note,
            "etat_change_depuis_la_preparation": decision.moved,
            "decide_par": decision.decided_by_label,
            "decide_le": decision.decided_at,
        })
    return rows


def _day(value):
    return format_date(value, "dd/MM/yyyy") if value else "—"


def minutes_pdf(meeting, organisation=None):
    """The minutes as PDF bytes: meeting, attendees, notes, each decision, follow-ups."""
    title = _("Comité technique GUSP du %(date)s", date=format_date(meeting.held_on, "long"))
    pdf = ReportPDF(title)
    pdf.add_page()
    pdf.heading(title, 16)
    pdf.para(_("%(time)s, %(place)s", time=f"{meeting.starts_at:%H:%M}", place=meeting.place))
    if not meeting.is_closed:
        pdf.para(_("Projet : le compte rendu n'est pas encore clos."))
    if organisation is not None:
        pdf.para(_("Extrait : les points qui concernent %(org)s.", org=organisation.name))
    if meeting.attendees:
        pdf.heading(_("Présents"))
        pdf.para(meeting.attendees)
    if meeting.notes:
        pdf.heading(_("Relevé des échanges"))
        pdf.para(meeting.notes)
    pdf.heading(_("Décisions"))
    rows = decision_rows(meeting, organisation)
    if not rows:
        pdf.para(_("Aucune décision enregistrée."))
    for row in rows:
        pdf.para(f"{row['point']}. {row['objet']}", style="B")
        pdf.para(_("Motifs : %(m)s", m=row["motifs"]))
        details = [_("Qui agit : %(org)s", org=row["qui_agit"] or "—"),
                   _("D'ici le : %(date)s", date=_day(row["echeance"]))]
        pdf.para(" · ".join(details))
        if row["decision"]:
            pdf.para(_("Décision : %(text)s", text=row["decision"]))
        pdf.para(_("État à la préparation : %(before)s ; après la décision : %(after)s",
                   before=row["etat_a_la_preparation"] or "—",
                   after=row["etat_apres_decision"] or "—"))
        if row["etat_change_depuis_la_preparation"]:
            pdf.para(_("L'état avait changé depuis la préparation de l'ordre du jour."))
    pdf.heading(_("Suites à donner"))
    for point in follow_ups(meeting, organisation):
        decision = point.decision
        pdf.para("· " + _("%(subject)s : %(org)s, d'ici le %(date)s",
                          subject=point_subject(point),
                          org=decision.organisation.name if decision.organisation else "—",
                          date=_day(decision.due_on)))
    return bytes(pdf.output())
