"""Index the triage queue with what its filters test: a status's items, oldest first, with
their category, kind, suggested organisation and number of returns, so that a filtered
part of the queue and its count are read from the index alone instead of fetching each
waiting item of the status to test it (the index by status and age it replaces kept only
the order).

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-02 04:50:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None

TRIAGE_COLUMNS = ['status', 'created_at', 'id', 'category', 'kind',
                  'suggested_organisation_id', 'return_count']


def upgrade():
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.drop_index('ix_item_status_created_at')
        batch_op.create_index('ix_item_triage_queue', TRIAGE_COLUMNS, unique=False)


def downgrade():
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.drop_index('ix_item_triage_queue')
        batch_op.create_index('ix_item_status_created_at', ['status', 'created_at'],
                              unique=False)
