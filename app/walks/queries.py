"""Reading walks: lists, the findings a viewer may see, night-grid summaries."""

from statistics import mean

from sqlalchemy import select

from app.extensions import db
from app.items.permissions import can_view_item

from .models import RATINGS, Recheck, Walk, WalkStatus

UPCOMING = (WalkStatus.PLANNED.value, WalkStatus.ONGOING.value)


def upcoming_walks(limit=None):
    """Planned and ongoing walks, the soonest first."""
    return db.session.scalars(select(Walk).where(Walk.status.in_(UPCOMING))
                              .order_by(Walk.date, Walk.start_time, Walk.id).limit(limit)).all()


def past_walks():
    """Closed and cancelled walks, the most recent first."""
    return db.session.scalars(select(Walk).where(Walk.status.not_in(UPCOMING))
                              .order_by(Walk.date.desc(), Walk.id.desc())).all()


def walk_by_code(code):
    return db.session.scalar(select(Walk).where(Walk.join_code == (code or "").upper()))


def numbered_findings(walk, viewer):
    """[(number, finding)] the viewer may see, in walking order (by stop, then arrival).

    The same numbers label the findings on the map, in the list, the PDF and the CSV.
    """
    # Loading the stops in one query first lets each finding's stop come from the session.
    position = {stop.id: stop.position for stop in walk.stops}
    visible = [f for f in walk.findings if can_view_item(viewer, f.item)]
    visible.sort(key=lambda f: (position.get(f.stop_id, 10_000), f.item_id))
    return list(enumerate(visible, start=1))


def rechecks_of(walk, viewer):
    """The walk's re-checks of items the viewer may see."""
    checks = db.session.scalars(
        select(Recheck).where(Recheck.walk_id == walk.id).order_by(Recheck.checked_at))
    return [check for check in checks if can_view_item(viewer, check.item)]


def _means(walk):
    grids = [stop.grid for stop in walk.stops if stop.grid is not None]
    if not grids:
        return None
    return {name: round(mean(getattr(g, name) for g in grids), 1) for name in RATINGS}


def grid_comparison(walk):
    """[(rating, label, this walk's mean, previous walk's mean)] or [] without grids."""
    current = _means(walk)
    if current is None:
        return []
    previous = _means(walk.previous_walk) if walk.previous_walk is not None else None
    return [(name, label, current[name], previous[name] if previous else None)
            for name, label in RATINGS.items()]


def walk_under_way(walk_id, today):
    """Whether a finding sent to this walk now comes from its group: the walk is ongoing,
    or planned or closed on `today` or the day before (night walks end after midnight).
    A cancelled, past or future walk is not under way."""
    walk = db.session.get(Walk, walk_id)
    if walk is None or walk.status == WalkStatus.CANCELLED:
        return False
    return walk.status == WalkStatus.ONGOING or 0 <= (today - walk.date).days <= 1
