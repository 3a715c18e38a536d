"""Date each item's first answer and first resolution since its last routing, with the
working days each took (the committee's delays are read from them, not from the whole
history), filled in from the history; and index what the follow-up counts, groups and
sorts by, and the moves the indicators count.

Revision ID: 0011d
Revises: 0011c
Create Date: 2026-12-01 14:00:00

"""
from alembic import op
import sqlalchemy as sa

from app.clock import paris_date
from app.workdays import working_days_between


# revision identifiers, used by Alembic.
revision = '0011d'
down_revision = '0011c'
branch_labels = None
depends_on = None

FIRST_AFTER_ROUTING = """
    UPDATE item SET {column} = (
        SELECT min(item_event.created_at) FROM item_event
        WHERE item_event.item_id = item.id AND item_event.to_status IN ({statuses})
          AND item_event.created_at >= item.routed_at)
    WHERE routed_at IS NOT NULL
"""


def upgrade():
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('answered_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('resolved_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('answer_days', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('resolve_days', sa.Integer(), nullable=True))
        batch_op.create_index('ix_item_followup', ['status', 'organisation_id', 'category', 'resolve_due', 'created_at', 'acknowledge_due', 'kind', 'answer_days', 'resolve_days'], unique=False)

    with op.batch_alter_table('item_event', schema=None) as batch_op:
        batch_op.create_index('ix_item_event_to_status_item_id', ['to_status', 'item_id'], unique=False)

    op.execute(FIRST_AFTER_ROUTING.format(
        column="answered_at", statuses="'acknowledged', 'planned', 'resolved'"))
    op.execute(FIRST_AFTER_ROUTING.format(column="resolved_at", statuses="'resolved'"))
    item = sa.table("item", sa.column("id", sa.Integer), sa.column("routed_at", sa.DateTime),
                    sa.column("answered_at", sa.DateTime), sa.column("resolved_at", sa.DateTime),
                    sa.column("answer_days", sa.Integer), sa.column("resolve_days", sa.Integer))
    connection = op.get_bind()
    rows = connection.execute(sa.select(item.c.id, item.c.routed_at, item.c.answered_at,
                                        item.c.resolved_at).where(
        item.c.answered_at.is_not(None))).all()
    for item_id, routed_at, answered_at, resolved_at in rows:
        routed = paris_date(routed_at)
        connection.execute(item.update().where(item.c.id == item_id).values(
            answer_days=working_days_between(routed, paris_date(answered_at)),
            resolve_days=working_days_between(routed, paris_date(resolved_at))
            if resolved_at else None))


def downgrade():
    with op.batch_alter_table('item_event', schema=None) as batch_op:
        batch_op.drop_index('ix_item_event_to_status_item_id')

    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.drop_index('ix_item_followup')
        batch_op.drop_column('resolve_days')
        batch_op.drop_column('answer_days')
        batch_op.drop_column('resolved_at')
        batch_op.drop_column('answered_at')
