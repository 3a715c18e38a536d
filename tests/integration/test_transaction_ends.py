"""How a transaction ends on the database: one that only read keeps the statements psycopg
prepared on PostgreSQL; one that wrote, or failed, is rolled back as it always was."""

import pytest
from sqlalchemy import bindparam, event, select, text
from sqlalchemy.exc import DBAPIError

from app.database import _commit_if_it_only_read
from app.extensions import db
from app.items.models import CategoryPublicity

PUBLICITY = CategoryPublicity.__table__
READ = select(PUBLICITY.c.publicity).where(PUBLICITY.c.category == bindparam("category"))


def publicities(connection):
    return connection.execute(select(PUBLICITY.c.category)).scalars().all()


def test_a_statement_read_in_transactions_rolled_back_stays_prepared():
    """On PostgreSQL the statement stays prepared; SQLite prepares nothing across
    transactions, and its transactions end as they always did (no listener at all)."""
    listening = event.contains(db.engine, "rollback", _commit_if_it_only_read)
    assert listening == (db.engine.dialect.name == "postgresql")
    if not listening:
        return
    read = select(PUBLICITY.c.publicity.label("read_six_times"))  # no other test's statement
    with db.engine.connect() as connection:
        for _ in range(6):  # psycopg prepares a statement at its sixth run
            connection.execute(read).all()
            connection.rollback()  # how a page's session ends
        prepared = connection.scalar(text(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE :read"),
            {"read": "%AS read_six_times%"})
    assert prepared == 1


def test_a_transaction_that_wrote_is_rolled_back():
    with db.engine.connect() as connection:
        connection.execute(PUBLICITY.insert().values(category="tags", publicity="staff"))
        connection.execute(READ, {"category": "tags"}).all()  # reading after is still writing
        connection.rollback()
        assert publicities(connection) == []


def test_a_session_that_flushed_is_rolled_back_when_it_closes():
    db.session.add(CategoryPublicity(category="tags", publicity="staff"))
    db.session.flush()
    db.session.close()
    with db.engine.connect() as connection:
        assert publicities(connection) == []


def test_a_transaction_whose_statement_failed_is_rolled_back_and_the_connection_serves_on():
    with db.engine.connect() as connection:
        connection.execute(READ, {"category": "tags"}).all()
        with pytest.raises(DBAPIError):
            connection.execute(text("SELECT * FROM no_such_table"))
        connection.rollback()
        assert connection.scalar(text("SELECT 2")) == 2
