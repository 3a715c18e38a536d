"""What a test asks of the database: the statements a block runs, and the plans the
database makes for them, on either engine."""

import re
from contextlib import contextmanager

from psycopg.sql import Literal
from sqlalchemy import event, text

from app.extensions import db


def _explain_prefix():
    return "EXPLAIN QUERY PLAN " if db.engine.dialect.name == "sqlite" else "EXPLAIN "


def _plan_text(rows):
    return "\n".join(str(row[-1]) for row in rows)


def query_plan(statement):
    """The database's plan for `statement` (a SQLAlchemy statement), as one text, its
    values written into the text."""
    compiled = statement.compile(db.engine, compile_kwargs={"literal_binds": True})
    return _plan_text(db.session.execute(text(_explain_prefix() + str(compiled))))


@contextmanager
def _listening(listener):
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        yield
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)


@contextmanager
def counted_statements():
    """The SQL statements run inside the block."""
    statements = []
    with _listening(lambda conn, cursor, statement, *args: statements.append(statement)):
        yield statements


@contextmanager
def planned_selects():
    """[(statement, the database's plan for it)] of each SELECT run inside the block, each
    explained with the very parameters it runs with: a plan for the same statement written
    with its values in the text can differ (SQLite reads literals more closely)."""
    plans = []

    def explain(conn, cursor, statement, parameters, *args):
        if statement.lstrip().upper().startswith("SELECT"):
            cursor.execute(_explain_prefix() + statement, parameters)
            plans.append((statement, _plan_text(cursor.fetchall())))

    with _listening(explain):
        yield plans


# A parameter as SQLAlchemy writes it for psycopg: %(name)s.
PARAMETER = re.compile(r"%\((\w+)\)s")


@contextmanager
def generic_planned_selects():
    """[(statement, its generic plan)] of each SELECT run inside the block, on PostgreSQL:
    the plan PostgreSQL may settle on for a statement prepared on a connection (psycopg
    prepares a statement it has run five times, app/database.py), made without looking at
    the values. Each statement is prepared under another name, with its parameters in
    order, and explained as it runs with its values under `force_generic_plan`."""
    plans = []

    def explain(conn, cursor, statement, parameters, *args):
        if not statement.lstrip().upper().startswith("SELECT"):
            return
        names = []

        def positional(match):
            if match[1] not in names:
                names.append(match[1])
            return f"${names.index(match[1]) + 1}"

        prepared = PARAMETER.sub(positional, statement).replace("%%", "%")
        values = ", ".join(Literal(parameters[name]).as_string(cursor.connection)
                           for name in names)
        cursor.execute(f"PREPARE arpenteur_generic AS {prepared}")
        try:
            cursor.execute("SET plan_cache_mode = force_generic_plan")
            cursor.execute(f"EXPLAIN EXECUTE arpenteur_generic({values})"
                           if names else "EXPLAIN EXECUTE arpenteur_generic")
            plans.append((statement, _plan_text(cursor.fetchall())))
        finally:
            cursor.execute("RESET plan_cache_mode")
            cursor.execute("DEALLOCATE arpenteur_generic")

    with _listening(explain):
        yield plans
