"""Walk follow-up: what the next walk on the sector found of each walk's findings, the
findings still waiting for a re-check, and night feeling-of-safety from walk to walk."""

from collections import defaultdict
from dataclasses import dataclass, replace
from statistics import fmean

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.items.models import Item
from app.items.status import CLOSED
from app.walks.models import (
    GRID_WALKS,
    Recheck,
    RecheckOutcome,
    Walk,
    WalkFinding,
    WalkStatus,
    WalkStop,
)

from .filters import EVERY, clauses


@dataclass(frozen=True)
class WalkFollowup:
    walk: Walk
    next_walk: Walk | None  # the next walk held on the sector, if any
    findings: int  # weak points among the filtered items
    outcomes: dict  # {RecheckOutcome value: count} at the next walk

    @property
    def fixed(self):
        return self.outcomes.get(RecheckOutcome.RESOLVED.value, 0)

    @property
    def unchecked(self):
        return self.findings - sum(self.outcomes.values())

    @property
    def share_fixed(self):
        """Found fixed at the next walk ÷ findings; None until a next walk is held."""
        if self.next_walk is None or not self.findings:
            return None
        return self.fixed / self.findings


def _held_walks(period, walk=None):
    query = select(Walk).where(Walk.status == WalkStatus.CLOSED.value)
    if walk is not None:
        query = query.where(Walk.id == walk.id)
    if period is not None:
        query = query.where(Walk.date.between(period.start, period.end))
    return db.session.scalars(query.order_by(Walk.date, Walk.id)).all()


def _next_held(walk):
    return db.session.scalars(
        select(Walk).where(Walk.previous_walk_id == walk.id,
                           Walk.status == WalkStatus.CLOSED.value)
        .order_by(Walk.date, Walk.id).limit(1)).first()


def walk_followups(filters, viewer):
    """[WalkFollowup] of each walk held in the period, in date order. The item filters
    (organisation, category...) choose which findings count; the period chooses walks."""
    item_clauses = clauses(replace(filters, period=None, state=EVERY), viewer)
    rows = []
    for walk in _held_walks(filters.period, filters.walk):
        weak = (select(WalkFinding.item_id).join(Item, Item.id == WalkFinding.item_id)
                .where(WalkFinding.walk_id == walk.id, WalkFinding.strong_point.is_(False),
                       *item_clauses))
        findings = db.session.scalar(select(func.count()).select_from(weak.subquery()))
        next_walk = _next_held(walk)
        outcomes = {}
        if next_walk is not None:
            outcomes = dict(db.session.execute(
                select(Recheck.outcome, func.count(Recheck.id))
                .where(Recheck.walk_id == next_walk.id, Recheck.item_id.in_(weak))
                .group_by(Recheck.outcome)).all())
        rows.append(WalkFollowup(walk, next_walk, findings, outcomes))
    return rows


def confirmed_share(followups):
    """(found fixed, findings) over the walks whose next walk has been held."""
    counted = [f for f in followups if f.next_walk is not None]
    return sum(f.fixed for f in counted), sum(f.findings for f in counted)


def awaiting_recheck_clause():
    """A WHERE clause over Item: weak findings of held walks, still open, never re-checked."""
    return Item.id.in_(
        select(WalkFinding.item_id).join(Walk)
        .where(Walk.status == WalkStatus.CLOSED.value, WalkFinding.strong_point.is_(False))
        .where(WalkFinding.item_id.not_in(select(Recheck.item_id)))
    ) & Item.status.not_in([s.value for s in CLOSED])


@dataclass(frozen=True)
class SectorSafety:
    sector: str
    walks: list  # [(walk, mean feeling 0-3, number of grids)] in date order

    @property
    def change(self):
        """Last walk's mean minus the first's (None with fewer than two walks)."""
        if len(self.walks) < 2:
            return None
        return round(self.walks[-1][1] - self.walks[0][1], 2)

    @property
    def grids(self):
        return sum(n for _walk, _mean, n in self.walks)


def night_safety(period):
    """[SectorSafety]: the mean "feeling of safety" (0-3) of each night or women's walk held
    in the period with a grid, per sector, walk after walk."""
    query = (select(Walk).where(Walk.status == WalkStatus.CLOSED.value,
                                Walk.type.in_([t.value for t in GRID_WALKS]))
             .options(selectinload(Walk.stops).selectinload(WalkStop.grid))
             .order_by(Walk.sector, Walk.date, Walk.id))
    if period is not None:
        query = query.where(Walk.date.between(period.start, period.end))
    sectors = defaultdict(list)
    for walk in db.session.scalars(query):
        feelings = [stop.grid.feeling for stop in walk.stops if stop.grid is not None]
        if feelings:
            sectors[walk.sector].append((walk, round(fmean(feelings), 2), len(feelings)))
    return [SectorSafety(sector, walks) for sector, walks in sectors.items()]
