"""Walking diagnostics: walks, stops, findings, night grids and re-checks

Revision ID: 0004
Revises: 0002
Create Date: 2026-11-27 01:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('walk',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('type', sa.String(length=32), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('start_time', sa.Time(), nullable=False),
    sa.Column('end_time', sa.Time(), nullable=True),
    sa.Column('meeting_point', sa.String(length=200), nullable=False),
    sa.Column('sector', sa.String(length=120), nullable=False),
    sa.Column('route', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('join_code', sa.String(length=12), nullable=False),
    sa.Column('participation', sa.JSON(), nullable=True),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('previous_walk_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('published_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("published_at IS NULL OR status = 'closed'", name=op.f('ck_walk_published_closed')),
    sa.CheckConstraint("status IN ('planned', 'ongoing', 'closed', 'cancelled')", name=op.f('ck_walk_known_status')),
    sa.CheckConstraint("type IN ('jour', 'nuit', 'marche-exploratoire-femmes', 'contre-visite')", name=op.f('ck_walk_known_type')),
    sa.ForeignKeyConstraint(['created_by_id'], ['app_user.id'], name=op.f('fk_walk_created_by_id_app_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['previous_walk_id'], ['walk.id'], name=op.f('fk_walk_previous_walk_id_walk'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_walk')),
    sa.UniqueConstraint('join_code', name=op.f('uq_walk_join_code'))
    )
    with op.batch_alter_table('walk', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_walk_date'), ['date'], unique=False)
        batch_op.create_index(batch_op.f('ix_walk_sector'), ['sector'], unique=False)

    op.create_table('walk_invitation',
    sa.Column('walk_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_walk_invitation_organisation_id_organisation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['walk_id'], ['walk.id'], name=op.f('fk_walk_invitation_walk_id_walk'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('walk_id', 'organisation_id', name=op.f('pk_walk_invitation'))
    )
    op.create_table('walk_stop',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('walk_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('lon', sa.Double(), nullable=False),
    sa.Column('lat', sa.Double(), nullable=False),
    sa.ForeignKeyConstraint(['walk_id'], ['walk.id'], name=op.f('fk_walk_stop_walk_id_walk'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_walk_stop')),
    sa.UniqueConstraint('walk_id', 'position', name=op.f('uq_walk_stop_walk_id'))
    )
    with op.batch_alter_table('walk_stop', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_walk_stop_walk_id'), ['walk_id'], unique=False)

    op.create_table('night_grid',
    sa.Column('stop_id', sa.Integer(), nullable=False),
    sa.Column('lighting_state', sa.String(length=10), nullable=False),
    sa.Column('lighting', sa.Integer(), nullable=False),
    sa.Column('openness', sa.Integer(), nullable=False),
    sa.Column('visibility', sa.Integer(), nullable=False),
    sa.Column('people', sa.Integer(), nullable=False),
    sa.Column('security', sa.Integer(), nullable=False),
    sa.Column('walk_path', sa.Integer(), nullable=False),
    sa.Column('transport', sa.Integer(), nullable=False),
    sa.Column('gender_mix', sa.Integer(), nullable=False),
    sa.Column('feeling', sa.Integer(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("lighting_state IN ('off', 'weak', 'glaring', 'hidden', 'good')", name=op.f('ck_night_grid_known_lighting')),
    sa.CheckConstraint('feeling BETWEEN 0 AND 3', name=op.f('ck_night_grid_feeling_range')),
    sa.CheckConstraint('gender_mix BETWEEN 0 AND 3', name=op.f('ck_night_grid_gender_mix_range')),
    sa.CheckConstraint('lighting BETWEEN 0 AND 3', name=op.f('ck_night_grid_lighting_range')),
    sa.CheckConstraint('openness BETWEEN 0 AND 3', name=op.f('ck_night_grid_openness_range')),
    sa.CheckConstraint('people BETWEEN 0 AND 3', name=op.f('ck_night_grid_people_range')),
    sa.CheckConstraint('security BETWEEN 0 AND 3', name=op.f('ck_night_grid_security_range')),
    sa.CheckConstraint('transport BETWEEN 0 AND 3', name=op.f('ck_night_grid_transport_range')),
    sa.CheckConstraint('visibility BETWEEN 0 AND 3', name=op.f('ck_night_grid_visibility_range')),
    sa.CheckConstraint('walk_path BETWEEN 0 AND 3', name=op.f('ck_night_grid_walk_path_range')),
    sa.ForeignKeyConstraint(['stop_id'], ['walk_stop.id'], name=op.f('fk_night_grid_stop_id_walk_stop'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('stop_id', name=op.f('pk_night_grid'))
    )
    op.create_table('recheck',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('walk_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.String(length=12), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('photo_id', sa.Integer(), nullable=True),
    sa.Column('checked_by_id', sa.Integer(), nullable=True),
    sa.Column('checked_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("outcome IN ('resolved', 'still-there', 'worse')", name=op.f('ck_recheck_known_outcome')),
    sa.ForeignKeyConstraint(['checked_by_id'], ['app_user.id'], name=op.f('fk_recheck_checked_by_id_app_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_recheck_item_id_item'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['photo_id'], ['photo.id'], name=op.f('fk_recheck_photo_id_photo'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['walk_id'], ['walk.id'], name=op.f('fk_recheck_walk_id_walk'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recheck')),
    sa.UniqueConstraint('walk_id', 'item_id', name=op.f('uq_recheck_walk_id'))
    )
    with op.batch_alter_table('recheck', schema=None) as batch_op:
        batch_op.create_index('ix_recheck_item_id', ['item_id'], unique=False)

    op.create_table('walk_finding',
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('walk_id', sa.Integer(), nullable=False),
    sa.Column('stop_id', sa.Integer(), nullable=True),
    sa.Column('strong_point', sa.Boolean(), nullable=False),
    sa.Column('recommendation', sa.Text(), nullable=False),
    sa.Column('late', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_walk_finding_item_id_item'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['stop_id'], ['walk_stop.id'], name=op.f('fk_walk_finding_stop_id_walk_stop'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['walk_id'], ['walk.id'], name=op.f('fk_walk_finding_walk_id_walk'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('item_id', name=op.f('pk_walk_finding'))
    )
    with op.batch_alter_table('walk_finding', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_walk_finding_walk_id'), ['walk_id'], unique=False)


def downgrade():
    with op.batch_alter_table('walk_finding', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_walk_finding_walk_id'))

    op.drop_table('walk_finding')
    with op.batch_alter_table('recheck', schema=None) as batch_op:
        batch_op.drop_index('ix_recheck_item_id')

    op.drop_table('recheck')
    op.drop_table('night_grid')
    with op.batch_alter_table('walk_stop', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_walk_stop_walk_id'))

    op.drop_table('walk_stop')
    op.drop_table('walk_invitation')
    with op.batch_alter_table('walk', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_walk_sector'))
        batch_op.drop_index(batch_op.f('ix_walk_date'))

    op.drop_table('walk')
