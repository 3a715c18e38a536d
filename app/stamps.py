"""Version stamps of the reference data a worker keeps prepared between requests, all read
in one statement.

Each gunicorn worker keeps, for instance, the perimeters and the land tenure zones prepared
for placing a point, and the publicity of the categories; an administrator, another worker
or the CLI may change them at any moment. Each kind of data registers its stamp here: small
aggregates that change whenever the data does (a count and the latest change), or the data
itself when it is a few short rows. The first reader in a transaction reads every stamp at
once; they hold until the session writes (a flush, a bulk statement) or its transaction
ends, so a change made in this session is seen at its next read, and a change made
elsewhere at the next transaction, on every worker.
"""

from functools import lru_cache

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from app.extensions import db

_STAMPS = {}
_SESSION_KEY = "reference_stamps"
_KEPT = {}  # {stamp name: ((database, stamp), what was prepared from its data)}


def register_stamp(name, *queries):
    """Register `name`'s stamp: one-column, one-row queries (aggregates) read together."""
    _STAMPS[name] = [query.scalar_subquery() for query in queries]
    _reading.cache_clear()


@lru_cache(maxsize=1)
def _reading(names):
    """The one statement reading the stamps of `names`, built once per worker."""
    return select(*(query for n in names for query in _STAMPS[n]))


def stamp(name):
    """The tuple of values of `name`'s stamp queries, as this transaction sees them."""
    session = db.session()
    stamps = session.info.get(_SESSION_KEY)
    if stamps is None or name not in stamps:
        names = tuple(_STAMPS)
        row = session.execute(_reading(names)).one()
        stamps, start = {}, 0
        for n in names:
            stamps[n] = tuple(row[start:start + len(_STAMPS[n])])
            start += len(_STAMPS[n])
        session.info[_SESSION_KEY] = stamps
    return stamps[name]


def kept(name, build):
    """What `build()` prepares from the data `name`'s stamp covers, kept by this worker
    between requests and prepared again at the first use after the stamp changes (a change
    made on any worker or by the CLI) or on another database."""
    key = (db.engine.url.render_as_string(), stamp(name))
    held = _KEPT.get(name)
    if held is None or held[0] != key:
        held = _KEPT[name] = (key, build())
    return held[1]


def _forget(session, *_args):
    session.info.pop(_SESSION_KEY, None)


event.listen(Session, "after_flush", _forget)
event.listen(Session, "after_transaction_end", _forget)


@event.listens_for(Session, "do_orm_execute")
def _forget_after_writes(state):
    """A bulk INSERT, UPDATE or DELETE may change what a stamp covers."""
    if not state.is_select:
        _forget(state.session)
