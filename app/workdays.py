"""Working days in France: Monday to Friday, minus the eleven public holidays."""

from datetime import date, timedelta
from functools import cache


def _easter(year):
    """Gregorian Easter Sunday (the anonymous Meeus/Jones/Butcher algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    weekday = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 19 * weekday) // 433
    month = (h + weekday - 7 * m + 90) // 25
    return date(year, month, (h + weekday - 7 * m + 33 * month + 19) % 32)


@cache
def public_holidays(year):
    easter = _easter(year)
    fixed = [(1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25)]
    movable = [easter + timedelta(days=n) for n in (1, 39, 50)]  # Monday, Ascension, Pentecost
    return frozenset([date(year, m, d) for m, d in fixed] + movable)


def is_working_day(day):
    return day.weekday() < 5 and day not in public_holidays(day.year)


def add_working_days(start, days):
    """The date `days` working days after `start` (a date)."""
    day = start
    while days > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            days -= 1
    return day


# Working days are counted from a table of these years' days; outside, day by day.
TABLE_YEARS = (2000, 2100)


@cache
def _running_count():
    """[n]: working days from 1 January of TABLE_YEARS[0] up to and including each day."""
    day, end = date(TABLE_YEARS[0], 1, 1), date(TABLE_YEARS[1], 1, 1)
    counts, count = [], 0
    while day < end:
        count += is_working_day(day)
        counts.append(count)
        day += timedelta(days=1)
    return counts


def working_days_between(start, end):
    """How many working days lie after `start` up to and including `end` (dates); 0 when
    `end` is not after `start`. The inverse of add_working_days."""
    if end <= start:
        return 0
    origin = date(TABLE_YEARS[0], 1, 1).toordinal()
    counts = _running_count()
    first, last = start.toordinal() - origin, end.toordinal() - origin
    if first >= 0 and last < len(counts):
        return counts[last] - counts[first]
    return sum(1 for n in range(1, (end - start).days + 1)
               if is_working_day(start + timedelta(days=n)))
