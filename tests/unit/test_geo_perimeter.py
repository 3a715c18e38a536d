import math

import pytest

from app.geo.files import read_perimeters
from app.geo.perimeter import PerimeterIndex, Position, valid_lon_lat
from config import BASE_DIR

NOYER_DORE = BASE_DIR / "geodata" / "noyer_dore_QN09203M.geojson"
CENTROID = (2.288496, 48.737178)
LES_BACONNETS_RER = (2.287667495463073, 48.73968104253053)  # 67-73 m outside, published


@pytest.fixture(scope="module")
def index():
    return PerimeterIndex((f.code, f.geometry) for f in read_perimeters(NOYER_DORE))


def test_a_point_inside_the_perimeter_is_inside(index):
    placement = index.place(*CENTROID, band_m=100)
    assert placement.position is Position.INSIDE
    assert placement.code == "QN09203M"
    assert placement.distance_m == 0


def test_the_rer_station_is_in_the_100_m_band_but_not_the_50_m_one(index):
    near = index.place(*LES_BACONNETS_RER, band_m=100)
    assert near.position is Position.NEAR
    assert 67 <= near.distance_m <= 73  # measured in metres, in Lambert-93
    assert index.place(*LES_BACONNETS_RER, band_m=50).position is Position.OUTSIDE


def test_a_point_across_town_is_outside(index):
    placement = index.place(2.30, 48.74, band_m=100)
    assert placement.position is Position.OUTSIDE
    assert placement.distance_m > 500


@pytest.mark.parametrize(
    "lon, lat",
    [(math.nan, 48.7), (2.28, math.inf), (181, 48.7), (2.28, -91), ("2.28", 48.7), (None, 1)],
)
def test_invalid_coordinates_are_refused(index, lon, lat):
    assert not valid_lon_lat(lon, lat)
    with pytest.raises(ValueError):
        index.place(lon, lat, band_m=100)


def test_an_empty_index_places_everything_outside():
    assert PerimeterIndex([]).place(*CENTROID, band_m=100).position is Position.OUTSIDE
