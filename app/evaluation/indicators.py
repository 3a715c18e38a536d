"""The contract's indicators for a period: réalisation, résultat, impact (DOMAIN.md,
"Evaluation"), each with its definition, its formula in words and what it rests on.

Items count when they were received in the period and are read in their state of today;
walks and meetings count when they were held in the period. An indicator the data cannot
give says why (`missing`); none is estimated.
"""

from dataclasses import dataclass, field, replace

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.auth.models import Organisation
from app.committee import delays, hotspots, walk_followup
from app.committee.filters import EVERY, Filters, clauses
from app.committee.models import Meeting
from app.extensions import db
from app.items.models import Item
from app.proposals.models import Proposal
from app.walks.models import COLLEGES, WALK_TYPE_LABELS, Walk, WalkFinding, WalkStatus

from .counts import item_counts
from .participation import participation_totals

FAMILIES = {
    "realisation": _l("Réalisation"),
    "resultat": _l("Résultat"),
    "impact": _l("Impact"),
}
UNITS = {"count": "", "share": "%", "days": _l("jours ouvrés"), "score": _l("points (0 à 3)")}


@dataclass
class Indicator:
    code: str
    family: str
    label: str
    definition: str
    formula: str
    unit: str  # a key of UNITS
    value: float | None = None
    basis: int | None = None  # how many items, walks or meetings it rests on
    basis_label: str = ""
    missing: str | None = None  # why the data cannot give it
    details: dict = field(default_factory=dict)  # named secondary figures
    breakdown: list = field(default_factory=list)  # [{"label", "value", "basis"}]

    def as_json(self):
        return {"code": self.code, "family": self.family, "label": str(self.label),
                "definition": str(self.definition), "formula": str(self.formula),
                "unit": self.unit, "value": self.value, "basis": self.basis,
                "basis_label": str(self.basis_label), "computable": self.missing is None,
                "missing": str(self.missing) if self.missing else None,
                "details": self.details,
                "breakdown": [{**row, "label": str(row["label"])} for row in self.breakdown]}


def _share(part, whole):
    return round(part / whole, 4) if whole else None


def _held(period):
    return [Walk.status == WalkStatus.CLOSED.value, Walk.date.between(period.start, period.end)]


def realisation(period, counts, walks):
    by_type = {code: sum(1 for w in walks if w.type == code) for code in WALK_TYPE_LABELS}
    stops = sum(len(w.stops) for w in walks)
    people = participation_totals(walks)
    findings = db.session.execute(
        select(WalkFinding.strong_point, func.count()).join(Walk)
        .where(*_held(period)).group_by(WalkFinding.strong_point)).all()
    findings = dict(findings)
    meetings = db.session.scalar(select(func.count(Meeting.id)).where(
        Meeting.held_on.between(period.start, period.end)))
    received, reviewed = counts["received"], counts["reviewed"]
    in_committee, proposals = counts["in_committee"], counts["proposals"]
    return [
        Indicator("walks_held", "realisation", _l("Marches tenues"),
                  _l("Diagnostics en marchant tenus (terminés) dans la période, par type."),
                  _l("Nombre de marches terminées dont la date est dans la période."),
                  "count", len(walks), len(walks), _l("marches"),
                  breakdown=[{"label": WALK_TYPE_LABELS[t], "value": n, "basis": n}
                             for t, n in by_type.items()]),
        Indicator("stops", "realisation", _l("Arrêts parcourus"),
                  _l("Arrêts des marches tenues dans la période."),
                  _l("Somme des arrêts de ces marches."), "count", stops, len(walks),
                  _l("marches")),
        Indicator("participants", "realisation", _l("Participants aux marches"),
                  _l("Personnes comptées aux marches tenues (par collège et genre, jamais "
                     "nommées)."),
                  _l("Somme des effectifs saisis ; les marches sans effectifs ne comptent "
                     "pas."), "count", people.total if people.walks else None, people.walks,
                  _l("marches avec effectifs"),
                  missing=None if people.walks else _l("Aucune marche de la période n'a "
                                                       "enregistré sa participation."),
                  details={"walks_without_counts": len(walks) - people.walks},
                  breakdown=[{"label": label, "value": people.by_college[code],
                              "basis": people.walks}
                             for code, label in COLLEGES.items()] if people.walks else []),
        Indicator("findings", "realisation", _l("Constats de marche"),
                  _l("Constats relevés pendant les marches tenues dans la période."),
                  _l("Nombre de constats rattachés à ces marches (points faibles et points "
                     "forts)."), "count", sum(findings.values()), len(walks), _l("marches"),
                  details={"weak_points": findings.get(False, 0),
                           "strong_points": findings.get(True, 0)}),
        Indicator("committee_meetings", "realisation", _l("Réunions du comité technique"),
                  _l("Réunions du comité technique GUSP tenues dans la période."),
                  _l("Nombre de réunions dont la date est dans la période."), "count",
                  meetings, meetings, _l("réunions")),
        Indicator("items_reviewed", "realisation", _l("Part des signalements examinés"),
                  _l("Signalements, constats et propositions reçus dans la période que la "
                     "coordination a examinés (transmis, rejetés ou reconnus doublons)."),
                  _l("Reçus qui ne sont plus « nouveaux » ÷ reçus."), "share",
                  _share(reviewed, received), received, _l("signalements reçus"),
                  missing=None if received else _l("Aucun signalement reçu dans la période."),
                  details={"reviewed": reviewed}),
        Indicator("items_in_committee", "realisation", _l("Signalements passés en comité"),
                  _l("Signalements reçus dans la période sur lesquels le comité a pris une "
                     "décision."), _l("Nombre de ces signalements ayant une décision du "
                                      "comité."), "count", in_committee, received,
                  _l("signalements reçus")),
        Indicator("proposals_received", "realisation", _l("Propositions reçues"),
                  _l("Propositions de la table de quartier et des habitants reçues dans la "
                     "période."), _l("Nombre de propositions reçues."), "count", proposals,
                  proposals, _l("propositions")),
    ]


