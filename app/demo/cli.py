import click
from flask import current_app
from flask.cli import with_appcontext

from app.committee.demo import seed_demo_followup
from app.extensions import db
from app.proposals.demo import seed_demo_moderation
from app.walks.demo import seed_demo_walk

from .services import DEMO_DOMAIN, seed_demo_accounts


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
    by_email = {user.email: user for user, _password, _created in seeded}
    walk, created = seed_demo_walk(by_email[f"coordination@{DEMO_DOMAIN}"],
                                   by_email[f"moderation@{DEMO_DOMAIN}"])
    db.session.commit()
    created = seed_demo_moderation(by_email[f"moderation@{DEMO_DOMAIN}"])
    db.session.commit()
    click.echo(f"Demo report to moderate and proposal to support: {created} created.")
    agents = {code: by_email[f"agent-{local}@{DEMO_DOMAIN}"]
              for code, local in (("hbh", "hbh"), ("ville-antony", "ville"), ("vsgp", "vsgp"))}
    created = seed_demo_followup(by_email[f"coordination@{DEMO_DOMAIN}"], agents)
    db.session.commit()
    click.echo(f"Demo items for the committee's follow-up: {created} created.")
    if walk is None:
        click.echo("Demo walk skipped: load the places first (flask geodata load).")
    else:
        click.echo(f"Demo night walk: /marches/{walk.id} "
                   f"({'new' if created else 'already seeded'})")
