"""Labels and dates shown on every row of a long list, worked out once per page: a list of
fifty items otherwise asks the translations and the calendar of the reader's language the
same questions fifty times over.

The dates read exactly as Flask-Babel's `datetimeformat('short')` and `dateformat('short')`
filters write them (in the reader's language and time zone), from patterns parsed once.
"""

from datetime import UTC

from babel import dates
from flask_babel import get_locale, get_timezone


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


class ShortDates:
    """Short dates and date-times in the reader's language and time zone."""

    def __init__(self):
        self.locale, self.zone = get_locale(), get_timezone()
        self._date = dates.get_date_format("short", locale=self.locale)
        self._time = dates.get_time_format("short", locale=self.locale)
        self._joined = dates.get_datetime_format("short", locale=self.locale).replace("'", "")

    def date(self, value):
        """A date as dateformat('short') writes it; "—" for none."""
        return self._date.apply(value, self.locale) if value else "—"

    def datetime(self, value):
        """A naive UTC datetime as datetimeformat('short') writes it."""
        moment = value.replace(tzinfo=UTC).astimezone(self.zone)
        return (self._joined.replace("{0}", self._time.apply(moment, self.locale))
                .replace("{1}", self._date.apply(moment, self.locale)))
