"""What a test asks of the database: the statements a block runs, and the plans the
database makes for them, on either engine."""

from contextlib import contextmanager

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
