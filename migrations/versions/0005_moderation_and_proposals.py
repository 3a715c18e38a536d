"""moderation and proposals: moderation log, text revisions, flags, category publicity,
proposals with supports and comments, tables de quartier; photo.original_name

Revision ID: 0005
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('category_publicity',
    sa.Column('category', sa.String(length=32), nullable=False),
    sa.Column('publicity', sa.String(length=12), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("publicity IN ('public', 'generalised', 'staff')", name=op.f('ck_category_publicity_known_publicity')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['app_user.id'], name=op.f('fk_category_publicity_updated_by_id_app_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('category', name=op.f('pk_category_publicity'))
    )
    op.create_table('table_meeting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('held_at', sa.DateTime(), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['app_user.id'], name=op.f('fk_table_meeting_created_by_id_app_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_table_meeting'))
    )
    op.create_table('agenda_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.String(length=12), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("outcome IS NULL OR outcome = 'carried' OR reason <> ''", name=op.f('ck_agenda_entry_not_carried_has_reason')),
    sa.CheckConstraint("outcome IS NULL OR outcome = 'not_carried' OR organisation_id IS NOT NULL", name=op.f('ck_agenda_entry_carried_has_organisation')),
    sa.CheckConstraint("outcome IS NULL OR outcome IN ('carried', 'not_carried')", name=op.f('ck_agenda_entry_known_outcome')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['app_user.id'], name=op.f('fk_agenda_entry_decided_by_id_app_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_agenda_entry_item_id_item'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['meeting_id'], ['table_meeting.id'], name=op.f('fk_agenda_entry_meeting_id_table_meeting'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_agenda_entry_organisation_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agenda_entry')),
    sa.UniqueConstraint('meeting_id', 'item_id', name=op.f('uq_agenda_entry_meeting_id'))
    )
    with op.batch_alter_table('agenda_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agenda_entry_item_id'), ['item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_agenda_entry_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('comment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('visibility', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("visibility IN ('pending', 'public', 'hidden')", name=op.f('ck_comment_known_visibility')),
    sa.ForeignKeyConstraint(['author_id'], ['app_user.id'], name=op.f('fk_comment_author_id_app_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_comment_item_id_item'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_comment'))
    )
    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_comment_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_comment_item_id'), ['item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_comment_visibility'), ['visibility'], unique=False)

    op.create_table('proposal',
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('theme', sa.String(length=20), nullable=True),
    sa.Column('answer', sa.String(length=10), nullable=True),
    sa.Column('answer_text', sa.Text(), nullable=False),
    sa.Column('answer_organisation_id', sa.Integer(), nullable=True),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.Column('answered_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("answer IS NULL OR (answer_text <> '' AND answered_at IS NOT NULL AND answer_organisation_id IS NOT NULL)", name=op.f('ck_proposal_answer_has_reasons')),
    sa.CheckConstraint("answer IS NULL OR answer IN ('accepted', 'partly', 'declined')", name=op.f('ck_proposal_known_answer')),
    sa.CheckConstraint("theme IS NULL OR theme IN ('cohesion-sociale', 'cadre-de-vie', 'emploi')", name=op.f('ck_proposal_known_theme')),
    sa.ForeignKeyConstraint(['answer_organisation_id'], ['organisation.id'], name=op.f('fk_proposal_answer_organisation_id_organisation')),
    sa.ForeignKeyConstraint(['answered_by_id'], ['app_user.id'], name=op.f('fk_proposal_answered_by_id_app_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_proposal_item_id_item'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('item_id', name=op.f('pk_proposal'))
    )
    op.create_table('support',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_support_item_id_item'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_support_user_id_app_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_support')),
    sa.UniqueConstraint('item_id', 'user_id', name=op.f('uq_support_item_id'))
    )
    with op.batch_alter_table('support', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_support_item_id'), ['item_id'], unique=False)

    op.create_table('flag',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('target', sa.String(length=30), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=True),
    sa.Column('comment_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.String(length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('reporter', sa.String(length=80), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("reason IN ('personal-data', 'insult', 'off-topic', 'other')", name=op.f('ck_flag_known_reason')),
    sa.CheckConstraint('(item_id IS NULL) <> (comment_id IS NULL)', name=op.f('ck_flag_one_target')),
    sa.ForeignKeyConstraint(['comment_id'], ['comment.id'], name=op.f('fk_flag_comment_id_comment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_flag_item_id_item'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_flag_user_id_app_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_flag')),
    sa.UniqueConstraint('target', 'reporter', name=op.f('uq_flag_target'))
    )
    with op.batch_alter_table('flag', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_flag_comment_id'), ['comment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_flag_item_id'), ['item_id'], unique=False)

    op.create_table('moderation_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=True),
    sa.Column('comment_id', sa.Integer(), nullable=True),
    sa.Column('photo_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=10), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("action IN ('publish', 'hide', 'edit', 'mask', 'merge', 'flagged')", name=op.f('ck_moderation_event_known_action')),
    sa.ForeignKeyConstraint(['actor_id'], ['app_user.id'], name=op.f('fk_moderation_event_actor_id_app_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['comment_id'], ['comment.id'], name=op.f('fk_moderation_event_comment_id_comment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_moderation_event_item_id_item'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['photo_id'], ['photo.id'], name=op.f('fk_moderation_event_photo_id_photo'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_moderation_event'))
    )
    with op.batch_alter_table('moderation_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_moderation_event_comment_id'), ['comment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_moderation_event_item_id'), ['item_id'], unique=False)

    op.create_table('text_revision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=True),
    sa.Column('comment_id', sa.Integer(), nullable=True),
    sa.Column('field', sa.String(length=20), nullable=False),
    sa.Column('before', sa.Text(), nullable=False),
    sa.Column('after', sa.Text(), nullable=False),
    sa.Column('editor_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('(item_id IS NULL) <> (comment_id IS NULL)', name=op.f('ck_text_revision_one_target')),
    sa.ForeignKeyConstraint(['comment_id'], ['comment.id'], name=op.f('fk_text_revision_comment_id_comment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['editor_id'], ['app_user.id'], name=op.f('fk_text_revision_editor_id_app_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_text_revision_item_id_item'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_text_revision'))
    )
    with op.batch_alter_table('text_revision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_text_revision_comment_id'), ['comment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_text_revision_item_id'), ['item_id'], unique=False)

    with op.batch_alter_table('photo', schema=None) as batch_op:
        batch_op.add_column(sa.Column('original_name', sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table('photo', schema=None) as batch_op:
        batch_op.drop_column('original_name')
    op.drop_table('text_revision')
    op.drop_table('moderation_event')
    op.drop_table('flag')
    op.drop_table('support')
    op.drop_table('proposal')
    op.drop_table('comment')
    op.drop_table('agenda_entry')
    op.drop_table('table_meeting')
    op.drop_table('category_publicity')
