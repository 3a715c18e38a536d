"""Labels and dates shown on every row of a long list, worked out once per page: a list of
fifty items otherwise asks the translations and the calendar of the reader's language the
same questions fifty times over.

Templates reach it as `shown` (a fresh one per rendering, doing nothing until asked):
`shown.categories[code]`, `shown.statuses[code]`, `shown.dates.short(moment)`, ... The
dates read exactly as Flask-Babel's `datetimeformat` and `dateformat` filters write them,
in the reader's language and time zone, from patterns parsed once.
"""

from datetime import UTC
from functools import cached_property

from babel import dates
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

    def short_date(self, value):
        """A date as dateformat('short') writes it; "—" for none."""
        return self._date.apply(value, self.locale) if value else "—"

    def short(self, moment):
        """A naive UTC datetime as datetimeformat('short') writes it."""
        local = self._local(moment)
        return (self._joined.replace("{0}", self._time.apply(local, self.locale))
                .replace("{1}", self._date.apply(local, self.locale)))

    def pattern(self, moment, pattern):
        """A naive UTC datetime as datetimeformat(pattern) writes it (e.g. 'd MMM yyyy')."""
        return dates.parse_pattern(pattern).apply(self._local(moment), self.locale)

    def _local(self, moment):
        return moment.replace(tzinfo=UTC).astimezone(self.zone)


class Shown:
    """What the rows of a page show, each part worked out on first use."""

    @cached_property
    def categories(self):
        return TranslatedOnce(CATEGORIES, "label")

    @cached_property
    def statuses(self):
        return TranslatedOnce(STATUS_LABELS)

    @cached_property
    def dates(self):
        return Dates()
