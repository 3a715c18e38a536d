"""Index the public map by latitude band: the index of 0018 led with the longitude, so a
box read its whole north-south stripe of the town, a share of the table that grows with
it. Each item now keeps the band of its public latitude (app/items/models.band_of, about
5.6 m high) and the index leads with it: a box is read as one short range of longitudes
per band it spans, whatever the size of the table. The visibility follows the position:
a resident's own items are selected beside the public ones, from the same ranges. The index
on the public position alone, which every public box read now passes by, goes.

Existing items get their band here, a batch at a time, computed by the app's own function
(the reads compute the bands of a box with it); `flask --app app items prepare` writes it
again with the public texts.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-01 18:50:00

"""
from alembic import op
import sqlalchemy as sa

from app.items.models import band_of


# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None

BATCH = 5000
POSITIONS = sa.text("SELECT id, public_lat FROM item WHERE id > :last ORDER BY id LIMIT :batch")
BAND = sa.text("UPDATE item SET public_band = :band WHERE id = :id")
POSITION = ['public_lon', 'public_lat']
MAP_COLUMNS = ['created_at', 'id', 'category', 'status', 'map_feature']


def band_existing_items(bind):
    last = 0
    while True:
        rows = bind.execute(POSITIONS, {"last": last, "batch": BATCH}).all()
        if not rows:
            return
        bind.execute(BAND, [{"id": row.id, "band": band_of(row.public_lat)} for row in rows])
        last = rows[-1].id


def upgrade():
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('public_band', sa.Integer(), nullable=True))

    band_existing_items(op.get_bind())

    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.alter_column('public_band', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_index('ix_item_public_map')
        batch_op.drop_index('ix_item_public_lon_lat')
        batch_op.create_index('ix_item_public_map',
                              ['public_band', *POSITION, 'visibility', *MAP_COLUMNS],
                              unique=False)


def downgrade():
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.drop_index('ix_item_public_map')
        batch_op.create_index('ix_item_public_map', ['visibility', *POSITION, *MAP_COLUMNS],
                              unique=False)
        batch_op.create_index('ix_item_public_lon_lat', POSITION, unique=False)
        batch_op.drop_column('public_band')
