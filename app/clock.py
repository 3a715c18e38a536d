"""Time in one place: naive UTC in the database, Europe/Paris only when shown."""

from datetime import UTC, datetime, time
from functools import lru_cache
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")


def utcnow():
    return datetime.now(UTC).replace(tzinfo=None)


def paris_isoformat(moment):
    """A stored (naive UTC) datetime as ISO 8601 with the Paris offset, or a date as its
    Paris midnight: 2026-03-14T10:05:00+01:00."""
    if moment is None:
        return None
    if not isinstance(moment, datetime):
        return datetime.combine(moment, time(0), PARIS).isoformat(timespec="seconds")
    return moment.replace(tzinfo=UTC).astimezone(PARIS).isoformat(timespec="seconds")


def parse_iso_datetime(text):
    """ISO 8601 text to a naive UTC datetime (a time without offset is Paris time, a bare
    date its Paris midnight); ValueError when it is not a date."""
    moment = datetime.fromisoformat(text.strip())
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=PARIS)
    try:
        return moment.astimezone(UTC).replace(tzinfo=None)
    except OverflowError:  # year 1 or 9999 pushed out of range by the offset
        raise ValueError(text) from None
def paris_today():
    return datetime.now(PARIS).date()


@lru_cache(maxsize=8192)
def _paris_offset(day):
    """Paris's offset from UTC all along a UTC day, or None on a day the clocks change."""
    first = datetime.combine(day, time(0), tzinfo=UTC).astimezone(PARIS).utcoffset()
    last = datetime.combine(day, time(23, 59), tzinfo=UTC).astimezone(PARIS).utcoffset()
    return first if first == last else None


def paris_wall_clock(moment):
    """A naive UTC datetime from the database as the time then shown on a clock in Paris
    (naive), fast: tens of thousands of moments are dated for the delays and written in
    the exports."""
    offset = _paris_offset(moment.date())
    if offset is None:
        return moment.replace(tzinfo=UTC).astimezone(PARIS).replace(tzinfo=None)
    return moment + offset


def paris_date(moment):
    """The calendar day in Paris of a naive UTC datetime from the database."""
    return paris_wall_clock(moment).date()


def paris_midnight_utc(day):
    """Midnight in Paris at the start of `day`, as a naive UTC datetime (how moments are
    stored), so that a period of Paris days can filter stored moments."""
    return datetime.combine(day, time(0), tzinfo=PARIS).astimezone(UTC).replace(tzinfo=None)
