"""What the exports have the database write (app/evaluation/export_sql.py), against known
answers, on the engine the suite runs on (SQLite, then PostgreSQL): each must write what
the Python it replaces writes."""

import json
from datetime import datetime

import pytest
from sqlalchemy import Boolean, DateTime, Float, Integer, String, cast, literal, null, select

from app.evaluation.export_sql import (
    IsoMoment,
    JsonObject,
    Reference,
    point_feature,
    six_decimals,
)
from app.extensions import db
from app.items.models import reference_of


def _read(expression):
    return db.session.scalar(select(expression))


@pytest.mark.parametrize(("item_id", "created_at"), [
    (42, datetime(2026, 3, 1, 9, 0)), (7, datetime(2024, 12, 31, 23, 59, 59, 999999)),
    (123456, datetime(2030, 1, 1))])
def test_a_reference_is_written_as_python_writes_it(app, item_id, created_at):
    written = _read(Reference(literal(item_id, Integer), literal(created_at, DateTime)))
    assert written == reference_of(item_id, created_at.year)  # 123456 is never cut to 5


@pytest.mark.parametrize("moment", [
    datetime(2025, 3, 1, 9, 0), datetime(2026, 12, 31, 23, 59, 59, 120000),
    datetime(2027, 1, 1, 0, 0, 0, 7)])
def test_a_moment_is_written_as_isoformat_writes_it(app, moment):
    assert _read(IsoMoment(literal(moment, DateTime))) == moment.isoformat()


# Coordinates whose six decimals SQLite's round(x, 6) misses by a hair as a float.
POINTS = [(2.2897979961, 48.73823223292296), (2.28625512, 48.7357919009742),
          (-0.5, 0.0000004), (2.3, 48.75), (-2.2906125001, 48.7000005001)]


@pytest.mark.parametrize("coordinate", [value for point in POINTS for value in point])
def test_a_coordinate_is_the_float_python_rounds_it_to(app, coordinate):
    assert repr(_read(six_decimals(literal(coordinate, Float)))) == repr(round(coordinate, 6))


@pytest.mark.parametrize(("lon", "lat"), POINTS)
def test_a_feature_is_the_geojson_python_would_write(app, lon, lat):
    hostile = 'Cave "B"\\ porte\ncassée\t— à voir \u2028 \x01 </script>'
    properties = [("title", literal(hostile, String)), ("severity", literal(3, Integer)),
                  ("missing", literal(None, String)), ("danger", literal(True, Boolean)),
                  ("overdue", literal(False, Boolean)), ("unknown", cast(null(), Boolean)),
                  ("routed_at", literal(datetime(2026, 5, 4, 8, 30, 0, 250), DateTime))]
    lon_read, lat_read = (six_decimals(literal(value, Float)) for value in (lon, lat))
    text = _read(point_feature(literal(9, Integer), properties, lon_read, lat_read))
    assert isinstance(text, str)
    assert json.loads(text) == {
        "type": "Feature", "id": 9,
        "properties": {"title": hostile, "severity": 3, "missing": None, "danger": True,
                       "overdue": False, "unknown": None,
                       "routed_at": "2026-05-04T08:30:00.000250"},
        "geometry": {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]}}
    written = json.loads(text)["properties"]
    assert list(written) == [name for name, _value in properties]
    assert written["danger"] is True and written["overdue"] is False  # not 1 and 0


def test_only_the_codes_own_words_are_written_into_the_sql(app):
    with pytest.raises(AssertionError):
        JsonObject([("title'); DROP TABLE item; --", literal(1, Integer))])
