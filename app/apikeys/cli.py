"""`flask open311 keys ...`: API keys of Open311 clients from the command line."""

import click
from flask.cli import AppGroup

from app.errors import DomainError
from app.extensions import db
from app.inputs import INT_MAX

from . import services

open311_cli = AppGroup("open311", help="Open311 GeoReport v2: the keys of outside clients.")
keys_cli = AppGroup("keys", help="Create, list and revoke the API keys of Open311 clients.")
open311_cli.add_command(keys_cli)


@keys_cli.command("create")
@click.argument("name")
def create(name):
    """Create a key for the client NAME (an app or an organisation) and print it, last.

    Only its digest is stored: copy it now and hand it to the client.
    """
    try:
        key, raw = services.create_key(None, name)
    except DomainError as refused:
        raise click.ClickException(refused.message) from None
    db.session.commit()
    click.echo(f"created key {key.id} for {key.name!r} (starts with {key.prefix})")
    click.echo(raw)


@keys_cli.command("list")
def list_keys():
    """List the keys: id, state, first characters, uses, last use, name."""
    for key, uses in services.all_keys():
        state = "active" if key.is_active else f"revoked {key.revoked_at:%Y-%m-%d}"
        last = f"{key.last_used_at:%Y-%m-%d %H:%M}" if key.last_used_at else "never"
        click.echo(f"{key.id}\t{state}\t{key.prefix}…\t{uses} uses\tlast {last}\t{key.name}")


@keys_cli.command("revoke")
@click.argument("key_id", type=click.IntRange(1, INT_MAX))
def revoke(key_id):
    """Revoke the key KEY_ID (see `keys list`): it is refused from the next request on."""
    key = services.find_key(key_id)
    if key is None:
        raise click.ClickException(f"no key {key_id}")
    try:
        services.revoke_key(None, key)
    except DomainError as refused:
        raise click.ClickException(refused.message) from None
    db.session.commit()
    click.echo(f"revoked key {key.id} ({key.name}) at {key.revoked_at:%Y-%m-%d %H:%M} UTC")
