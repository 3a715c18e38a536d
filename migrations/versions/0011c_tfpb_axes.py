"""The landlord's items carry a TFPB axis (1-8): a chosen axis when it is not the
category's default, and every change with who, when and why.

Revision ID: 0011c
Revises: 0011b
Create Date: 2026-12-01 12:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011c'
down_revision = '0011b'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('tfpb_axis',
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('axis', sa.Integer(), nullable=False),
    sa.CheckConstraint('axis BETWEEN 1 AND 8', name=op.f('ck_tfpb_axis_known_axis')),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_tfpb_axis_item_id_item'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('item_id', name=op.f('pk_tfpb_axis'))
    )
    op.create_table('tfpb_axis_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('old_axis', sa.Integer(), nullable=True),
    sa.Column('new_axis', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('changed_by_id', sa.Integer(), nullable=True),
    sa.Column('changed_by_label', sa.String(length=254), nullable=False),
    sa.Column('changed_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('new_axis BETWEEN 1 AND 8', name=op.f('ck_tfpb_axis_change_known_axis')),
    sa.ForeignKeyConstraint(['changed_by_id'], ['app_user.id'], name=op.f('fk_tfpb_axis_change_changed_by_id_app_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_tfpb_axis_change_item_id_item'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tfpb_axis_change'))
    )
    with op.batch_alter_table('tfpb_axis_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tfpb_axis_change_item_id'), ['item_id'], unique=False)


def downgrade():
    with op.batch_alter_table('tfpb_axis_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tfpb_axis_change_item_id'))

    op.drop_table('tfpb_axis_change')
    op.drop_table('tfpb_axis')
