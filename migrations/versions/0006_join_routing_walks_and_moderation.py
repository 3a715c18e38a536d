"""Join the routing, walks and moderation branches, built side by side from 0002.

No schema change: one head again, so `flask db upgrade` needs no argument.

Revision ID: 0006
Revises: 0003, 0004, 0005
Create Date: 2026-11-27 01:56:22.864851

"""
# revision identifiers, used by Alembic.
revision = '0006'
down_revision = ('0003', '0004', '0005')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
