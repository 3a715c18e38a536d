"""What the public is shown of each item, prepared as text when the item changes, so that a
public map or list read selects stored texts by an index and joins them, building nothing.

Two texts per item, both built by `prepared_texts` from the one public view
(public_view.public_view) and nothing else:
- `public_feature`: the item's GeoJSON Feature as a list gives it to someone who is not
  staff (schemas.public_feature), without what depends on the request: the labels, in the
  reader's language, and the address of its page. The text stops before the closing braces
  of `properties` and of the feature, so a read appends those (`full_feature_text`).
- `map_feature`: the lean Feature the map draws (`fields=map`): its public position, id,
  reference, category and status codes and title; labels come once per answer.

With them, the public position's latitude band (models.band_of), which the public map's
index leads with: set by every insert, written again here with the texts.

They are written when anything they show changes: every flush of an item (its version is
in the feature: any change of the item changes it), a support given or withdrawn, a renamed
place, and by the bulk writers that bypass the ORM (a category's publicity, an account's
deletion). `flask items prepare` writes them all again after the public view's code
changed.
"""

import json
from types import SimpleNamespace

from sqlalchemy import bindparam, event, func, select, update
from sqlalchemy.orm import Session, attributes

from app.extensions import db
from app.places.models import Place

from .models import Item, band_of, reference_of
from .public_view import public_view

TEXTS = ("public_feature", "map_feature")
# Location details a list leaves to the item's page.
DETAILS = ("residence", "building", "entrance", "floor", "spot")
MAP_DECIMALS = 6  # about 0.1 m: finer than any position the public is shown


def iso(moment):
    return moment.isoformat(timespec="seconds") + "Z"


