"""Delivering the outbox over SMTP: at most once per message, retried until it is.

Each message is claimed (pending → sending) by a compare-and-set UPDATE that is committed
before the SMTP conversation starts, and marked sent right after the server accepts it.
So two senders never send the same message, and a sender that dies between the server's
acceptance and the mark leaves the message "sending": it is never sent again
automatically (that would risk a double); `outbox send` reports it for a person to check
against the mail server's log, by its Message-ID. Refusals and unreachable servers put the
message back in the queue with the error and a growing delay, up to MAX_ATTEMPTS.
"""

import contextlib
import smtplib
from datetime import UTC, timedelta
from email.message import EmailMessage
from email.utils import format_datetime

from sqlalchemy import select, update

from app.clock import utcnow
from app.extensions import db

from .models import Delivery, OutboxMessage

MAX_ATTEMPTS = 8
TIMEOUT_S = 20
# A message claimed longer ago than this without being marked sent is "uncertain".
CLAIM_STALE_AFTER = timedelta(minutes=10)


def retry_delay(attempts):
    """1, 2, 4, 8 … minutes, capped at six hours."""
    return timedelta(minutes=min(2 ** (attempts - 1), 360))


def _claim(message_id, now):
    claimed = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.delivery == Delivery.PENDING.value)
        .values(delivery=Delivery.SENDING.value, claimed_at=now,
                attempts=OutboxMessage.attempts + 1)
        .execution_options(synchronize_session=False))
    db.session.commit()
    return claimed.rowcount == 1


def mark_sent(message_id):
    db.session.execute(
        update(OutboxMessage).where(OutboxMessage.id == message_id)
        .values(delivery=Delivery.SENT.value, sent_at=utcnow(), last_error="")
        .execution_options(synchronize_session=False))
    db.session.commit()


def _release(message, error, now):
    message = db.session.get(OutboxMessage, message.id, populate_existing=True)
    gave_up = message.attempts >= MAX_ATTEMPTS
    message.delivery = (Delivery.FAILED if gave_up else Delivery.PENDING).value
    message.last_error = error[:1000]
    message.next_attempt_at = now + retry_delay(message.attempts)
    db.session.commit()
    return gave_up


def _email(message, sender):
    email = EmailMessage()
    email["From"], email["To"], email["Subject"] = sender, message.to_address, message.subject
    email["Message-ID"] = message.message_id
    email["Date"] = format_datetime(message.created_at.replace(tzinfo=UTC), usegmt=True)
    email.set_content(message.body)
    return email


def send_outbox(host, port, sender, limit=100, now=None):
    """Send up to `limit` due messages; return a dict of counts: sent, retry, failed
    (given up this run), uncertain (claimed long ago, never marked: to check by hand)."""
    now = now or utcnow()
    due = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.delivery == Delivery.PENDING.value,
                                    OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.id).limit(limit)).all()
    counts = {"sent": 0, "retry": 0, "failed": 0}
    smtp = None
    try:
        for message in due:
            if not _claim(message.id, now):
                continue  # another sender took it
            try:
                if smtp is None:
                    smtp = smtplib.SMTP(host, port, timeout=TIMEOUT_S)
                smtp.send_message(_email(message, sender))
            except (OSError, smtplib.SMTPException) as error:
                gave_up = _release(message, f"{type(error).__name__}: {error}", now)
                counts["failed" if gave_up else "retry"] += 1
                if smtp is None or isinstance(error, smtplib.SMTPServerDisconnected):
                    smtp = None  # the server is unreachable: the others wait for next run
                    break
                continue
            mark_sent(message.id)
            counts["sent"] += 1
    finally:
        if smtp is not None:
            # The messages are marked already; a failed goodbye changes nothing.
            with contextlib.suppress(OSError, smtplib.SMTPException):
                smtp.quit()
    counts["uncertain"] = db.session.scalar(
        select(db.func.count(OutboxMessage.id)).where(
            OutboxMessage.delivery == Delivery.SENDING.value,
            OutboxMessage.claimed_at < now - CLAIM_STALE_AFTER))
    return counts
