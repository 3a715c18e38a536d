"""Making a backup, and restoring one only once every part of it is proven whole.

A backup is a folder:
  manifest.json     what it holds: format, date, engine, schema revision, rows per table,
                    and the size and SHA-256 of every file below (written last, so a backup
                    cut short has none and cannot be restored)
  database.dump     PostgreSQL: pg_dump's custom format, taken in the snapshot the rows
                    were counted in
  database.sqlite3  SQLite: a consistent copy made by SQLite's online backup API
  photos/           every photo file the database refers to

Restore refuses, before touching anything, a backup without its manifest, with a file
missing or changed, of another engine, or of another schema revision than the code's.
Then it replaces the database, puts the photos back into UPLOAD_DIR, and checks that
every table has the rows the manifest counted.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

from alembic.config import Config as AlembicConfig
from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy import create_engine, func, select, table, text

from app.clock import utcnow
from app.extensions import db

FORMAT = "arpenteur-backup-1"
MANIFEST = "manifest.json"
PHOTOS = "photos"
DUMPS = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
PHOTO_COLUMNS = "SELECT stored_name, thumbnail_name, original_name FROM photo"


class BackupRefused(Exception):
    """The backup cannot be made or restored; the message says why (for the operator)."""


def code_revision():
    """The schema revision this code migrates to (the head of migrations/)."""
    config = AlembicConfig()
    config.set_main_option("script_location", current_app.extensions["migrate"].directory)
    return ScriptDirectory.from_config(config).get_current_head()


def _engine_name():
    name = db.engine.dialect.name
    if name not in DUMPS:
        raise BackupRefused(f"backups support PostgreSQL and SQLite, not {name}")
    return name


def _table_names():
    return ["alembic_version", *(t.name for t in db.metadata.sorted_tables)]


def _counts(connection):
    """Rows per table."""
    return {name: connection.scalar(select(func.count()).select_from(table(name)))
            for name in _table_names()}


def _libpq_environment():
    """PG* variables for pg_dump and pg_restore: the password never shows in `ps`."""
    url = db.engine.url
    values = {"PGHOST": url.host, "PGPORT": url.port, "PGUSER": url.username,
              "PGPASSWORD": url.password, "PGDATABASE": url.database}
    return {**os.environ, **{k: str(v) for k, v in values.items() if v is not None}}


def _run(command):
    done = subprocess.run(command, env=_libpq_environment(),  # noqa: S603 (no shell)
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupRefused(f"{command[0]} failed: {done.stderr.strip()[-2000:]}")


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as source:
        for block in iter(lambda: source.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _dump_postgresql(target):
    """pg_dump in the very snapshot the rows are counted in; (counts, revision, photos)."""
    with db.engine.connect() as connection:
        connection = connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            snapshot = connection.scalar(text("SELECT pg_export_snapshot()"))
            counts = _counts(connection)
            revision = connection.scalar(text("SELECT version_num FROM alembic_version"))
            names = connection.execute(text(PHOTO_COLUMNS)).all()
            # A table locked by maintenance fails the backup instead of stalling it.
            lock_ms = round(current_app.config["DATABASE_LOCK_TIMEOUT"] * 1000)
            _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges",
                  f"--lock-wait-timeout={lock_ms}", f"--snapshot={snapshot}",
                  f"--file={target}"])
    return counts, revision, names


def _dump_sqlite(target):
    """A copy by the online backup API, then everything read from the copy itself."""
    with closing(db.engine.raw_connection()) as source, \
            closing(sqlite3.connect(target)) as copy:
        source.driver_connection.backup(copy)
    copy = create_engine(f"sqlite:///{target}")
    try:
        with copy.connect() as connection:
            return (_counts(connection),
                    connection.scalar(text("SELECT version_num FROM alembic_version")),
                    connection.execute(text(PHOTO_COLUMNS)).all())
    finally:
        copy.dispose()


def create_backup(directory):
    """Back up the database and its photos into `directory` (new or empty); return the
    manifest. Photos the database names but UPLOAD_DIR lacks are listed as missing."""
    folder = Path(directory)
    if folder.exists() and any(folder.iterdir()):
        raise BackupRefused(f"{folder} is not empty: give a new folder for each backup")
    engine = _engine_name()
    (folder / PHOTOS).mkdir(parents=True, exist_ok=True)
    dump = folder / DUMPS[engine]
    counts, revision, rows = (_dump_postgresql if engine == "postgresql" else _dump_sqlite)(
        dump)
    files = {dump.name: _describe(dump)}
    upload_dir, missing = Path(current_app.config["UPLOAD_DIR"]), []
    for name in sorted({name for row in rows for name in row if name}):
        if not (upload_dir / name).is_file():
            missing.append(name)
            continue
        shutil.copyfile(upload_dir / name, folder / PHOTOS / name)
        files[f"{PHOTOS}/{name}"] = _describe(folder / PHOTOS / name)
    manifest = {"format": FORMAT, "created_at": utcnow().isoformat(timespec="seconds") + "Z",
                "engine": engine, "revision": revision, "counts": counts, "files": files,
                "missing_photos": missing}
    partial = folder / f".{MANIFEST}.part"
    partial.write_text(json.dumps(manifest, indent=2, sort_keys=True))
    partial.replace(folder / MANIFEST)
    return manifest


def _describe(path):
    return {"bytes": path.stat().st_size, "sha256": _sha256(path)}


def check_backup(directory):
    """The manifest of a backup proven whole and restorable here; BackupRefused otherwise."""
    folder = Path(directory)
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except FileNotFoundError:
        raise BackupRefused(f"{folder} has no {MANIFEST}: not a backup, or one cut "
                            "short") from None
    except (OSError, ValueError) as error:
        raise BackupRefused(f"{folder / MANIFEST} is damaged: {error}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupRefused(f"{folder / MANIFEST} is not an Arpenteur backup manifest "
                            f"({FORMAT})")
    engine = _engine_name()
    if manifest.get("engine") != engine:
        raise BackupRefused(f"this backup is of a {manifest.get('engine')} database; "
                            f"DATABASE_URL is {engine}")
    if manifest.get("revision") != code_revision():
        raise BackupRefused(
            f"this backup has schema revision {manifest.get('revision')}, this version of "
            f"Arpenteur expects {code_revision()}: restore it with the version that made "
            "it, then upgrade with `flask db upgrade`")
    files = manifest.get("files") or {}
    if DUMPS[engine] not in files:
        raise BackupRefused(f"the manifest lists no {DUMPS[engine]}")
    for name, expected in sorted(files.items()):
        path = folder / name
        if not path.is_file():
            raise BackupRefused(f"{name} is missing from the backup")
        if _describe(path) != expected:
            raise BackupRefused(f"{name} does not match its checksum: the backup is damaged")
    return manifest


def restore_backup(directory):
    """Replace the database and put the photos back from a backup checked whole; return
    the manifest. Raises BackupRefused before any change when the backup is refused, and
    after it when the restored rows do not match the manifest's counts."""
    folder = Path(directory)
    manifest = check_backup(folder)
    engine = manifest["engine"]
    db.session.remove()
    db.engine.dispose()  # no pooled connection keeps the tables it replaces
    dump = folder / DUMPS[engine]
    if engine == "postgresql":
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges",
              "--single-transaction", "--exit-on-error",
              f"--dbname={db.engine.url.database}", str(dump)])
        # Restored tables have no statistics and an empty visibility map until autovacuum
        # comes by: meanwhile every index-only read goes to the table too, and the staff
        # queues took twice as long (bench/harness.py, settle_items).
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
    else:
        with closing(sqlite3.connect(dump)) as source, \
                closing(db.engine.raw_connection()) as target:
            source.backup(target.driver_connection)
    upload_dir = Path(current_app.config["UPLOAD_DIR"])
    upload_dir.mkdir(parents=True, exist_ok=True)
    for name in manifest["files"]:
        if name.startswith(f"{PHOTOS}/"):
            partial = upload_dir / f".{Path(name).name}.part"
            shutil.copyfile(folder / name, partial)
            partial.replace(upload_dir / Path(name).name)
    with db.engine.connect() as connection:
        restored = _counts(connection)
    if restored != manifest["counts"]:
        different = sorted(name for name in restored
                           if restored[name] != manifest["counts"].get(name))
        raise BackupRefused(f"restored, but these tables do not have the rows the manifest "
                            f"counted: {', '.join(different)}")
    return manifest
