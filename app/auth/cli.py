"""`flask users ...`: accounts from the command line."""

import click
from flask.cli import AppGroup

from app.errors import DomainError
from app.extensions import db

from . import services
from .roles import Role

users_cli = AppGroup("users", help="Create accounts and issue API tokens.")


@users_cli.command("create")
@click.argument("email")
@click.option("--role", "roles", multiple=True, required=True,
              type=click.Choice([role.value for role in Role]),
              help="Role of the account; repeat for several.")
@click.option("--org", "organisation", help="Organisation code (hbh, ville-antony, vsgp, cd92); "
              "required for agents.")
@click.option("--password", help="Password (10 characters at least, not a common one); "
              "generated and printed when omitted.")
@click.option("--name", "display_name", default="", help="Name shown to other staff.")
def create(email, roles, organisation, password, display_name):
    """Create the account EMAIL with its roles."""
    try:
        user, password = services.create_user(email, roles, organisation, password, display_name)
    except DomainError as refused:
        raise click.ClickException(refused.message) from None
    db.session.commit()
    org = f" ({user.organisation.code})" if user.organisation else ""
    click.echo(f"created {user.email} roles={','.join(user.roles)}{org} password={password}")


@users_cli.command("token")
@click.argument("email")
@click.option("--name", default="ligne de commande", show_default=True,
              help="What the token is for, as its owner and administrators see it listed.")
@click.option("--days", type=click.IntRange(1, max(services.TOKEN_LIFETIMES_DAYS)),
              default=services.DEFAULT_TOKEN_DAYS, show_default=True,
              help="Days the token stays valid.")
def token(email, name, days):
    """Print a new bearer token for EMAIL's use of the JSON API (shown once; its owner or
    an administrator revokes it at /mon-compte or /admin/comptes)."""
    user = services.find_user(email)
    if user is None:
        raise click.ClickException(f"no account for {email}")
    if not user.active:
        raise click.ClickException(f"the account {email} is disabled")
    raw = services.issue_token(user, name, days)
    db.session.commit()
    click.echo(raw)
