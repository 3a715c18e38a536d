"""Time in one place: naive UTC in the database, Europe/Paris only when shown."""

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")


def utcnow():
    return datetime.now(UTC).replace(tzinfo=None)


def paris_today():
    return datetime.now(PARIS).date()


def paris_date(moment):
    """The calendar day in Paris of a naive UTC datetime from the database."""
    return moment.replace(tzinfo=UTC).astimezone(PARIS).date()


def paris_midnight_utc(day):
    """Midnight in Paris at the start of `day`, as a naive UTC datetime (how moments are
    stored), so that a period of Paris days can filter stored moments."""
    return datetime.combine(day, time(0), tzinfo=PARIS).astimezone(UTC).replace(tzinfo=None)
