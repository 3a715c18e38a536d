"""Periods of the contract "Engagements Quartiers 2030": checked input and one-click views.

A period is a span of whole days in Paris, both ends included. It cannot start before the
contract (1 January 2024) nor in the future; an end after today is brought back to today,
and the page says so.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.clock import paris_midnight_utc, paris_today
from app.errors import InvalidInput

CONTRACT_START = date(2024, 1, 1)
MID_TERM_END = date(2027, 12, 31)
CONTRACT_END = date(2030, 12, 31)


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # included
    asked_end: date | None = None  # the end asked for, when it was after today

    @property
    def utc_bounds(self):
        """[start, stop) as naive UTC datetimes, to compare with stored moments."""
        return paris_midnight_utc(self.start), paris_midnight_utc(self.end + timedelta(days=1))

    @property
    def label(self):
        return _("du %(start)s au %(end)s", start=format_date(self.start, "long"),
                 end=format_date(self.end, "long"))

    def args(self):
        return {"from": self.start.isoformat(), "to": (self.asked_end or self.end).isoformat()}


def _day(raw, field, errors):
    try:
        return date.fromisoformat(raw)
    except ValueError:
        errors[field] = _("Date attendue au format AAAA-MM-JJ (par exemple 2026-01-31).")
        return None


def read_period(raw_from, raw_to, required=False, today=None):
    """The Period of two ISO dates (None when both are empty and the period is optional).

    Raises InvalidInput with a French message on `from` or `to`: a missing end, a date
    that does not parse, a reversed period, a start before 2024 or in the future.
    """
    today = today or paris_today()
    raw_from, raw_to = (raw_from or "").strip(), (raw_to or "").strip()
    if not raw_from and not raw_to:
        if required:
            raise InvalidInput({"from": _("Indiquez le début et la fin de la période.")})
        return None
    errors = {}
    if not raw_from:
        errors["from"] = _("Indiquez aussi le début de la période.")
    if not raw_to:
        errors["to"] = _("Indiquez aussi la fin de la période.")
    start = _day(raw_from, "from", errors) if raw_from else None
    end = _day(raw_to, "to", errors) if raw_to else None
    if errors:
        raise InvalidInput(errors)
    if end < start:
        raise InvalidInput({"to": _(
            "La période est à l'envers : sa fin (%(end)s) précède son début (%(start)s).",
            end=format_date(end, "long"), start=format_date(start, "long"))})
    if start < CONTRACT_START:
        raise InvalidInput({"from": _(
            "Le contrat de ville court à partir du 1er janvier 2024 : choisissez un début à "
            "partir de cette date.")})
    if start > today:
        raise InvalidInput({"from": _(
            "La période commence après aujourd'hui (%(today)s) : il n'y a pas encore de "
            "données.", today=format_date(today, "long"))})
    if end > today:
        return Period(start, today, asked_end=end)
    return Period(start, end)


PRESET_LABELS = {
    "mid-term": _l("2024–2027 (évaluation à mi-parcours)"),
    "contract": _l("2024–2030 (contrat entier)"),
}


def presets(today=None):
    """[(label, from, to)]: each calendar year of the contract up to this one, the
    mid-term span and the whole contract (ends after today are brought back at reading)."""
    today = today or paris_today()
    years = [(str(year), date(year, 1, 1), date(year, 12, 31))
             for year in range(CONTRACT_START.year, min(today.year, CONTRACT_END.year) + 1)]
    return years + [(PRESET_LABELS["mid-term"], CONTRACT_START, MID_TERM_END),
                    (PRESET_LABELS["contract"], CONTRACT_START, CONTRACT_END)]
