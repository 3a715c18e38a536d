"""Prepare each item's public GeoJSON feature as text when it changes, not at each read:
the feature a list gives to someone who is not staff (without the labels and page address
a request adds) and the lean feature the map draws. A public read then joins stored texts;
the map's is read from the index on the shown position alone, which now carries it (and
replaces the narrower one of 0016).

Existing items are prepared here by the public view's code (app/items/prepared.py), read
from the columns as they stand at this revision; `flask --app app items prepare` does the
same whenever that code changes later.

Revision ID: 0018
Revises: 0016
Create Date: 2026-12-01 14:30:00

"""
from alembic import op
import sqlalchemy as sa

from app.items.prepared import prepared_texts, row_as_item


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

BATCH = 2000
ITEMS = sa.text(
    "SELECT item.id, item.kind, item.category, item.subcategory, item.title,"
    " item.description, item.status, item.visibility, item.created_at, item.severity,"
    " item.danger, item.public_lon, item.public_lat, item.public_generalised,"
    " item.position, item.residence, item.building, item.entrance, item.floor, item.spot,"
    " item.version, place.name AS place_name, place.kind AS place_kind,"
    " (SELECT count(*) FROM support WHERE support.item_id = item.id) AS supports"
    " FROM item LEFT JOIN place ON place.id = item.place_id"
    " WHERE item.id > :last ORDER BY item.id LIMIT :batch"
).columns(created_at=sa.DateTime, danger=sa.Boolean, public_generalised=sa.Boolean)
PREPARE = sa.text(
    "UPDATE item SET public_feature = :public_feature, map_feature = :map_feature"
    " WHERE id = :id")


def prepare_existing_items(bind):
    last = 0
    while True:
        rows = bind.execute(ITEMS, {"last": last, "batch": BATCH}).mappings().all()
        if not rows:
            return
        prepared = []
        for row in rows:
            columns = dict(row)
            place = columns.pop("place_name"), columns.pop("place_kind")
            supports = columns.pop("supports")
            texts = prepared_texts(row_as_item(columns, *place), supports)
            prepared.append({"id": row["id"], **texts})
        bind.execute(PREPARE, prepared)
        last = rows[-1]["id"]


def upgrade():
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('public_feature', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('map_feature', sa.Text(), nullable=True))

    prepare_existing_items(op.get_bind())

    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.drop_index('ix_item_visibility_public_lon_lat')
        batch_op.create_index('ix_item_public_map', [
            'visibility', 'public_lon', 'public_lat', 'created_at', 'id', 'category', 'status',
            'map_feature'], unique=False)


def downgrade():
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.drop_index('ix_item_public_map')
        batch_op.create_index('ix_item_visibility_public_lon_lat',
                              ['visibility', 'public_lon', 'public_lat'], unique=False)
        batch_op.drop_column('map_feature')
        batch_op.drop_column('public_feature')