def dumps(value):
    """Compact JSON text, non-ASCII characters kept as they are (UTF-8 answers)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def public_feature(item, supports=None):
    """The item as a GeoJSON Feature for someone who is not staff, without the labels and
    page address a request adds; a proposal carries its number of `supports`."""
    props = public_view(item)
    lon, lat = props.pop("lon"), props.pop("lat")
    for name in DETAILS:
        del props[name]
    props.update({"version": item.version, "created_at": iso(item.created_at)})
    if item.kind == "proposal":
        props["supports"] = supports or 0
    return {"type": "Feature", "id": item.id,
            "geometry": {"type": "Point", "coordinates": [lon, lat]}, "properties": props}


def map_feature(item, lon, lat):
    """The lean Feature the map draws of `item` at (lon, lat)."""
    props = {"reference": item.reference, "category": item.category, "status": item.status}
    if item.title:
        props["title"] = item.title
    return {"type": "Feature", "id": item.id, "geometry": {"type": "Point", "coordinates": [
        round(lon, MAP_DECIMALS), round(lat, MAP_DECIMALS)]}, "properties": props}


def prepared_texts(item, supports=None):
    """{"public_feature": text, "map_feature": text} of `item` (see the module's doc)."""
    feature = public_feature(item, supports)
    shown = feature["geometry"]["coordinates"]
    return {"public_feature": dumps(feature).removesuffix("}}"),
            "map_feature": dumps(map_feature(item, *shown))}


def feature_properties_text(properties):
    """`properties` as the JSON text of members, to append to an object's."""
    return dumps(properties)[1:-1]


def full_feature_text(text, added):
    """The Feature of a stored `public_feature` text with the properties `added` (the JSON
    text of members: the labels and page address of this request) appended."""
    return f"{text},{added}}}}}"


def row_as_item(row, place_name=None, place_kind=None):
    """An item-like object from a row of the item table's columns (a migration, a bulk
    insert), with its place's name and kind: what prepared_texts reads of an item."""
    place = SimpleNamespace(name=place_name, kind=place_kind) if place_name else None
    return SimpleNamespace(**row, place=place,
                           reference=reference_of(row["id"], row["created_at"].year))


def stored_texts(rows, name):
    """The stored `name` text of each row (id, …, `name`: the id first, the text last) of a
    page; an item inserted outside the app and not yet prepared (see `flask items
    prepare`) is built here, not skipped. Rows are read by position: a thousand rows read
    by column name cost more than the rest of the read."""
    texts = [row[-1] for row in rows]
    missing = [row[0] for row, text in zip(rows, texts, strict=True) if text is None]
    if not missing:
        return texts
    supports = support_counts(missing)
    built = {item.id: prepared_texts(item, supports.get(item.id, 0))[name]
             for item in db.session.scalars(select(Item).where(Item.id.in_(missing)))}
    return [text or built[row[0]] for row, text in zip(rows, texts, strict=True)]


# --- writing ------------------------------------------------------------------------------

def _support_table():
    """The supports table hangs off the item (from the proposals package), reached through
    the relationship so that items need not know that package."""
    return Item.supports.property.mapper.local_table


def support_counts(item_ids, connection=None):
    """{item id: number of supports} for these items' proposals, in one query."""
    if not item_ids:
        return {}
    table = _support_table()
    return dict((connection or db.session).execute(
        select(table.c.item_id, func.count()).where(table.c.item_id.in_(list(item_ids)))
        .group_by(table.c.item_id)).all())


_TABLE = Item.__table__
# The texts and the band the public map's index leads with (models.band_of).
PREPARED_COLUMNS = (*TEXTS, "public_band")
# updated_at is kept as it is: preparing is no edit of the item.
_WRITE = (update(_TABLE).where(_TABLE.c.id == bindparam("item_id"))
          .values({**{name: bindparam(f"new_{name}") for name in PREPARED_COLUMNS},
                   "updated_at": _TABLE.c.updated_at}))


def write_prepared(items, connection):
    """Write the prepared texts and band of `items` (loaded, flushed) through `connection`,
    beside the ORM: these derived columns are no edit of the item and must not bump its
    version."""
    items = [item for item in items if item.id is not None]
    if not items:
        return
    supports = support_counts([item.id for item in items if item.kind == "proposal"],
                              connection)
    rows = []
    for item in items:
        prepared = {**prepared_texts(item, supports.get(item.id, 0)),
                    "public_band": band_of(item.public_lat)}
        rows.append({"item_id": item.id,
                     **{f"new_{name}": prepared[name] for name in PREPARED_COLUMNS}})
        for name in PREPARED_COLUMNS:  # what the database now holds, item left clean
            attributes.set_committed_value(item, name, prepared[name])
    connection.execute(_WRITE, rows)


def prepare_items(item_ids):
    """Prepare again the items with these ids (after a bulk UPDATE that bypassed the ORM)."""
    if not item_ids:
        return
    db.session.flush()
    items = db.session.scalars(select(Item).where(Item.id.in_(list(item_ids)))
                               .execution_options(populate_existing=True)).all()
    write_prepared(items, db.session.connection())


def prepare_all(batch=2000):
    """Prepare every item again, `batch` at a time; return how many."""
    done, last = 0, 0
    while True:
        ids = db.session.scalars(select(Item.id).where(Item.id > last).order_by(Item.id)
                                 .limit(batch)).all()
        if not ids:
            return done
        prepare_items(ids)
        db.session.expunge_all()
        done, last = done + len(ids), ids[-1]


@event.listens_for(Session, "after_flush")
def _prepare_what_changed(session, _flush_context):
    """After each flush, prepare the items whose public texts may have changed: any item
    written (its version moved), the proposals whose supports changed, the items of a
    renamed place."""
    changed = {item for item in (*session.new, *session.dirty)
               if isinstance(item, Item) and session.is_modified(item)
               and item not in session.deleted}
    support_class = Item.supports.property.mapper.class_
    support_items = {support.item_id for support in (*session.new, *session.deleted)
                     if isinstance(support, support_class)}
    places = [place.id for place in session.dirty
              if isinstance(place, Place) and session.is_modified(place)]
    extra_ids = set(support_items)
    if places:
        extra_ids.update(session.scalars(select(Item.id).where(Item.place_id.in_(places))))
    extra_ids -= {item.id for item in changed}
    extra = [session.get(Item, item_id) for item_id in extra_ids]
    write_prepared([item for item in (*changed, *extra) if item is not None],
                   session.connection())
