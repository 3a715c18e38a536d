"""Committee meetings: the agenda generated from the data and edited by the coordination
(each item point keeps the state the item had then), one decision per point (who acts,
by when, a note, and the history row it wrote on the item).

Revision ID: 0011b
Revises: 0011
Create Date: 2026-12-01 09:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011b'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('committee_meeting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('starts_at', sa.Time(), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('attendees', sa.Text(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('agenda_generated_at', sa.DateTime(), nullable=True),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['app_user.id'], name=op.f('fk_committee_meeting_created_by_id_app_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_committee_meeting'))
    )
    with op.batch_alter_table('committee_meeting', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_committee_meeting_held_on'), ['held_on'], unique=False)

    op.create_table('agenda_point',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('reasons', sa.JSON(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('details', sa.JSON(), nullable=True),
    sa.Column('follows_point_id', sa.Integer(), nullable=True),
    sa.Column('seen_status', sa.String(length=20), nullable=True),
    sa.Column('seen_version', sa.Integer(), nullable=True),
    sa.Column('seen_organisation_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['follows_point_id'], ['agenda_point.id'], name=op.f('fk_agenda_point_follows_point_id_agenda_point'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_agenda_point_item_id_item'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['meeting_id'], ['committee_meeting.id'], name=op.f('fk_agenda_point_meeting_id_committee_meeting'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['seen_organisation_id'], ['organisation.id'], name=op.f('fk_agenda_point_seen_organisation_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agenda_point')),
    sa.UniqueConstraint('meeting_id', 'item_id', name=op.f('uq_agenda_point_meeting_id'))
    )
    with op.batch_alter_table('agenda_point', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agenda_point_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('committee_decision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('point_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('moved', sa.Boolean(), nullable=False),
    sa.Column('item_event_id', sa.Integer(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_by_label', sa.String(length=254), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['decided_by_id'], ['app_user.id'], name=op.f('fk_committee_decision_decided_by_id_app_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['item_event_id'], ['item_event.id'], name=op.f('fk_committee_decision_item_event_id_item_event'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_committee_decision_organisation_id_organisation')),
    sa.ForeignKeyConstraint(['point_id'], ['agenda_point.id'], name=op.f('fk_committee_decision_point_id_agenda_point'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_committee_decision')),
    sa.UniqueConstraint('point_id', name=op.f('uq_committee_decision_point_id'))
    )


def downgrade():
    op.drop_table('committee_decision')
    with op.batch_alter_table('agenda_point', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agenda_point_meeting_id'))

    op.drop_table('agenda_point')
    with op.batch_alter_table('committee_meeting', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_committee_meeting_held_on'))

    op.drop_table('committee_meeting')
