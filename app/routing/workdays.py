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


def working_days_between(start, end):
    """How many working days lie after `start` up to and including `end` (dates); 0 when
    `end` is not after `start`. The inverse of add_working_days."""
    if end <= start:
        return 0
    weeks, rest = divmod((end - start).days, 7)
    count = weeks * 5 + sum(1 for n in range(1, rest + 1) if (start.weekday() + n) % 7 < 5)
    holidays = sum(1 for year in range(start.year, end.year + 1)
                   for day in public_holidays(year)
                   if start < day <= end and day.weekday() < 5)
    return count - holidays
