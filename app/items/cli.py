import click
from flask.cli import AppGroup

from app.extensions import db

from .retention import erase_expired_contacts

retention_cli = AppGroup("retention", help="Enforce the stated data retention periods.")


@retention_cli.command("run")
def run():
    """Erase contact e-mails kept past their period (run it daily, e.g. from cron)."""
    count = erase_expired_contacts()
    db.session.commit()
    click.echo(f"contact e-mails erased on {count} closed items")