def _delay_indicator(code, label, what, measured, by_organisation, names):
    overall = measured
    return Indicator(
        code, "resultat", label,
        _l("En jours ouvrés (sans week-ends ni jours fériés), de la transmission à "
           "l'organisme jusqu'à %(what)s, pour les signalements et constats reçus dans la "
           "période (les propositions ont leur propre délai de réponse).",
           what=what),
        _l("Médiane des délais mesurés (la moyenne est donnée à côté) ; les signalements "
           "encore en attente ne comptent pas."), "days", overall.median, overall.count,
        _l("signalements mesurés"),
        missing=None if overall.count else _l("Aucun délai mesurable dans la période."),
        details={"mean": overall.mean, "median": overall.median, "waiting": overall.waiting},
        breakdown=[{"label": names.get(key) or "—", "value": pair.median, "mean": pair.mean,
                    "basis": pair.count} for key, pair in by_organisation])


def resultat(filters, viewer, item_where, counts, names, found):
    total, resolved = counts["reports"], counts["resolved"]
    rows = delays.delay_rows(filters, viewer, Item.organisation_id,
                             where=(Item.kind != "proposal",))
    acknowledge, resolve = delays.overall(rows)
    by_organisation = delays.summarise(rows, lambda values: values[0])
    ever_resolved, reopened = counts["ever_resolved"], counts["reopened"]
    routed, rerouted = counts["routed"], counts["rerouted"]
    fixed, checked = walk_followup.confirmed_share(walk_followup.walk_followups(
        replace(filters, state=EVERY), viewer))
    proposals = counts["proposals"]
    answered = db.session.execute(
        select(Proposal.answered_at, Item.created_at).join(Item)
        .where(*item_where, Proposal.answer.is_not(None))).all()
    days = [(a - c).total_seconds() / 86400 for a, c in answered]
    return [
        Indicator("share_resolved", "resultat", _l("Part des signalements résolus"),
                  _l("Signalements et constats reçus dans la période (hors rejets et "
                     "doublons) qui sont aujourd'hui résolus ou vérifiés."),
                  _l("Résolus ou vérifiés ÷ reçus (hors rejets, doublons et propositions)."),
                  "share", _share(resolved, total), total, _l("signalements"),
                  missing=None if total else _l("Aucun signalement reçu dans la période."),
                  details={"resolved": resolved}),
        _delay_indicator("time_to_acknowledge", _l("Délai de prise en compte"),
                         _l("sa première réponse (prise en compte, intervention prévue ou "
                            "résolution)"), acknowledge,
                         [(k, pair[0]) for k, pair in by_organisation.items()], names),
        _delay_indicator("time_to_resolve", _l("Délai de résolution"),
                         _l("sa première résolution"), resolve,
                         [(k, pair[1]) for k, pair in by_organisation.items()], names),
        Indicator("confirmed_next_walk", "resultat",
                  _l("Part des constats confirmés réparés à la marche suivante"),
                  _l("Points faibles des marches tenues dans la période que la marche "
                     "suivante sur le même secteur a trouvés résolus."),
                  _l("Constats revus « résolu » à la marche suivante ÷ points faibles des "
                     "marches qui ont déjà eu leur marche suivante."), "share",
                  _share(fixed, checked), checked, _l("constats"),
                  missing=None if checked else _l(
                      "Aucune marche de la période n'a encore eu de marche suivante sur son "
                      "secteur."), details={"fixed": fixed}),
        Indicator("reopened_share", "resultat", _l("Résolutions qui n'ont pas tenu"),
                  _l("Signalements reçus dans la période, résolus au moins une fois, puis "
                     "rouverts (récurrence)."),
                  _l("Rouverts au moins une fois ÷ résolus au moins une fois."), "share",
                  _share(reopened, ever_resolved), ever_resolved, _l("signalements résolus"),
                  missing=None if ever_resolved else _l(
                      "Aucun signalement de la période n'a encore été résolu."),
                  details={"reopened": reopened}),
        Indicator("recurring_hotspots", "resultat", _l("Points récurrents"),
                  _l("Lieux où au moins %(n)d signalements d'une même catégorie sont à moins "
                     "de %(m)d m d'un même signalement, sur les 12 mois qui finissent avec la "
                     "période.", n=hotspots.MINIMUM_ITEMS, m=hotspots.RADIUS_M),
                  _l("Nombre de regroupements (distances en Lambert-93)."), "count",
                  len(found), sum(h.count for h in found), _l("signalements regroupés")),
        Indicator("rerouted_share", "resultat", _l("Part des signalements réorientés"),
                  _l("Signalements reçus dans la période transmis plus d'une fois (renvoyés "
                     "ou réorientés)."), _l("Transmis au moins deux fois ÷ transmis."),
                  "share", _share(rerouted, routed), routed, _l("signalements transmis"),
                  missing=None if routed else _l("Aucun signalement transmis."),
                  details={"rerouted": rerouted}),
        Indicator("proposals_answered", "resultat",
                  _l("Part des propositions ayant reçu une réponse motivée"),
                  _l("Propositions reçues dans la période auxquelles l'organisme a répondu "
                     "(acceptée, en partie, refusée) avec ses raisons."),
                  _l("Propositions avec réponse ÷ propositions reçues ; délai moyen en jours "
                     "calendaires."), "share", _share(len(answered), proposals), proposals,
                  _l("propositions"),
                  missing=None if proposals else _l("Aucune proposition reçue."),
                  details={"answered": len(answered), "mean_days_to_answer": round(
                      sum(days) / len(days), 1) if days else None}),
    ]


