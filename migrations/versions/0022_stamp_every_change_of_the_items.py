"""Stamp every change of the items: a one-row table whose value the database changes in
the very transaction of any write to the item table (insert, update, delete, and on
PostgreSQL a TRUNCATE), whoever writes it: the app, a bulk statement, the CLI, psql.
Each worker keeps its answers to anonymous readers under that value
(app/items/kept_answers.py), so a change anywhere is seen at the next read, everywhere.

The value is random rather than counted: a restored backup, or a database made again,
never brings back a value that was kept with other items.

On PostgreSQL the value changes at commit, once per transaction (a deferred trigger): a
transaction writing items holds the stamp's row only while it commits, so two of them
can never wait for each other through it, and a bulk insert changes it once. SQLite
writes one transaction at a time: a plain trigger per row is enough.

SQLite's ALTER TABLE of a later migration (batch_alter_table on `item`) copies the table
and drops its triggers: such a migration creates them again (STAMP_TRIGGERS below);
tests/integration/test_kept_answers.py fails if they are missing.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-04 14:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None

SQLITE_RANDOM = "lower(hex(randomblob(16)))"
POSTGRESQL_FUNCTION = """
CREATE FUNCTION item_stamp_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('arpenteur.item_stamped', true) IS DISTINCT FROM 'on' THEN
        PERFORM set_config('arpenteur.item_stamped', 'on', true);
        UPDATE item_stamp SET stamp = md5(random()::text || clock_timestamp()::text);
    END IF;
    RETURN NULL;
END
$$
"""
STAMP_TRIGGERS = {
    "postgresql": [
        "CREATE CONSTRAINT TRIGGER item_stamp_on_write AFTER INSERT OR UPDATE OR DELETE "
        "ON item DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
        "EXECUTE FUNCTION item_stamp_change()",
        "CREATE TRIGGER item_stamp_on_truncate AFTER TRUNCATE ON item "
        "FOR EACH STATEMENT EXECUTE FUNCTION item_stamp_change()",
    ],
    "sqlite": [
        f"CREATE TRIGGER item_stamp_on_{event.lower()} AFTER {event} ON item "
        f"BEGIN UPDATE item_stamp SET stamp = {SQLITE_RANDOM}; END"
        for event in ("INSERT", "UPDATE", "DELETE")
    ],
}
DROPPED = {
    "postgresql": ["DROP TRIGGER item_stamp_on_write ON item",
                   "DROP TRIGGER item_stamp_on_truncate ON item",
                   "DROP FUNCTION item_stamp_change()"],
    "sqlite": [f"DROP TRIGGER item_stamp_on_{event}" for event in ("insert", "update", "delete")],
}


def upgrade():
    stamp = op.create_table(
        'item_stamp',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('stamp', sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_item_stamp')),
    )
    engine = op.get_bind().dialect.name
    op.bulk_insert(stamp, [{"id": 1, "stamp": "first"}])
    if engine == "postgresql":
        op.execute(POSTGRESQL_FUNCTION)
    for statement in STAMP_TRIGGERS[engine]:
        op.execute(statement)


def downgrade():
    for statement in DROPPED[op.get_bind().dialect.name]:
        op.execute(statement)
    op.drop_table('item_stamp')
