"""Delivering the outbox over SMTP: at most once per message, retried until it is.

Each message is claimed (pending → sending) by a compare-and-set UPDATE that is committed
before the SMTP conversation starts, and marked sent right after the server accepts it.
So two senders never send the same message, and a sender that dies between the server's
acceptance and the mark leaves the message "sending": it is never sent again
automatically (that would risk a double); `outbox send` reports it as uncertain, with its
Message-ID, for a person to check against the mail server's log, and `outbox requeue`
sends it again once they know it never left.

A message that cannot succeed fails for good at once, with its reason: one that cannot
even be written as an e-mail (an address with a line break), or one the server refuses
permanently (a 5xx reply). It never stops the run nor stays "sending". Temporary refusals
(4xx) and unreachable servers put the message back in the queue with the error and a
growing delay, up to MAX_ATTEMPTS.
"""

import contextlib
import smtplib
from datetime import UTC, timedelta
from email.message import EmailMessage
from email.utils import format_datetime

from sqlalchemy import func, select, update

from app.clock import utcnow
from app.extensions import db

from .models import Delivery, OutboxMessage

MAX_ATTEMPTS = 8
TIMEOUT_S = 20
# A message claimed longer ago than this without being marked sent is "uncertain".
CLAIM_STALE_AFTER = timedelta(minutes=10)
# Sent or failed messages keep their address and body this long, then lose them.
DELIVERED_RETENTION = timedelta(days=30)


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


def _release(message_id, error, now, permanent=False):
    """Back to the queue with the error, or failed for good (permanent, or the last try)."""
    message = db.session.get(OutboxMessage, message_id, populate_existing=True)
    gave_up = permanent or message.attempts >= MAX_ATTEMPTS
    message.delivery = (Delivery.FAILED if gave_up else Delivery.PENDING).value
    message.last_error = error[:1000]
    message.next_attempt_at = now + retry_delay(max(message.attempts, 1))
    db.session.commit()
    return gave_up


def _email(message, sender):
    """The e-mail of `message`; ValueError when it cannot be one (a header with a line
    break, an address that is not one)."""
    email = EmailMessage()
    email["From"], email["To"], email["Subject"] = sender, message.to_address, message.subject
    if not email["To"].addresses or not all(a.domain for a in email["To"].addresses):
        raise ValueError(f"not an address: {message.to_address!r}")
    email["Message-ID"] = message.message_id
    email["Date"] = format_datetime(message.created_at.replace(tzinfo=UTC), usegmt=True)
    email.set_content(message.body)
    return email


def _is_permanent(error):
    """A refusal the server will repeat whatever the delay: a 5xx reply, SMTPUTF8 not
    offered for an address that needs it."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _reply in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code >= 500
    return isinstance(error, smtplib.SMTPNotSupportedError)


def _describe(error):
    return f"{type(error).__name__}: {error}"


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
                email = _email(message, sender)
                if smtp is None:
                    smtp = smtplib.SMTP(host, port, timeout=TIMEOUT_S)
                smtp.send_message(email)
            except (OSError, smtplib.SMTPException) as error:
                gave_up = _release(message.id, _describe(error), now, _is_permanent(error))
                counts["failed" if gave_up else "retry"] += 1
                if smtp is None or isinstance(error, smtplib.SMTPServerDisconnected):
                    smtp = None  # the server is unreachable: the others wait for next run
                    break
                continue
            except Exception as error:  # whatever else it is, this message cannot be sent
                _release(message.id, _describe(error), now, permanent=True)
                counts["failed"] += 1
                continue
            mark_sent(message.id)
            counts["sent"] += 1
    finally:
        if smtp is not None:
            # The messages are marked already; a failed goodbye changes nothing.
            with contextlib.suppress(OSError, smtplib.SMTPException):
                smtp.quit()
    counts["uncertain"] = len(uncertain_messages(now))
    return counts


def uncertain_messages(now=None):
    """Messages claimed longer than CLAIM_STALE_AFTER ago and never marked sent."""
    now = now or utcnow()
    return db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.delivery == Delivery.SENDING.value,
                                    OutboxMessage.claimed_at < now - CLAIM_STALE_AFTER)
        .order_by(OutboxMessage.id)).all()


def requeue_messages(ids=(), include_failed=False, now=None):
    """Put uncertain messages (those of `ids`, or all) back in the queue, to be sent at the
    next run, once a person has checked in the mail server's log that they never left;
    with `include_failed`, failed ones too, with their attempts counted afresh. Return
    the messages requeued."""
    now = now or utcnow()
    chosen = uncertain_messages(now)
    if include_failed:
        chosen += db.session.scalars(select(OutboxMessage).where(
            OutboxMessage.delivery == Delivery.FAILED.value).order_by(OutboxMessage.id)).all()
    if ids:
        chosen = [message for message in chosen if message.id in set(ids)]
    for message in chosen:
        if message.delivery == Delivery.FAILED:
            message.attempts = 0
        message.delivery = Delivery.PENDING.value
        message.next_attempt_at = now
        message.claimed_at = None
    db.session.flush()
    return chosen


def erase_delivered(now=None):
    """Erase the address and body of messages sent or failed more than
    DELIVERED_RETENTION ago (RGPD: kept only as long as a delivery may be questioned);
    return how many were erased."""
    cutoff = (now or utcnow()) - DELIVERED_RETENTION
    done = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.delivery.in_([Delivery.SENT.value, Delivery.FAILED.value]),
        OutboxMessage.to_address != "",
        func.coalesce(OutboxMessage.sent_at, OutboxMessage.claimed_at,
                      OutboxMessage.created_at) < cutoff)).all()
    for message in done:
        message.to_address, message.body = "", ""
    db.session.flush()
    return len(done)
