"""Follow an item once per person: "moi aussi" sent twice at once by the same account or
e-mail made two followers (and two e-mails per move); unique constraints now decide.
Followers already doubled are merged first, keeping the earliest.

Revision ID: 0010
Revises: 0012
Create Date: 2026-12-02 09:12:41.208317

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    for column in ('user_id', 'email'):
        op.execute(
            f"DELETE FROM item_follower WHERE {column} IS NOT NULL AND id NOT IN ("
            f"SELECT MIN(id) FROM item_follower WHERE {column} IS NOT NULL "
            f"GROUP BY item_id, {column})")
    with op.batch_alter_table('item_follower', schema=None) as batch_op:
        batch_op.create_unique_constraint('uq_item_follower_item_id_user_id',
                                          ['item_id', 'user_id'])
        batch_op.create_unique_constraint('uq_item_follower_item_id_email',
                                          ['item_id', 'email'])


def downgrade():
    with op.batch_alter_table('item_follower', schema=None) as batch_op:
        batch_op.drop_constraint('uq_item_follower_item_id_email', type_='unique')
        batch_op.drop_constraint('uq_item_follower_item_id_user_id', type_='unique')
