"""Remember the language of each person who gets e-mails (an account's, an item author's
contact address and a follower's) so that each e-mail is written in the language they used;
and mark the items that are something to keep rather than a problem (a walk's strong
points), which nobody is offered to follow.

Revision ID: 0012
Revises: 0008
Create Date: 2026-12-01 07:30:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0008'
branch_labels = None
depends_on = None

LOCALES = (('app_user', 'locale'), ('item', 'author_locale'), ('item_follower', 'locale'))


def upgrade():
    for table, column in LOCALES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column(column, sa.String(length=8), server_default='fr',
                                          nullable=False))
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('strong_point', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    op.execute(sa.text("UPDATE item SET strong_point = :yes WHERE id IN "
                       "(SELECT item_id FROM walk_finding WHERE strong_point = :yes)")
               .bindparams(yes=True))
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.alter_column('strong_point', existing_type=sa.Boolean(), server_default=None)


def downgrade():
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.drop_column('strong_point')
    for table, column in reversed(LOCALES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column(column)