def impact(period, walks, found):
    safety = walk_followup.night_safety(period)
    changes = [s.change for s in safety if s.change is not None]
    persistent = [h for h in found if h.persistent]
    people = participation_totals(walks)
    women, everyone = people.by_gender["femmes"], people.total
    return [
        Indicator("night_safety_change", "impact",
                  _l("Évolution du sentiment de sécurité la nuit"),
                  _l("Par secteur, écart entre la moyenne de la note « sentiment de sécurité » "
                     "(0 à 3) de la dernière et de la première marche de nuit ou marche "
                     "exploratoire de femmes de la période."),
                  _l("Moyenne des écarts des secteurs qui ont eu au moins deux marches "
                     "notées."), "score",
                  round(sum(changes) / len(changes), 2) if changes else None,
                  sum(s.grids for s in safety), _l("grilles d'arrêt"),
                  missing=None if changes else _l(
                      "Il faut au moins deux marches notées sur un même secteur dans la "
                      "période."),
                  breakdown=[{"label": s.sector, "value": s.change, "basis": s.grids,
                              "walks": [[w.date.isoformat(), mean] for w, mean, _n in s.walks]}
                             for s in safety]),
        Indicator("persistent_hotspots", "impact", _l("Points récurrents persistants"),
                  _l("Points récurrents dont au moins un signalement est encore ouvert."),
                  _l("Nombre de points récurrents ayant un signalement ouvert."), "count",
                  len(persistent), len(found), _l("points récurrents")),
        Indicator("women_participants", "impact", _l("Part des femmes parmi les participants"),
                  _l("Femmes parmi les personnes comptées aux marches tenues dans la "
                     "période."), _l("Femmes ÷ personnes comptées."), "share",
                  _share(women, everyone), everyone, _l("personnes comptées"),
                  missing=None if everyone else _l("Aucune participation enregistrée.")),
        Indicator("new_participants", "impact", _l("Nouveaux participants"),
                  _l("Personnes qui participent pour la première fois."), _l("—"), "count",
                  missing=_l("La participation est comptée par collège et genre, jamais "
                             "nominativement : on ne peut pas distinguer une nouvelle personne "
                             "d'une personne déjà venue.")),
        Indicator("young_participants", "impact", _l("Part des jeunes parmi les participants"),
                  _l("Personnes de moins de 25 ans parmi les participants."), _l("—"),
                  "share", missing=_l("L'âge des participants n'est pas recueilli.")),
    ]


def compute_indicators(period, viewer, organisation=None):
    """Every indicator for `period` (a Period), as `viewer` may see the items (an agent: its
    organisation's), narrowed to `organisation` if given."""
    filters = Filters(period=period, organisation=organisation, state=EVERY,
                      today=period.end)
    item_where = clauses(filters, viewer)
    counts = item_counts(item_where)
    names = dict(db.session.execute(select(Organisation.id, Organisation.name)).all())
    walks = db.session.scalars(select(Walk).where(*_held(period))).all()
    found = hotspots.recurring_hotspots(filters, viewer)
    return (realisation(period, counts, walks)
            + resultat(filters, viewer, item_where, counts, names, found)
            + impact(period, walks, found))
