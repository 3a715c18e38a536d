import click
from flask import current_app
from flask.cli import AppGroup

from app.extensions import db
from app.notifications.sender import erase_delivered

from . import photos
from .prepared import prepare_all
from .queries import referenced_photo_files
from .retention import erase_expired_contacts

retention_cli = AppGroup("retention", help="Enforce the stated data retention periods.")
photos_cli = AppGroup("photos", help="The photo files in UPLOAD_DIR.")
items_cli = AppGroup("items", help="Items: what the public is shown of them, prepared.")


@retention_cli.command("run")
def run():
    """Erase contact e-mails kept past their period, and the address and body of e-mails
    sent or failed more than 30 days ago (run it daily, e.g. from cron)."""
    count = erase_expired_contacts()
    messages = erase_delivered()
    db.session.commit()
    click.echo(f"contact e-mails erased on {count} closed items")
    click.echo(f"address and body erased from {messages} sent or failed e-mails")


@photos_cli.command("sweep")
@click.option("--older-than", default=60, show_default=True,
              help="Minutes a file must have been there: a request may be writing newer ones.")
@click.option("--dry-run", is_flag=True, help="List the files without removing them.")
def sweep(older_than, dry_run):
    """Remove the files of UPLOAD_DIR that no photo refers to (left by a crash or an
    interrupted write), listing each; run it weekly, or after a crash."""
    upload_dir = current_app.config["UPLOAD_DIR"]
    found = photos.sweep(upload_dir, referenced_photo_files(), older_than * 60,
                         remove=not dry_run)
    for name, size in found:
        click.echo(f"{'would remove' if dry_run else 'removed'} {name} ({size} bytes)")
    total = sum(size for _name, size in found)
    click.echo(f"{len(found)} file(s), {total} bytes {'to remove' if dry_run else 'removed'} "
               f"from {upload_dir}")


@items_cli.command("prepare")
@click.option("--batch", default=2000, show_default=True, type=click.IntRange(1, 100_000),
              help="Items prepared and written per statement.")
def prepare(batch):
    """Prepare again the public feature of every item (the texts the public map and list
    join, and the latitude band the map's index reads, see app/items/prepared.py). Items
    are prepared whenever they change; run this after an upgrade that changed what the
    public is shown of an item (the public view, the list's or the map's feature), or
    after inserting items outside the app."""
    count = prepare_all(batch)
    db.session.commit()
    click.echo(f"{count} item(s) prepared")
