"""`flask backup create DIR` and `flask backup restore DIR`."""

import click
from flask import current_app
from flask.cli import AppGroup

from app.extensions import db

from .services import BackupRefused, check_backup, create_backup, restore_backup

backup_cli = AppGroup("backup", help="Back up and restore the database and the photos.")


@backup_cli.command("create")
@click.argument("directory", type=click.Path(file_okay=False))
def create(directory):
    """Back up the database (pg_dump on PostgreSQL, the online backup API on SQLite) and
    the photos into DIRECTORY, a new or empty folder, with a manifest of row counts, file
    checksums and the schema revision. Safe while Arpenteur runs."""
    try:
        manifest = create_backup(directory)
    except BackupRefused as refused:
        raise click.ClickException(str(refused)) from None
    photos = sum(1 for name in manifest["files"] if name.startswith("photos/"))
    click.echo(f"backup of {manifest['engine']} revision {manifest['revision']} in "
               f"{directory}: {manifest['counts']['item']} items, {photos} photo files")
    if manifest["missing_photos"]:
        click.echo(f"warning: {len(manifest['missing_photos'])} photo file(s) the database "
                   f"refers to were missing from {current_app.config['UPLOAD_DIR']}: "
                   f"{', '.join(manifest['missing_photos'])}", err=True)


@backup_cli.command("restore")
@click.argument("directory", type=click.Path(exists=True, file_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def restore(directory, yes):
    """Replace the database with the backup in DIRECTORY and put its photos back into
    UPLOAD_DIR. The backup is checked first (manifest, every checksum, same engine, the
    schema revision of this code): a damaged or mismatched one is refused and nothing
    changes. On PostgreSQL the restored base is then vacuumed and analysed. Stop Arpenteur
    (web and cron) before restoring."""
    try:
        manifest = check_backup(directory)
        if not yes:
            click.confirm(f"Replace every row of {db.engine.url.render_as_string()} with "
                          f"the backup of {manifest['created_at']}?", abort=True)
        restore_backup(directory)
    except BackupRefused as refused:
        raise click.ClickException(str(refused)) from None
    click.echo(f"restored the backup of {manifest['created_at']}: "
               f"{manifest['counts']['item']} items, rows checked against the manifest")
