"""Index the public map and list: the public reads select public items by the position
they are shown at, or list them newest first. With visibility leading both indexes, SQLite
and PostgreSQL both pick them over reading every public item, whether or not the database
has statistics (SQLite has none until ANALYZE).

Revision ID: 0016
Revises: 0012
Create Date: 2026-12-01 10:40:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0011d'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.create_index('ix_item_visibility_public_lon_lat',
                              ['visibility', 'public_lon', 'public_lat'], unique=False)
        batch_op.create_index('ix_item_visibility_created_at',
                              ['visibility', 'created_at', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.drop_index('ix_item_visibility_created_at')
        batch_op.drop_index('ix_item_visibility_public_lon_lat')
