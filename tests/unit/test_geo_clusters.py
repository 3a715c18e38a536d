"""Groups of nearby points (the recurring hotspots' grouping), checked against the rule
written plainly: every distance measured, the greedy choice made one point at a time."""

import math
import random

import pytest

from app.geo.clusters import groups_within
from app.geo.projection import project_points


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
