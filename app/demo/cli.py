import click
from flask import current_app
from flask.cli import with_appcontext

from app.extensions import db

from .services import seed_demo_accounts


@click.command("seed-demo")
@with_appcontext
def seed_demo():
    """Create the demo accounts (idempotent) and print them."""
    if not current_app.config["DEMO_DATA_ALLOWED"]:
        raise click.ClickException("demo data is refused in production")
    seeded = seed_demo_accounts()
    db.session.commit()
    click.echo("Demo accounts (password shown for each):")
    for user, password, created in seeded:
        org = user.organisation.code if user.organisation else "-"
        state = "created" if created else "exists"
        click.echo(f"  {','.join(user.roles):<12} {org:<13} {user.email:<36} {password}  ({state})")
