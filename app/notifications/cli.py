"""`flask outbox send` delivers the queued e-mails (cron, every minute); `flask outbox
requeue` sends again those a person has checked were never delivered."""

import click
from flask import current_app
from flask.cli import AppGroup

from app.extensions import db

from .sender import requeue_messages, send_outbox, uncertain_messages

outbox_cli = AppGroup("outbox", help="Deliver the e-mails written to the outbox.")


@outbox_cli.command("send")
@click.option("--limit", default=100, show_default=True, help="Messages sent at most this run.")
def send(limit):
    """Send the due messages over SMTP (MAIL_SERVER, MAIL_PORT). Temporary failures are
    retried on later runs with a growing delay; a message refused for good (5xx, or not a
    valid e-mail) is marked failed with its reason. Exits 1 when some must be retried,
    failed this run, or are uncertain (listed with their Message-ID: check the mail
    server's log, then `outbox requeue` those that never left)."""
    config = current_app.config
    counts = send_outbox(config["MAIL_SERVER"], config["MAIL_PORT"],
                         config["MAIL_DEFAULT_SENDER"], limit)
    click.echo(f"sent {counts['sent']}, to retry {counts['retry']}, "
               f"given up {counts['failed']}, uncertain {counts['uncertain']}")
    if counts["uncertain"]:
        click.echo("uncertain: claimed but never marked sent (the sender stopped mid-send); "
                   "check the mail server's log for their Message-ID, then run "
                   "`outbox requeue ID` for those it never received:", err=True)
        for message in uncertain_messages():
            claimed = f"{message.claimed_at:%Y-%m-%d %H:%M}"
            click.echo(f"  {message.id} {message.message_id} claimed {claimed} UTC", err=True)
    if counts["retry"] or counts["failed"] or counts["uncertain"]:
        raise SystemExit(1)


@outbox_cli.command("requeue")
@click.argument("ids", nargs=-1, type=int)
@click.option("--failed", "include_failed", is_flag=True,
              help="Also requeue messages that failed for good (after fixing the cause).")
def requeue(ids, include_failed):
    """Send again the uncertain messages IDS (all of them without IDS) at the next
    `outbox send`. Run it only after checking in the mail server's log that they were
    never delivered: a message the server did accept would reach its reader twice."""
    requeued = requeue_messages(ids, include_failed)
    db.session.commit()
    for message in requeued:
        click.echo(f"requeued {message.id} {message.message_id}")
    click.echo(f"{len(requeued)} message(s) requeued")
