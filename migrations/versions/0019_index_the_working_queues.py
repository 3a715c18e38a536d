"""Index the working queues: each part of a queue (a status, within an organisation for an
organisation's queue) is read in its order straight from an index, and the counts the
queues show (overdue, disputed) find their items without reading the others.

Revision ID: 0019
Revises: 0016
Create Date: 2026-12-01 14:30:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None

INDEXES = {
    'ix_item_organisation_queue': ['organisation_id', 'status', 'resolve_due', 'created_at',
                                   'id'],
    'ix_item_organisation_acknowledge_due': ['organisation_id', 'status', 'acknowledge_due'],
    'ix_item_organisation_return_count': ['organisation_id', 'status', 'return_count'],
    'ix_item_status_acknowledge_due': ['status', 'acknowledge_due'],
    'ix_item_status_resolve_due': ['status', 'resolve_due'],
    'ix_item_status_return_count': ['status', 'return_count'],
}


def upgrade():
    with op.batch_alter_table('item', schema=None) as batch_op:
        for name, columns in INDEXES.items():
            batch_op.create_index(name, columns, unique=False)


def downgrade():
    with op.batch_alter_table('item', schema=None) as batch_op:
        for name in reversed(INDEXES):
            batch_op.drop_index(name)
