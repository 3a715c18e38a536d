"""Remember the language of each person who gets e-mails: an account's, an item author's
contact address and a follower's, so that each e-mail is written in the language they used.

Revision ID: 0012
Revises: 0013
Create Date: 2026-12-01 07:30:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0013'
branch_labels = None
depends_on = None

TABLES = (('app_user', 'locale'), ('item', 'author_locale'), ('item_follower', 'locale'))


def upgrade():
    for table, column in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column(column, sa.String(length=8), server_default='fr',
                                          nullable=False))


def downgrade():
    for table, column in reversed(TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column(column)
