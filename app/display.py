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


class TranslatedOnce(dict):
    """{code: label} read from `labels` (lazy translations, or objects whose `attribute`
    is one), each translated the first time a row asks for it."""

    def __init__(self, labels, attribute=None):
        super().__init__()
        self._labels, self._attribute = labels, attribute

    def __missing__(self, code):
        label = self._labels[code]
        text = str(getattr(label, self._attribute) if self._attribute else label)
        self[code] = text
        return text


class Dates:
    """Dates and moments in the reader's language and time zone."""

    def __init__(self):
        self.locale, self.zone = get_locale(), get_timezone()
        self._date = dates.get_date_format("short", locale=self.locale)
        self._time = dates.get_time_format("short", locale=self.locale)
        self._joined = dates.get_datetime_format("short", locale=self.locale).replace("'", "")
        self._written = {}

    def short_date(self, value):
        """A date as dateformat('short') writes it; "—" for none. Each date is written once
        per page (a queue's rows share their due dates)."""
        if not value:
            return "—"
        if (value, None) not in self._written:
            self._written[value, None] = self._date.apply(value, self.locale)
        return self._written[value, None]

    def short(self, moment):
        """A naive UTC datetime as datetimeformat('short') writes it."""
        local = self._local(moment)
        return (self._joined.replace("{0}", self._time.apply(local, self.locale))
                .replace("{1}", self._date.apply(local, self.locale)))

    def day(self, moment, pattern):
        """The day of a naive UTC datetime, in the reader's time zone, as
        datetimeformat(pattern) writes it, for a pattern of the date alone (e.g.
        'd MMM yyyy'): each day is written once per page."""
        day = self._local(moment).date()
        if (day, pattern) not in self._written:
            self._written[day, pattern] = dates.parse_pattern(pattern).apply(day, self.locale)
        return self._written[day, pattern]

    def _local(self, moment):
        return moment.replace(tzinfo=UTC).astimezone(self.zone)


class Addresses(dict):
    """{id: the address of `endpoint` for the item of that id}: url_for once with a
    stand-in id, each address then the id put in its place."""

    STAND_IN = 918273645

    def __init__(self, endpoint):
        super().__init__()
        self._head, _, self._tail = url_for(endpoint, item_id=self.STAND_IN).partition(
            str(self.STAND_IN))

    def __missing__(self, item_id):
        return f"{self._head}{int(item_id)}{self._tail}"


class Shown:
    """What the rows of a page show, each part worked out on first use."""

    @staticmethod
    def addresses(endpoint):
        """Addresses of the item pages at `endpoint` (taking `item_id`), for the rows."""
        return Addresses(endpoint)

    @cached_property
    def categories(self):
        return TranslatedOnce(CATEGORIES, "label")

    @cached_property
    def statuses(self):
        return TranslatedOnce(STATUS_LABELS)

    @cached_property
    def dates(self):
        return Dates()
