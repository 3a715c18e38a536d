"""Target delays are edited by administrators: every change is recorded (who, when,
old → new), so the committee can tell which delay an item was measured against.

Revision ID: 0011
Revises: 0012
Create Date: 2026-12-01 07:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('target_delay_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=32), nullable=False),
    sa.Column('old_acknowledge_days', sa.Integer(), nullable=True),
    sa.Column('old_resolve_days', sa.Integer(), nullable=True),
    sa.Column('new_acknowledge_days', sa.Integer(), nullable=True),
    sa.Column('new_resolve_days', sa.Integer(), nullable=True),
    sa.Column('changed_by_id', sa.Integer(), nullable=True),
    sa.Column('changed_by_label', sa.String(length=254), nullable=False),
    sa.Column('changed_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['changed_by_id'], ['app_user.id'], name=op.f('fk_target_delay_change_changed_by_id_app_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_target_delay_change_organisation_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_target_delay_change'))
    )
    with op.batch_alter_table('target_delay_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_target_delay_change_organisation_id'), ['organisation_id'], unique=False)


def downgrade():
    with op.batch_alter_table('target_delay_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_target_delay_change_organisation_id'))

    op.drop_table('target_delay_change')
