"""Index the triage queue with what its filters test: a status's items, oldest first, with
their category, kind, suggested organisation and number of returns, so that a filtered
part of the queue and its count are read from the index alone instead of fetching each
waiting item of the status to test it (the index by status and age it replaces kept only
the order); and its disputed items (returned twice or more) the same way, by status and
number of returns, so that the few of them are found without reading every waiting item
(the index by status and returns it replaces had nothing else).

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-02 04:50:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None

# (new index, its columns, the index it replaces, that index's columns)
REPLACED = [
    ('ix_item_triage_queue', ['status', 'created_at', 'id', 'category', 'kind',
                              'suggested_organisation_id', 'return_count'],
     'ix_item_status_created_at', ['status', 'created_at']),
    ('ix_item_triage_disputed', ['status', 'return_count', 'created_at', 'id', 'category',
                                 'kind', 'suggested_organisation_id'],
     'ix_item_status_return_count', ['status', 'return_count']),
]


def upgrade():
    with op.batch_alter_table('item', schema=None) as batch_op:
        for name, columns, replaced, _before in REPLACED:
            batch_op.drop_index(replaced)
            batch_op.create_index(name, columns, unique=False)


def downgrade():
    with op.batch_alter_table('item', schema=None) as batch_op:
        for name, _columns, replaced, before in REPLACED:
            batch_op.drop_index(name)
            batch_op.create_index(replaced, before, unique=False)
