"""Routing: land tenure zones, the routing table (seeded from DOMAIN.md), target delays,
the e-mail outbox, and the item's routing dates, due dates and return count.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 01:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

# DOMAIN.md, "Who is responsible for what": category -> (on public land, on landlord land).
# None where the table says "—" (no default: the coordinator decides). Where DOMAIN.md
# splits a cell by sub-category (bin rooms, sewers) the rule holds the main case.
DEFAULT_ROUTING = {
    "proprete": ("ville-antony", "hbh"),
    "dechets": ("vsgp", "vsgp"),
    "depots-sauvages": ("ville-antony", "hbh"),
    "tags": ("ville-antony", "hbh"),
    "eclairage": ("ville-antony", "hbh"),
    "voirie": ("ville-antony", "hbh"),
    "mobilier-urbain": ("ville-antony", "hbh"),
    "espaces-verts": ("ville-antony", "hbh"),
    "parties-communes": (None, "hbh"),
    "nuisibles": ("ville-antony", "hbh"),
    "assainissement": ("vsgp", "vsgp"),
    "accessibilite": ("ville-antony", "hbh"),
    "stationnement": ("ville-antony", "hbh"),
    "tranquillite": ("ville-antony", "hbh"),
    "transports": ("ville-antony", None),
    "proposition": ("ville-antony", "ville-antony"),
}
LANDLORD = "hbh"
# Working days to acknowledge and to resolve, per organisation ("*": every category).
DEFAULT_DELAYS = [
    ("hbh", "*", 3, 15), ("ville-antony", "*", 3, 15), ("vsgp", "*", 3, 10),
    ("cd92", "*", 5, 30),
    ("hbh", "parties-communes", 2, 10), ("ville-antony", "eclairage", 2, 10),
]


def upgrade():
    op.create_table('routing_rule',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=32), nullable=False),
    sa.Column('land', sa.String(length=32), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_routing_rule_organisation_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_routing_rule')),
    sa.UniqueConstraint('category', 'land', name=op.f('uq_routing_rule_category'))
    )
    op.create_table('target_delay',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=32), nullable=False),
    sa.Column('acknowledge_days', sa.Integer(), nullable=False),
    sa.Column('resolve_days', sa.Integer(), nullable=False),
    sa.CheckConstraint('acknowledge_days > 0 AND resolve_days >= acknowledge_days', name=op.f('ck_target_delay_sensible_days')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_target_delay_organisation_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_target_delay')),
    sa.UniqueConstraint('organisation_id', 'category', name=op.f('uq_target_delay_organisation_id'))
    )
    op.create_table('tenure_zone',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('geometry', sa.JSON(), nullable=False),
    sa.Column('is_demo', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['owner_id'], ['organisation.id'], name=op.f('fk_tenure_zone_owner_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tenure_zone'))
    )
    with op.batch_alter_table('tenure_zone', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tenure_zone_owner_id'), ['owner_id'], unique=False)

    op.create_table('outbox_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=True),
    sa.Column('to_address', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('delivery', sa.String(length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(), nullable=False),
    sa.Column('claimed_at', sa.DateTime(), nullable=True),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("delivery IN ('pending', 'sending', 'sent', 'failed')", name=op.f('ck_outbox_message_known_delivery')),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_outbox_message_item_id_item'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_message'))
    )
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_message_delivery_next_attempt_at', ['delivery', 'next_attempt_at'], unique=False)

    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('routed_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('acknowledge_due', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('resolve_due', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('expected_date', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('return_count', sa.Integer(), server_default='0', nullable=False))

    organisations = dict(op.get_bind().execute(sa.text("SELECT code, id FROM organisation")).all())
    rules = sa.table("routing_rule", sa.column("category", sa.String),
                     sa.column("land", sa.String), sa.column("organisation_id", sa.Integer))
    op.bulk_insert(rules, [
        {"category": category, "land": land, "organisation_id": organisations[code]}
        for category, cells in DEFAULT_ROUTING.items()
        for land, code in zip(("public", LANDLORD), cells)
        if code is not None
    ])
    delays = sa.table("target_delay", sa.column("organisation_id", sa.Integer),
                      sa.column("category", sa.String), sa.column("acknowledge_days", sa.Integer),
                      sa.column("resolve_days", sa.Integer))
    op.bulk_insert(delays, [
        {"organisation_id": organisations[code], "category": category,
         "acknowledge_days": acknowledge, "resolve_days": resolve}
        for code, category, acknowledge, resolve in DEFAULT_DELAYS
    ])


def downgrade():
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.drop_column('return_count')
        batch_op.drop_column('expected_date')
        batch_op.drop_column('resolve_due')
        batch_op.drop_column('acknowledge_due')
        batch_op.drop_column('routed_at')

    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_message_delivery_next_attempt_at')

    op.drop_table('outbox_message')
    with op.batch_alter_table('tenure_zone', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tenure_zone_owner_id'))

    op.drop_table('tenure_zone')
    op.drop_table('target_delay')
    op.drop_table('routing_rule')
