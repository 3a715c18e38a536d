"""Groups of nearby points (the recurring hotspots' grouping), checked against the rule
written plainly: every distance measured, the greedy choice made one point at a time."""

import math
import random

import numpy as np
import pytest
from pyproj import Transformer

from app.geo.clusters import _neighbours, groups_within
from app.geo.projection import LAMBERT93, WGS84, project_points


def plain_groups(points, metres, minimum):
    """The rule of groups_within, with nothing clever: O(n²) distances in Lambert-93."""
    xs, ys = project_points([p[0] for p in points], [p[1] for p in points])
    near = [[j for j in range(len(points))
             if math.hypot(xs[i] - xs[j], ys[i] - ys[j]) <= metres] for i in range(len(points))]
    claimed, groups = set(), []
    for centre in sorted(range(len(points)), key=lambda i: (-len(near[i]), i)):
        if len(near[centre]) < minimum:
            break
        if centre in claimed:
            continue
        members = [m for m in near[centre] if m not in claimed]
        if len(members) >= minimum:
            claimed.update(members)
            groups.append((centre, members))
    return sorted(groups, key=lambda group: (-len(group[1]), group[0]))


@pytest.mark.parametrize("seed", range(6))
def test_groups_are_those_of_the_plain_rule_on_random_points(seed):
    rng = random.Random(seed)
    size = rng.choice([0, 2, 3, 50, 400])
    spread = rng.choice([0.0005, 0.002, 0.008])  # a street, a block, the neighbourhood
    points = [(2.288 + rng.uniform(-spread, spread), 48.737 + rng.uniform(-spread, spread))
              for _ in range(size)]
    points += points[:3]  # the same spot reported again
    assert groups_within(points, 30, 3) == plain_groups(points, 30, 3)


def test_a_tie_goes_to_the_lowest_index_and_a_point_joins_one_group():
    # Four points on a line 20 m apart: the two inner ones reach three points each.
    lons = [2.288 + n * 20 / (111_320 * math.cos(math.radians(48.737))) for n in range(4)]
    points = [(lon, 48.737) for lon in lons]
    assert groups_within(points, 30, 3) == [(1, [0, 1, 2])]
    assert groups_within(points, 30, 3) == plain_groups(points, 30, 3)


def plain_groups_by_label(points, labels, metres, minimum):
    """The rule applied to each label's points alone, in indices of the whole list."""
    groups = []
    for label in sorted(set(labels)):
        indices = [i for i, value in enumerate(labels) if value == label]
        groups += [(indices[centre], [indices[m] for m in members]) for centre, members
                   in plain_groups([points[i] for i in indices], metres, minimum)]
    return sorted(groups, key=lambda group: (-len(group[1]), group[0]))


def lattice(rng, step, size):
    """Points `step` metres apart in Lambert-93 (many pairs at the radius, within a hair
    after the round trip to lon/lat), some repeated, in random order."""
    to_wgs84 = Transformer.from_crs(LAMBERT93, WGS84, always_xy=True)
    x0, y0 = project_points([2.288], [48.737])
    spots = [(x0[0] + step * i, y0[0] + step * j) for i in range(size) for j in range(size)]
    spots += rng.sample(spots, len(spots) // 4)
    rng.shuffle(spots)
    return [to_wgs84.transform(x, y) for x, y in spots]


@pytest.mark.parametrize("seed", range(4))
def test_points_exactly_at_the_radius_count_as_the_plain_rule_says(seed):
    rng = random.Random(seed)
    # 30 m apart on the axes, and 18-24-30 right triangles on the diagonals of 6 m steps.
    points = lattice(rng, rng.choice([30, 6, 15]), rng.choice([4, 7]))
    assert groups_within(points, 30, 3) == plain_groups(points, 30, 3)


@pytest.mark.parametrize("seed", range(6))
def test_labels_group_apart_as_if_each_were_alone(seed):
    rng = random.Random(100 + seed)
    points = [(2.288 + rng.uniform(-0.001, 0.001), 48.737 + rng.uniform(-0.001, 0.001))
              for _ in range(rng.choice([3, 60, 300]))]
    points += lattice(rng, 30, 4)
    labels = [rng.randrange(3) for _ in points]
    assert groups_within(points, 30, 3, labels) == plain_groups_by_label(
        points, labels, 30, 3)
    # Every point of one label: the same as without labels.
    assert groups_within(points, 30, 3, [7] * len(points)) == plain_groups(points, 30, 3)


def test_a_point_the_rule_puts_at_30_m_is_a_neighbour_though_its_squares_round_past_it():
    """dx² + dy² rounds to just over 30² here while the rule's own distance (math.hypot) is
    30 m or less: the grid measures such borderline pairs again as the rule does."""
    dx, dy = 23.81641943626547, 18.242208343176998
    assert dx * dx + dy * dy > 30.0 ** 2 and math.hypot(dx, dy) <= 30.0
    xs, ys = np.array([0.0, dx]), np.array([0.0, dy])
    starts, targets = _neighbours(xs, ys, np.zeros(2, np.int64), 30.0)
    assert sorted(targets[starts[0]:starts[1]].tolist()) == [0, 1]
