from datetime import date, timedelta

import pytest

from app.geo.files import GeodataError
from app.geo.tenure import TenureIndex, checked_polygon, overlaps
from app.workdays import add_working_days, is_working_day, working_days_between


def square(lon, lat, half):
    return {"type": "Polygon", "coordinates": [[
        [lon - half, lat - half], [lon + half, lat - half], [lon + half, lat + half],
        [lon - half, lat + half], [lon - half, lat - half]]]}


def test_outside_every_zone_is_public_land_and_the_smallest_zone_wins():
    index = TenureIndex([("big", square(2.0, 48.0, 0.01)), ("small", square(2.0, 48.0, 0.001))])
    assert index.owner_at(2.0, 48.0) == "small"
    assert index.owner_at(2.005, 48.0) == "big"
    assert index.owner_at(2.5, 48.0) is None


def test_a_point_on_the_edge_belongs_to_the_zone():
    assert TenureIndex([("hbh", square(2.0, 48.0, 0.01))]).owner_at(2.01, 48.0) == "hbh"


@pytest.mark.parametrize(("geometry", "expected"), [
    ({"type": "Point", "coordinates": [2.0, 48.0]}, "Point, pas un polygone"),
    ({"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]},
     "géométrie invalide (Self-intersection"),
    ({"type": "Polygon", "coordinates": []}, "n'a pas de géométrie"),
    ({"type": "Blob"}, "n'est pas une géométrie GeoJSON"),
])
def test_a_bad_geometry_is_refused_naming_the_feature(geometry, expected):
    with pytest.raises(GeodataError) as refused:
        checked_polygon(geometry, "Résidence A")
    message = refused.value.message % refused.value.params
    assert "Résidence A" in message and expected in message


def test_overlaps_are_measured_in_square_metres_and_touching_is_not_overlapping():
    a, b = square(2.0, 48.0, 0.001), square(2.002, 48.0, 0.001)  # touching edges
    c = square(2.0015, 48.0, 0.001)  # overlaps a on a strip 0.0005° wide
    found = overlaps([("a", a), ("b", b), ("c", c)])
    names = {(x, y) for x, y, _area in found}
    assert ("a", "b") not in names and ("a", "c") in names and ("b", "c") in names
    area = next(area for x, y, area in found if (x, y) == ("a", "c"))
    assert 7500 < area < 9000  # 37 m × 222 m at 48° N


def test_working_days_skip_weekends_and_french_public_holidays():
    assert add_working_days(date(2026, 11, 27), 1) == date(2026, 11, 30)  # Fri → Mon
    assert add_working_days(date(2026, 11, 10), 1) == date(2026, 11, 12)  # 11 Nov
    assert not is_working_day(date(2026, 4, 6))  # Easter Monday 2026
    assert not is_working_day(date(2026, 5, 14))  # Ascension 2026
    assert not is_working_day(date(2026, 5, 25))  # Whit Monday 2026
    assert add_working_days(date(2026, 12, 24), 3) == date(2026, 12, 30)


def test_working_days_between_counts_across_a_public_holiday_and_a_weekend():
    # Tue 10 Nov 2026 -> Mon 16 Nov: Wed 11 is Armistice, then Thu, Fri, (weekend), Mon.
    assert working_days_between(date(2026, 11, 10), date(2026, 11, 16)) == 3
    assert working_days_between(date(2026, 11, 10), date(2026, 11, 10)) == 0
    assert working_days_between(date(2026, 11, 16), date(2026, 11, 10)) == 0
    # Across New Year: Thu 24 Dec 2026 -> Mon 4 Jan 2027 (25 Dec and 1 Jan are holidays).
    assert working_days_between(date(2026, 12, 24), date(2027, 1, 4)) == 5


def test_working_days_between_undoes_add_working_days():
    start = date(2024, 1, 1)
    for offset in range(0, 800, 7):
        day = start + timedelta(days=offset)
        for n in (1, 3, 15, 40):
            assert working_days_between(day, add_working_days(day, n)) == n


def test_paris_dates_match_the_time_zone_database_across_clock_changes():
    from datetime import UTC, datetime

    from app.clock import PARIS, paris_date

    moments = [datetime(2026, 3, 28, 22, 30) + timedelta(minutes=17 * n) for n in range(300)]
    moments += [datetime(2025, 10, 25, 21, 0) + timedelta(minutes=13 * n) for n in range(400)]
    moments += [datetime(2024, 12, 31, 22, 59), datetime(2024, 12, 31, 23, 0)]
    for moment in moments:
        assert paris_date(moment) == moment.replace(tzinfo=UTC).astimezone(PARIS).date()
