"""Time in one place: naive UTC in the database, Europe/Paris only when shown."""

from datetime import UTC, datetime, time
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
