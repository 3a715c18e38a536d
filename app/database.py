"""How Arpenteur meets its database: when something is wrong, and at the end of each
transaction.

- Time limits: on PostgreSQL every statement and every lock wait has a timeout
  (DATABASE_STATEMENT_TIMEOUT, DATABASE_LOCK_TIMEOUT, in seconds), so a table locked by
  maintenance turns requests into quick 503s instead of stalling every worker; on SQLite
  the lock timeout is the busy timeout.
- Errors told apart: a database that cannot write (read-only, hot standby, read-only file)
  and a busy one (lock or statement timeout, deadlock) are answered 503 with their own
  message; anything else stays an error.
- The health probe: does the database answer, and can it write, within about a second.
- Prepared statements kept on PostgreSQL: psycopg prepares a statement on a connection
  once it has run it five times, and forgets all it prepared at every ROLLBACK. A page only
  reads: were its transaction to end in ROLLBACK, no statement would ever be prepared and
  PostgreSQL would parse and plan each statement of each page again. A transaction that
  only read ends in COMMIT, to the same effect (end_reads_with_commit).
- Index hints on SQLite: a query's `with_hint(table, "INDEXED BY name", "sqlite")` is
  written after the table (SQLAlchemy leaves FROM hints out on SQLite), for the few reads
  SQLite, which has no statistics until ANALYZE, would otherwise plan badly.
"""

import re
import sqlite3
from contextlib import suppress

import psycopg
from flask import current_app
from psycopg.pq import TransactionStatus
from sqlalchemy import Table, event, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.compiler import compiles

from .extensions import db

READ_ONLY_SQLSTATE = "25006"  # read_only_sql_transaction
# lock_not_available, query_canceled (statement_timeout), deadlock, serialization failure
BUSY_SQLSTATES = {"55P03", "57014", "40P01", "40001"}
SQLITE_BUSY, SQLITE_LOCKED, SQLITE_READONLY = 5, 6, 8
HEALTH_TIMEOUT_MS = 1000


@compiles(Table, "sqlite")
def _table_with_its_sqlite_hint(table, compiler, **kw):
    written = compiler.visit_table(table, **kw)
    hint = (kw.get("fromhints") or {}).get(table) if kw.get("asfrom") else None
    return f"{written} {hint}" if hint else written


def engine_options(config):
    """SQLALCHEMY_ENGINE_OPTIONS with the time limits of the configured database."""
    options = dict(config["SQLALCHEMY_ENGINE_OPTIONS"])
    url = config["SQLALCHEMY_DATABASE_URI"]
    lock_s, statement_s = config["DATABASE_LOCK_TIMEOUT"], config["DATABASE_STATEMENT_TIMEOUT"]
    connect_args = dict(options.get("connect_args", {}))
    if url.startswith("postgresql"):
        connect_args["options"] = " ".join(filter(None, [
            connect_args.get("options"), f"-c statement_timeout={round(statement_s * 1000)}",
            f"-c lock_timeout={round(lock_s * 1000)}"]))
    elif url.startswith("sqlite"):
        connect_args["timeout"] = lock_s  # how long a writer waits for another's lock
    options["connect_args"] = connect_args
    return options


# Only a plain SELECT counts as reading: anything else (a WITH, which may write, a SET, a
# SAVEPOINT, an EXPLAIN) ends its transaction the usual way.
_READS = re.compile(r"\s*SELECT\b", re.IGNORECASE)
_WROTE = "transaction_wrote"


def end_reads_with_commit(engine):
    """On a psycopg engine, end a transaction that ran nothing but SELECTs with COMMIT where
    it would roll back: nothing to undo, so the same effect, and psycopg keeps the
    statements it prepared on the connection (it forgets them all at each ROLLBACK).
    Anything else (a write, a failed statement, a driver that is not psycopg) still
    rolls back."""
    if engine.dialect.driver != "psycopg":
        return
    event.listen(engine, "before_cursor_execute", _note_writes)
    event.listen(engine, "rollback", _commit_if_it_only_read)
    event.listen(engine, "commit", _forget_writes)


def _note_writes(conn, _cursor, statement, _parameters, _context, executemany):
    if executemany or not _READS.match(statement):
        conn.info[_WROTE] = True


def _forget_writes(conn):
    conn.info.pop(_WROTE, None)


def _commit_if_it_only_read(conn):
    """Runs before the connection's ROLLBACK, which then finds no transaction to end."""
    wrote = conn.info.pop(_WROTE, False)
    if wrote or conn.invalidated or conn.closed:
        return
    dbapi_connection = conn.connection.dbapi_connection
    if dbapi_connection.info.transaction_status != TransactionStatus.INTRANS:
        return  # idle, or a failed statement: the rollback does what is needed
    # Should COMMIT fail, the ROLLBACK that follows ends the transaction or reports why.
    with suppress(psycopg.Error):
        dbapi_connection.commit()


def _sqlstate(error):
    return getattr(getattr(error, "orig", None), "sqlstate", None)


def _sqlite_code(error):
    code = getattr(getattr(error, "orig", None), "sqlite_errorcode", None)
    return None if code is None else code & 0xFF  # the primary code of an extended one


def cannot_write(error):
    """True for a database error saying the database is read-only."""
    return _sqlstate(error) == READ_ONLY_SQLSTATE or _sqlite_code(error) == SQLITE_READONLY


def is_busy(error):
    """True for a lock or statement timeout, a deadlock or a locked SQLite file."""
    return _sqlstate(error) in BUSY_SQLSTATES or _sqlite_code(error) in (SQLITE_BUSY,
                                                                         SQLITE_LOCKED)


def _sqlite_read_only(engine):
    """Try a write that changes nothing (and is rolled back) on a fresh connection that
    waits for no lock: refused for read-only, busy means someone else is writing."""
    args, kwargs = engine.dialect.create_connect_args(engine.url)
    connection = sqlite3.connect(*args, **{**kwargs, "timeout": 0})
    try:
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        connection.execute("BEGIN")
        connection.execute(f"PRAGMA user_version = {int(version)}")
    except sqlite3.OperationalError as error:
        if error.sqlite_errorcode & 0xFF == SQLITE_READONLY:
            return True
        if error.sqlite_errorcode & 0xFF not in (SQLITE_BUSY, SQLITE_LOCKED):
            raise
    finally:
        connection.rollback()
        connection.close()
    return False


def database_state():
    """"ok", "read-only" (it answers but cannot write) or "unavailable" (it does not
    answer). Every wait is bounded to about HEALTH_TIMEOUT_MS."""
    session = db.session
    try:
        if db.engine.dialect.name == "postgresql":
            session.execute(text(f"SET LOCAL statement_timeout = {HEALTH_TIMEOUT_MS}"))
            session.execute(text(f"SET LOCAL lock_timeout = {HEALTH_TIMEOUT_MS}"))
            read_only = session.scalar(text(
                "SELECT current_setting('transaction_read_only') = 'on' "
                "OR pg_is_in_recovery()"))
        else:
            session.execute(text("SELECT 1"))
            read_only = _sqlite_read_only(db.engine)
    except (SQLAlchemyError, sqlite3.Error) as error:
        current_app.logger.error("database unavailable: %s", error)
        return "unavailable"
    finally:
        session.rollback()
    return "read-only" if read_only else "ok"
