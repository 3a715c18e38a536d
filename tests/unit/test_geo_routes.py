"""Metric geometry of walks, in Lambert-93."""

import pytest

from app.geo.projection import metres_between
from app.geo.routes import metres_from_route, nearest_point, route_line_l93, snap_to_grid

MONT_BLANC = (2.2872891, 48.7375791)
KENNEDY = (2.291931, 48.7362216)


def test_nearest_point_returns_index_and_metres():
    index, metres = nearest_point([KENNEDY, MONT_BLANC], 2.2873, 48.7376)
    assert index == 1
    assert metres == pytest.approx(metres_between(2.2873, 48.7376, *MONT_BLANC))
    assert nearest_point([], *MONT_BLANC) == (None, float("inf"))


def test_distance_to_a_route_is_measured_to_the_segment_not_the_vertices():
    line = route_line_l93([list(MONT_BLANC), list(KENNEDY)])
    middle = ((MONT_BLANC[0] + KENNEDY[0]) / 2, (MONT_BLANC[1] + KENNEDY[1]) / 2)
    assert metres_from_route(line, *middle) == pytest.approx(0, abs=0.5)
    assert metres_from_route(line, *MONT_BLANC) == pytest.approx(0, abs=1e-6)
    single = route_line_l93([list(MONT_BLANC)])
    assert metres_from_route(single, *KENNEDY) == pytest.approx(
        metres_between(*MONT_BLANC, *KENNEDY), abs=0.01)


def test_snap_to_grid_moves_at_most_half_a_cell_diagonal_and_is_stable():
    snapped = snap_to_grid(*MONT_BLANC, 50)
    assert 0 < metres_between(*MONT_BLANC, *snapped) <= 50 * 2 ** 0.5 / 2 + 0.5
    assert snap_to_grid(*snapped, 50) == snapped  # a cell's centre stays where it is
