"""Time in one place: naive UTC in the database, Europe/Paris only when shown."""

from datetime import UTC, datetime


def utcnow():
    return datetime.now(UTC).replace(tzinfo=None)
