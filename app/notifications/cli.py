"""`flask outbox send`: deliver the queued e-mails (run it from cron every minute)."""

import click
from flask import current_app
from flask.cli import AppGroup

from .sender import send_outbox

outbox_cli = AppGroup("outbox", help="Deliver the e-mails written to the outbox.")


@outbox_cli.command("send")
@click.option("--limit", default=100, show_default=True, help="Messages sent at most this run.")
def send(limit):
    """Send the due messages over SMTP (MAIL_SERVER, MAIL_PORT); failures are retried on
    later runs with a growing delay; exits 1 when some could not be sent now."""
    config = current_app.config
    counts = send_outbox(config["MAIL_SERVER"], config["MAIL_PORT"],
                         config["MAIL_DEFAULT_SENDER"], limit)
    click.echo(f"sent {counts['sent']}, to retry {counts['retry']}, "
               f"given up {counts['failed']}, uncertain {counts['uncertain']}")
    if counts["uncertain"]:
        click.echo("uncertain: claimed but never marked sent (the sender stopped mid-send); "
                   "check the mail server's log for their Message-ID before requeueing",
                   err=True)
    if counts["retry"] or counts["failed"]:
        raise SystemExit(1)
