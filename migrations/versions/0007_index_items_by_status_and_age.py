"""Index items by status and age: the triage and organisation queues list items of a few
statuses oldest first, which without it means reading the whole table for each page.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27 02:20:29.535042

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.create_index('ix_item_status_created_at', ['status', 'created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.drop_index('ix_item_status_created_at')

