"""What the rows of a long list show, worked out once per page (app/display.py), reads as
Flask's and Flask-Babel's helpers write it, row after row."""

from datetime import date, datetime

import pytest
from flask import url_for
from flask_babel import force_locale, format_date, format_datetime

from app.display import Shown


@pytest.mark.parametrize("endpoint", ["items.show", "triage.item"])
def test_the_addresses_of_a_page_rows_are_those_url_for_writes(app, endpoint):
    with app.test_request_context("/"):
        addresses = Shown().addresses(endpoint)
        for item_id in (1, 42, 918273645, 10**7):
            assert addresses[item_id] == url_for(endpoint, item_id=item_id)


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_the_days_and_dates_of_a_page_rows_are_those_babel_writes(app, locale):
    # 23:30 UTC is already the next day in Paris, in winter and in summer.
    moments = [datetime(2026, 1, 31, 23, 30), datetime(2026, 7, 14, 22, 30),
               datetime(2026, 7, 14, 12, 0), datetime(2026, 1, 31, 23, 30)]
    days = [date(2026, 2, 28), None, date(2026, 2, 28), date(2027, 1, 1)]
    with app.test_request_context("/"), force_locale(locale):
        dates = Shown().dates
        assert [dates.day(m, "d MMM yyyy") for m in moments] == [
            format_datetime(m, "d MMM yyyy") for m in moments]
        assert [dates.short_date(d) for d in days] == [
            format_date(d, "short") if d else "—" for d in days]
