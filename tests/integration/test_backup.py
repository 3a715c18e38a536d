"""`flask backup create DIR` and `flask backup restore DIR` on the engine under test: data
backed up, wiped, restored and found identical; a damaged or mismatched backup refused
before anything changes."""

import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import inspect, select, text

from app.backup.services import code_revision
from app.extensions import db
from app.items.models import Item, ItemEvent, Photo
from app.triage import services as triage
from app.walks.models import Walk, WalkFinding, WalkStop
from tests import images
from tests.conftest import INSIDE, drop_everything, make_item, make_user
from tests.workflow import coordinator, planned_walk


def rows(model):
    """Every row of `model` as a tuple of its column values, in id order."""
    columns = [column.key for column in inspect(model).columns]
    db.session.expire_all()
    return [tuple(getattr(row, name) for name in columns)
            for row in db.session.scalars(select(model).order_by(*inspect(model).primary_key))]


def upload_files(app):
    folder = Path(app.config["UPLOAD_DIR"])
    return {path.name: path.read_bytes() for path in folder.iterdir() if path.is_file()}


def snapshot(app):
    names = {n for photo in db.session.scalars(select(Photo))
             for n in (photo.stored_name, photo.thumbnail_name)}
    files = upload_files(app)
    found = {"items": rows(Item), "events": rows(ItemEvent), "photos": rows(Photo),
             "walks": rows(Walk), "stops": rows(WalkStop), "findings": rows(WalkFinding),
             "files": {name: files[name] for name in names}}
    db.session.rollback()  # no lock kept on the tables a restore replaces
    return found


@pytest.fixture
def cli(app):
    def run(*args, **kwargs):
        return app.test_cli_runner().invoke(args=list(args), **kwargs)
    return run


@pytest.fixture
def data(app):
    """Items with photos and a history, a walk with its stops and a finding."""
    walk = planned_walk()
    make_item(kind="dem", category="eclairage", walk=walk.id,
              photos=[("nuit.jpg", images.jpeg(width=400, height=300))])
    item = make_item(email="auteur@example.org", photos=[("sacs.png", images.png())])
    triage.route_item(coordinator(), item, item.suggested_organisation)
    triage.act_on_item(make_user("agent", "ville-antony"), item, "acknowledged")
    db.session.commit()
    return snapshot(app)


def wipe(app):
    db.session.remove()
    drop_everything()
    for path in Path(app.config["UPLOAD_DIR"]).iterdir():
        path.unlink()


def test_a_backup_restores_every_item_event_photo_and_walk(app, cli, data, tmp_path):
    folder = tmp_path / "sauvegarde"
    made = cli("backup", "create", str(folder))
    assert made.exit_code == 0, made.output
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["revision"] == code_revision() and manifest["counts"]["item"] == 2
    assert manifest["engine"] == db.engine.dialect.name
    assert len([name for name in manifest["files"] if name.startswith("photos/")]) == 4
    wipe(app)
    restored = cli("backup", "restore", str(folder), "--yes")
    assert restored.exit_code == 0, restored.output
    assert "rows checked against the manifest" in restored.output
    assert snapshot(app) == data
    # Ids go on after the restored ones.
    assert make_item().id > max(row[0] for row in data["items"])


def test_a_restored_postgresql_base_has_its_statistics_and_visibility_map_at_once(
        postgresql_only, cli, data, tmp_path):
    """Without them, until autovacuum comes by, the planner guesses and each index-only
    read also reads the table: the queues answer as they would after the restore settled."""
    folder = tmp_path / "sauvegarde"
    assert cli("backup", "create", str(folder)).exit_code == 0
    restored = cli("backup", "restore", str(folder), "--yes")
    assert restored.exit_code == 0, restored.output
    db.session.remove()
    settled = db.session.execute(text(
        "SELECT c.relallvisible, (SELECT count(*) FROM pg_stats s WHERE s.tablename = c.relname)"
        " FROM pg_class c WHERE c.relname = 'item'")).one()
    assert settled[0] > 0 and settled[1] > 0, settled


def test_restore_asks_before_replacing_the_database(cli, data, tmp_path):
    folder = tmp_path / "b"
    cli("backup", "create", str(folder))
    answered_no = cli("backup", "restore", str(folder), input="n\n")
    assert answered_no.exit_code == 1 and "Replace every row" in answered_no.output
    assert len(rows(Item)) == 2
    db.session.rollback()


def test_a_backup_goes_into_a_new_or_empty_folder(cli, tmp_path):
    (tmp_path / "old.txt").write_text("x")
    refused = cli("backup", "create", str(tmp_path))
    assert refused.exit_code == 1 and "is not empty" in refused.output


def damage_photo(folder):
    photo = next((folder / "photos").iterdir())
    photo.write_bytes(photo.read_bytes()[:-1] + b"\x00")
    return f"photos/{photo.name}"


def edit_manifest(**changes):
    def edit(folder):
        manifest = json.loads((folder / "manifest.json").read_text())
        manifest.update(changes)
        (folder / "manifest.json").write_text(json.dumps(manifest))
        return None
    return edit


@pytest.mark.parametrize("damage, message", [
    (damage_photo, "does not match its checksum: the backup is damaged"),
    (lambda folder: (folder / "manifest.json").unlink(), "has no manifest.json"),
    (lambda folder: (folder / "manifest.json").write_text("{"), "manifest.json is damaged"),
    (lambda folder: shutil.rmtree(folder / "photos"), "is missing from the backup"),
    (edit_manifest(revision="0007"), "has schema revision 0007, this version of Arpenteur "
                                     "expects"),
    (edit_manifest(engine="oracle"), "this backup is of a oracle database"),
    (edit_manifest(format="autre"), "is not an Arpenteur backup manifest"),
])
def test_a_damaged_or_mismatched_backup_is_refused_before_any_change(
        app, cli, data, tmp_path, damage, message):
    folder = tmp_path / "b"
    cli("backup", "create", str(folder))
    damage(folder)
    make_item(where=INSIDE, description="Écrit après la sauvegarde")
    db.session.rollback()
    refused = cli("backup", "restore", str(folder), "--yes")
    assert refused.exit_code == 1 and message in refused.output
    assert len(rows(Item)) == 3  # nothing was replaced
