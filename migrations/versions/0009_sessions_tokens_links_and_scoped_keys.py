"""Sessions that can be ended, named expiring API tokens, sign-up and reset links, and
idempotency keys scoped to their caller with the fingerprint of the request they made.

Existing tokens get 90 days from the upgrade. Existing keys are scoped to the account that
sent them (author or staff entering for a resident), else to anonymous callers; having no
fingerprint, they can no longer be replayed (a replay answers 422, never the item).

Revision ID: 0009
Revises: 0007
"""
from datetime import datetime, timedelta, timezone

from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('user_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('user_agent', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_user_session_user_id_app_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_session')),
    sa.UniqueConstraint('digest', name=op.f('uq_user_session_digest'))
    )
    with op.batch_alter_table('user_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_session_user_id'), ['user_id'], unique=False)

    op.create_table('account_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.String(length=10), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('password_hash', sa.String(length=256), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('used_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("purpose IN ('signup', 'reset')", name=op.f('ck_account_link_known_purpose')),
    sa.CheckConstraint("purpose = 'reset' OR password_hash IS NOT NULL", name=op.f('ck_account_link_signup_has_password')),
    sa.CheckConstraint("purpose = 'signup' OR user_id IS NOT NULL", name=op.f('ck_account_link_reset_has_user')),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_account_link_user_id_app_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_account_link')),
    sa.UniqueConstraint('digest', name=op.f('uq_account_link_digest'))
    )
    with op.batch_alter_table('account_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_account_link_email'), ['email'], unique=False)

    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name', sa.String(length=80), server_default='', nullable=False))
        batch_op.add_column(sa.Column('expires_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('last_used_at', sa.DateTime(), nullable=True))
    expiry = datetime.now(timezone.utc).replace(tzinfo=None) + timedelta(days=90)
    op.execute(sa.text("UPDATE api_token SET expires_at = :expiry").bindparams(expiry=expiry))
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.alter_column('expires_at', existing_type=sa.DateTime(), nullable=False)

    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('idempotency_scope', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('request_fingerprint', sa.String(length=64), nullable=True))
    op.execute("UPDATE item SET idempotency_scope = CASE "
               "WHEN entered_by_id IS NOT NULL THEN 'user:' || entered_by_id "
               "WHEN author_id IS NOT NULL THEN 'user:' || author_id "
               "ELSE 'anonymous' END WHERE idempotency_key IS NOT NULL")
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.drop_constraint('uq_item_idempotency_key', type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_item_idempotency_scope'), ['idempotency_scope', 'idempotency_key'])


def downgrade():
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_item_idempotency_scope'), type_='unique')
        batch_op.create_unique_constraint('uq_item_idempotency_key', ['idempotency_key'])
        batch_op.drop_column('request_fingerprint')
        batch_op.drop_column('idempotency_scope')

    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_column('last_used_at')
        batch_op.drop_column('expires_at')
        batch_op.drop_column('name')

    with op.batch_alter_table('account_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_account_link_email'))
    op.drop_table('account_link')

    with op.batch_alter_table('user_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_session_user_id'))
    op.drop_table('user_session')
