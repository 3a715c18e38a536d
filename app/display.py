"""Labels and dates shown on every row of a long list, worked out once per page: a list of
fifty items otherwise asks the translations and the calendar of the reader's language the
same questions fifty times over.

Templates reach it as `shown` (a fresh one per rendering, doing nothing until asked):
`shown.categories[code]`, `shown.statuses[code]`, `shown.dates.short(moment)`,
`shown.addresses("items.show")[item_id]`... The dates read exactly as Flask-Babel's
`datetimeformat` and `dateformat` filters write them, in the reader's language and time
zone, from patterns parsed once.
"""

from datetime import UTC
from functools import cached_property

from babel import dates
from flask import url_for
from flask_babel import get_locale, get_timezone

from app.items.categories import CATEGORIES
from app.items.status import STATUS_LABELS
from app.memo import Memo


class Dates:
    """Dates and moments in the reader's language and time zone."""

    def __init__(self):
        self.locale, self.zone = get_locale(), get_timezone()
        self._date = dates.get_date_format("short", locale=self.locale)
        self._time = dates.get_time_format("short", locale=self.locale)
        self._joined = dates.get_datetime_format("short", locale=self.locale).replace("'", "")
        # Each date is written once per page (a queue's rows share their due dates).
        self._short_dates = Memo(lambda value: self._date.apply(value, self.locale))
        self._days = Memo(lambda day_and_pattern: dates.parse_pattern(
            day_and_pattern[1]).apply(day_and_pattern[0], self.locale))

    def short_date(self, value):
        """A date as dateformat('short') writes it; "—" for none."""
        return self._short_dates[value] if value else "—"

    def short(self, moment):
        """A naive UTC datetime as datetimeformat('short') writes it."""
        local = self._local(moment)
        return (self._joined.replace("{0}", self._time.apply(local, self.locale))
                .replace("{1}", self._date.apply(local, self.locale)))

    def day(self, moment, pattern):
        """The day of a naive UTC datetime, in the reader's time zone, as
        datetimeformat(pattern) writes it, for a pattern of the date alone (e.g.
        'd MMM yyyy')."""
        return self._days[self._local(moment).date(), pattern]

    def _local(self, moment):
        return moment.replace(tzinfo=UTC).astimezone(self.zone)


STAND_IN_ID = 918273645


def addresses(endpoint):
    """{id: the address of `endpoint` for the item of that id}: url_for once with a
    stand-in id, each address then the id put in its place."""
    head, _, tail = url_for(endpoint, item_id=STAND_IN_ID).partition(str(STAND_IN_ID))
    return Memo(lambda item_id: f"{head}{int(item_id)}{tail}")


class Shown:
    """What the rows of a page show, each part worked out on first use."""

    @staticmethod
    def addresses(endpoint):
        """Addresses of the item pages at `endpoint` (taking `item_id`), for the rows."""
        return addresses(endpoint)

    @cached_property
    def categories(self):
        return Memo(lambda code: str(CATEGORIES[code].label))

    @cached_property
    def statuses(self):
        return Memo(lambda code: str(STATUS_LABELS[code]))

    @cached_property
    def dates(self):
        return Dates()
