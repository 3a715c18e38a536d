"""Groups of nearby points, measured in metres in Lambert-93 (recurring hotspots)."""

import numpy as np
import shapely

from .projection import project_points


def groups_within(points, metres, minimum):
    """Groups of at least `minimum` of `points` ([(lon, lat)]) lying within `metres` of one
    of them, its centre: [(centre index, [member indices])], largest groups first.

    Greedy and deterministic: the point with the most unclaimed neighbours (ties: the
    lowest index) becomes a centre and claims them; a point joins one group at most. Every
    member is within `metres` of its centre, so a group spans at most twice that."""
    if len(points) < minimum:
        return []
    lonlat = np.asarray(points, dtype=float)
    xs, ys = project_points(lonlat[:, 0], lonlat[:, 1])
    geometries = shapely.points(xs, ys)
    tree = shapely.STRtree(geometries)
    source, target = tree.query(geometries, predicate="dwithin", distance=metres)
    # Each point's neighbours in index order: one sort of (source, target) as one number.
    count = len(points)
    pairs = np.sort(source.astype(np.int64) * count + target)
    source, target = pairs // count, (pairs % count).tolist()
    starts = np.searchsorted(source, np.arange(count + 1))
    counts = np.diff(starts)
    # Plain lists from here: the loop looks at one point at a time.
    ranking = np.lexsort((np.arange(count), -counts)).tolist()
    starts, counts = starts.tolist(), counts.tolist()
    claimed = bytearray(count)
    groups = []
    for centre in ranking:
        if counts[centre] < minimum:
            break
        if claimed[centre]:
            continue
        members = [m for m in target[starts[centre]:starts[centre + 1]] if not claimed[m]]
        if len(members) >= minimum:
            for member in members:
                claimed[member] = 1
            groups.append((centre, members))
    return sorted(groups, key=lambda group: (-len(group[1]), group[0]))
