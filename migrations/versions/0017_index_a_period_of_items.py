"""Index a period of items: the indicators, the delays and the recurring hotspots select
the items received in a period and count, group or place them. An index on the reception
time that also holds those columns answers them without reading the items, in place of the
index on the reception time alone (a prefix of this one).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-01 14:30:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

PERIOD_COLUMNS = ['created_at', 'status', 'kind', 'category', 'organisation_id', 'routed_at',
                  'answer_days', 'resolve_days', 'lon', 'lat']


def upgrade():
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.create_index('ix_item_period', PERIOD_COLUMNS, unique=False)
        batch_op.drop_index('ix_item_created_at')


def downgrade():
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.create_index('ix_item_created_at', ['created_at'], unique=False)
        batch_op.drop_index('ix_item_period')
