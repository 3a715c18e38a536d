"""Prepare what the public is shown of each item when it changes, not at each read: its
public position (generalised for a sensitive item), whether it is generalised, and what
makes it so (sensitive whatever its category, a walk stop it may be shown at). The public
map then selects on the position it shows, through an index.

Existing items are prepared by the rules in force at this revision: a category set to
"generalised" (tranquillité by default), or a finding of a night or women's walk, is shown
at its stop when within 100 m, otherwise at the centre of its 50 m Lambert-93 grid cell.

Revision ID: 0008
Revises: 0013
Create Date: 2026-11-28 09:00:00

"""
from alembic import op
import sqlalchemy as sa

from app.geo.routes import generalised_point


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0013'
branch_labels = None
depends_on = None

# As they stand at this revision (app/items/models.py, app/walks/models.py).
DEFAULT_PUBLICITY = {"tranquillite": "generalised"}
SENSITIVE_WALK_TYPES = ("nuit", "marche-exploratoire-femmes")
ITEMS_WITH_THEIR_WALK = sa.text(
    "SELECT item.id, item.lon, item.lat, item.category, walk.type, walk_stop.lon, walk_stop.lat"
    " FROM item LEFT JOIN walk_finding ON walk_finding.item_id = item.id"
    " LEFT JOIN walk ON walk.id = walk_finding.walk_id"
    " LEFT JOIN walk_stop ON walk_stop.id = walk_finding.stop_id")
PREPARE = sa.text(
    "UPDATE item SET public_lon = :public_lon, public_lat = :public_lat,"
    " public_generalised = :public_generalised, sensitive = :sensitive,"
    " anchor_lon = :anchor_lon, anchor_lat = :anchor_lat WHERE id = :id")


def prepare_existing_items(bind):
    publicity = dict(DEFAULT_PUBLICITY)
    publicity.update(bind.execute(sa.text(
        "SELECT category, publicity FROM category_publicity")).all())
    rows = []
    for item_id, lon, lat, category, walk_type, stop_lon, stop_lat in bind.execute(
            ITEMS_WITH_THEIR_WALK):
        sensitive = walk_type in SENSITIVE_WALK_TYPES
        anchor = (stop_lon, stop_lat) if stop_lon is not None else None
        generalised = sensitive or publicity.get(category) == "generalised"
        public_lon, public_lat = generalised_point(lon, lat, anchor) if generalised else (lon, lat)
        rows.append({"id": item_id, "public_lon": public_lon, "public_lat": public_lat,
                     "public_generalised": generalised, "sensitive": sensitive,
                     "anchor_lon": anchor[0] if anchor else None,
                     "anchor_lat": anchor[1] if anchor else None})
    if rows:
        bind.execute(PREPARE, rows)


def upgrade():
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('public_lon', sa.Double(), nullable=True))
        batch_op.add_column(sa.Column('public_lat', sa.Double(), nullable=True))
        batch_op.add_column(sa.Column('public_generalised', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column('sensitive', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column('anchor_lon', sa.Double(), nullable=True))
        batch_op.add_column(sa.Column('anchor_lat', sa.Double(), nullable=True))

    prepare_existing_items(op.get_bind())

    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.alter_column('public_lon', existing_type=sa.Double(), nullable=False)
        batch_op.alter_column('public_lat', existing_type=sa.Double(), nullable=False)
        batch_op.alter_column('public_generalised', existing_type=sa.Boolean(),
                              server_default=None)
        batch_op.alter_column('sensitive', existing_type=sa.Boolean(), server_default=None)
        batch_op.create_check_constraint(
            op.f('ck_item_anchor_whole'), '(anchor_lon IS NULL) = (anchor_lat IS NULL)')
        batch_op.create_index('ix_item_public_lon_lat', ['public_lon', 'public_lat'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.drop_index('ix_item_public_lon_lat')
        batch_op.drop_constraint(op.f('ck_item_anchor_whole'), type_='check')
        batch_op.drop_column('anchor_lat')
        batch_op.drop_column('anchor_lon')
        batch_op.drop_column('sensitive')
        batch_op.drop_column('public_generalised')
        batch_op.drop_column('public_lat')
        batch_op.drop_column('public_lon')
