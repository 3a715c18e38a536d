"""photo regions and detection: rectangles to blur (suggested by the face and plate
detector, or drawn by a moderator) and the detector's one pass over each photo

Revision ID: 0013
Revises: 0009
"""
from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('photo_detection',
    sa.Column('photo_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('duration_ms', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("state IN ('done', 'failed')", name=op.f('ck_photo_detection_known_state')),
    sa.ForeignKeyConstraint(['photo_id'], ['photo.id'], name=op.f('fk_photo_detection_photo_id_photo'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('photo_id', name=op.f('pk_photo_detection'))
    )
    op.create_table('photo_region',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('photo_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('x', sa.Integer(), nullable=False),
    sa.Column('y', sa.Integer(), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("kind IN ('face', 'plate', 'manual')", name=op.f('ck_photo_region_known_kind')),
    sa.CheckConstraint("state IN ('suggested', 'masked', 'dismissed')", name=op.f('ck_photo_region_known_state')),
    sa.CheckConstraint('x >= 0 AND y >= 0 AND width > 0 AND height > 0', name=op.f('ck_photo_region_positive_box')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['app_user.id'], name=op.f('fk_photo_region_decided_by_id_app_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['photo_id'], ['photo.id'], name=op.f('fk_photo_region_photo_id_photo'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_photo_region'))
    )
    with op.batch_alter_table('photo_region', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_photo_region_photo_id'), ['photo_id'], unique=False)


def downgrade():
    with op.batch_alter_table('photo_region', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_photo_region_photo_id'))
    op.drop_table('photo_region')
    op.drop_table('photo_detection')
