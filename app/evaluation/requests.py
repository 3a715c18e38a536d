"""What an indicator request asks for: a period (required) and maybe an organisation."""

from flask_babel import gettext as _

from app.committee.filters import read_filters
from app.errors import InvalidInput


def read_indicator_request(args, viewer):
    """(Period, Organisation or None) from `from`, `to` and `organisation`; the same checks
    and messages as the follow-up's filters (InvalidInput 422, NotAllowed 403 for an agent
    asking for another organisation). The period is required."""
    if not (args.get("from") or "").strip() and not (args.get("to") or "").strip():
        raise InvalidInput({"from": _("Indiquez le début et la fin de la période.")})
    filters = read_filters({key: args.get(key) for key in ("from", "to", "organisation")},
                           viewer)
    return filters.period, filters.organisation
