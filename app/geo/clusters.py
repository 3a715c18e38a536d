"""Groups of nearby points, measured in metres in Lambert-93 (recurring hotspots)."""

import math

import numpy as np

from .projection import project_points

# Distances this close to the radius (relative) are measured again one at a time with
# math.hypot, so that a point exactly at the radius is counted by the rule as written.
BORDERLINE = 1e-9
# A cell a hair wider than the radius: two points within the radius always lie in the
# same or adjacent cells, whatever the rounding of x / cell.
CELL_MARGIN = 1e-6


def groups_within(points, metres, minimum, labels=None):
    """Groups of at least `minimum` of `points` ([(lon, lat)]) lying within `metres` of one
    of them, its centre: [(centre index, [member indices])], largest groups first.

    Greedy and deterministic: the point with the most unclaimed neighbours (ties: the
    lowest index) becomes a centre and claims them; a point joins one group at most. Every
    member is within `metres` of its centre, so a group spans at most twice that.

    With `labels` (one integer per point), only points of the same label are neighbours:
    the groups of each label are those it would have alone, in one pass for all."""
    count = len(points)
    if count < minimum:
        return []
    lonlat = np.asarray(points, dtype=float)
    xs, ys = project_points(lonlat[:, 0], lonlat[:, 1])
    labels = np.zeros(count, np.int64) if labels is None else np.asarray(labels, np.int64)
    starts, targets = _neighbours(np.asarray(xs), np.asarray(ys), labels, metres)
    counts = np.diff(starts)
    # Plain lists from here: the loop looks at one point at a time.
    ranking = np.lexsort((np.arange(count), -counts)).tolist()
    # Only the centres' neighbours are read as lists: most points are claimed first.
    starts, counts = starts.tolist(), counts.tolist()
    claimed = bytearray(count)
    groups = []
    for centre in ranking:
        if counts[centre] < minimum:
            break
        if claimed[centre]:
            continue
        members = [m for m in targets[starts[centre]:starts[centre + 1]].tolist()
                   if not claimed[m]]
        if len(members) >= minimum:
            for member in members:
                claimed[member] = 1
            groups.append((centre, sorted(members)))
    return sorted(groups, key=lambda group: (-len(group[1]), group[0]))


def _neighbours(xs, ys, labels, metres):
    """Each point's neighbours (itself included): (starts, targets), the neighbours of
    point i being targets[starts[i]:starts[i + 1]], in no particular order.

    The plane is cut into square cells a little wider than `metres`, one grid per label;
    a point only measures the points of its own and its eight adjacent cells."""
    count = len(xs)
    cell = metres * (1 + CELL_MARGIN)
    column = np.floor(xs / cell).astype(np.int64)
    row = np.floor(ys / cell).astype(np.int64)
    column -= column.min() - 1  # a free column and row around: no key wraps to another
    row -= row.min() - 1
    height = int(row.max()) + 2
    width = int(column.max()) + 2
    keys = (labels * width + column) * height + row
    order = np.argsort(keys, kind="stable")
    sorted_keys = keys[order]
    # The points of a cell all look at the same nine cells: each occupied cell looks once.
    opens = np.empty(count, bool)
    opens[0] = True
    np.not_equal(sorted_keys[1:], sorted_keys[:-1], out=opens[1:])
    cell_of = np.empty(count, np.int64)
    cell_of[order] = np.cumsum(opens) - 1
    offsets = np.array([dx * height + dy for dx in (-1, 0, 1) for dy in (-1, 0, 1)])
    wanted = (sorted_keys[opens][:, None] + offsets[None, :]).ravel()
    first = np.searchsorted(sorted_keys, wanted, side="left")
    found = np.searchsorted(sorted_keys, wanted, side="right") - first
    first = first.reshape(-1, 9)[cell_of].ravel()  # point by point, 9 cells each
    found = found.reshape(-1, 9)[cell_of].ravel()
    total = int(found.sum())
    # Candidate k of cell c sits at first[c] + (k - where the candidates of c begin), in
    # the points sorted by cell; each point's candidates follow one another.
    begins = np.cumsum(found) - found
    positions = np.repeat(first - begins, found) + np.arange(total)
    candidates = found.reshape(count, 9).sum(axis=1)
    dx = xs[order][positions] - np.repeat(xs, candidates)
    dy = ys[order][positions] - np.repeat(ys, candidates)
    squared = dx * dx + dy * dy
    near = squared <= (metres * (1 - BORDERLINE)) ** 2
    unsure = np.flatnonzero(~near & (squared <= (metres * (1 + BORDERLINE)) ** 2))
    for k in unsure.tolist():
        near[k] = math.hypot(float(dx[k]), float(dy[k])) <= metres
    starts = np.zeros(count + 1, np.int64)
    np.cumsum(np.add.reduceat(near, np.cumsum(candidates) - candidates, dtype=np.int64),
              out=starts[1:])
    return starts, order[positions[near]]
