"""E-mails through the outbox, delivered to a real SMTP server on 127.0.0.1 (aiosmtpd)."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.clock import utcnow
from app.extensions import db
from app.items.services import follow_item
from app.notifications import sender
from app.notifications.models import OutboxMessage
from app.triage import services
from tests.conftest import make_item, make_user
from tests.live import free_port
from tests.workflow import coordinator, routed_item


@pytest.fixture
def outbox_cli(app, smtp):
    def run():
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port)
        return app.test_cli_runner().invoke(args=["outbox", "send"])
    return run


def queued():
    db.session.expire_all()
    return db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()


def test_routing_emails_the_organisations_agents_in_the_same_transaction():
    agents = [make_user("agent", "hbh", email=f"agent{n}@hbh.example") for n in (1, 2)]
    make_user("agent", "vsgp")
    item = make_item(category="proprete")
    services.route_item(coordinator(), item, agents[0].organisation, "Terrain du bailleur")
    db.session.rollback()
    assert queued() == []  # the move rolled back, and its e-mails with it
    item = routed_item("hbh")
    messages = queued()
    assert sorted(m.to_address for m in messages) == ["agent1@hbh.example", "agent2@hbh.example"]
    assert messages[0].subject == (f"Arpenteur : signalement n° {item.reference} transmis à "
                                   "Hauts-de-Bièvre Habitat")
    assert f"http://127.0.0.1:5000/gestion/signalements/{item.id}" in messages[0].body
    assert "Terrain du bailleur" not in messages[0].body


def test_the_author_and_followers_get_each_public_move_without_internal_notes():
    item = make_item(publish=True, email="auteur@example.org")
    follow_item(None, item, "voisin@example.org")
    follower = make_user("resident", email="inscrite@example.org")
    follow_item(follower, item)
    db.session.commit()
    agent = make_user("agent", "ville-antony")
    services.route_item(coordinator(), item, item.suggested_organisation)
    db.session.commit()
    services.act_on_item(agent, item, "returned", note="Terrain privé",
                         internal_note="Voir le cadastre")
    db.session.commit()
    returned = [m for m in queued() if "Renvoyé" in m.subject]
    assert sorted(m.to_address for m in returned) == [
        "auteur@example.org", "inscrite@example.org", "voisin@example.org"]
    body = returned[0].body
    assert "Terrain privé" in body and "Voir le cadastre" not in body
    assert f"http://127.0.0.1:5000/signalements/{item.id}" in body
    to_agent = [m.subject for m in queued() if m.to_address == agent.email]
    assert len(to_agent) == 1 and "transmis à" in to_agent[0]  # not told of their own move


def test_outbox_send_delivers_each_message_once(outbox_cli, smtp):
    make_user("agent", "hbh", email="agent@hbh.example")
    item = routed_item("hbh")
    result = outbox_cli()
    assert result.exit_code == 0, result.output
    assert "sent 1, to retry 0, given up 0, uncertain 0" in result.output
    [received] = smtp.messages
    assert received["To"] == "agent@hbh.example"
    assert item.reference in received["Subject"]
    assert received["Message-ID"] == queued()[0].message_id
    assert "/gestion/signalements/" in received.get_payload(decode=True).decode()
    assert queued()[0].delivery == "sent" and queued()[0].sent_at is not None
    assert "sent 0" in outbox_cli().output and len(smtp.messages) == 1


def test_smtp_down_keeps_the_message_queued_then_it_is_sent(app, outbox_cli, smtp):
    make_user("agent", "hbh", email="agent@hbh.example")
    routed_item("hbh")
    down = free_port()  # nobody listens there
    counts = sender.send_outbox("127.0.0.1", down, "arpenteur@localhost")
    assert counts == {"sent": 0, "retry": 1, "failed": 0, "uncertain": 0}
    [message] = queued()
    assert message.delivery == "pending" and message.attempts == 1
    assert "ConnectionRefusedError" in message.last_error
    assert message.next_attempt_at > utcnow()
    assert "sent 0" in outbox_cli().output  # not due yet: waits for its retry time
    counts = sender.send_outbox("127.0.0.1", smtp.port, "arpenteur@localhost",
                                now=utcnow() + timedelta(minutes=2))
    assert counts["sent"] == 1 and len(smtp.messages) == 1
    assert queued()[0].delivery == "sent" and queued()[0].attempts == 2


def test_a_temporary_refusal_is_retried_then_given_up(smtp):
    make_user("agent", "hbh", email="busy@hbh.example")
    routed_item("hbh")
    smtp.defer.add("busy@hbh.example")
    moment = utcnow()
    for _attempt in range(sender.MAX_ATTEMPTS):
        counts = sender.send_outbox("127.0.0.1", smtp.port, "arpenteur@localhost", now=moment)
        moment += timedelta(days=1)
    assert counts["failed"] == 1
    [message] = queued()
    assert message.delivery == "failed" and message.attempts == sender.MAX_ATTEMPTS
    assert "450" in message.last_error and smtp.messages == []


def test_a_permanent_refusal_fails_at_once_with_its_reason_and_the_run_goes_on(
        outbox_cli, smtp):
    for address in ("gone@hbh.example", "agent@hbh.example"):
        make_user("agent", "hbh", email=address)
    routed_item("hbh")
    smtp.refuse.add("gone@hbh.example")
    result = outbox_cli()
    assert result.exit_code == 1
    assert "sent 1, to retry 0, given up 1, uncertain 0" in result.output
    gone = next(m for m in queued() if m.to_address == "gone@hbh.example")
    assert gone.delivery == "failed" and gone.attempts == 1
    assert "550" in gone.last_error and "mailbox unavailable" in gone.last_error
    assert [m["To"] for m in smtp.messages] == ["agent@hbh.example"]


@pytest.mark.parametrize("address", ["voisin@example.org\r\nBcc: tous@example.org",
                                     "pas-une-adresse", ""])
def test_a_malformed_message_fails_for_good_without_stopping_the_run(outbox_cli, smtp,
                                                                     address):
    make_user("agent", "hbh", email="agent@hbh.example")
    db.session.add(OutboxMessage(to_address=address, subject="Suivi", body="Bonjour\n"))
    db.session.commit()
    routed_item("hbh")
    result = outbox_cli()
    assert result.exit_code == 1 and "sent 1" in result.output and "given up 1" in result.output
    malformed = next(m for m in queued() if m.to_address == address)
    assert malformed.delivery == "failed" and malformed.last_error
    assert [m["To"] for m in smtp.messages] == ["agent@hbh.example"]
    assert not [m for m in queued() if m.delivery == "sending"]


def test_a_crash_between_sending_and_marking_never_sends_twice(monkeypatch, smtp):
    make_user("agent", "hbh", email="agent@hbh.example")
    routed_item("hbh")

    def die(message_id):
        raise SystemExit("killed after the server accepted the message")

    monkeypatch.setattr(sender, "mark_sent", die)
    with pytest.raises(SystemExit):
        sender.send_outbox("127.0.0.1", smtp.port, "arpenteur@localhost")
    monkeypatch.undo()
    db.session.rollback()
    assert len(smtp.messages) == 1 and queued()[0].delivery == "sending"
    later = utcnow() + timedelta(hours=1)
    counts = sender.send_outbox("127.0.0.1", smtp.port, "arpenteur@localhost", now=later)
    assert counts == {"sent": 0, "retry": 0, "failed": 0, "uncertain": 1}
    assert len(smtp.messages) == 1  # reported for a person to check, never re-sent


def test_a_crash_before_sending_loses_nothing(smtp):
    """The move committed with its message; whatever happens to the sender, it is there."""
    make_user("agent", "hbh", email="agent@hbh.example")
    routed_item("hbh")
    db.session.remove()  # a new process: nothing in memory
    counts = sender.send_outbox("127.0.0.1", smtp.port, "arpenteur@localhost")
    assert counts["sent"] == 1 and len(smtp.messages) == 1


def test_two_senders_never_claim_the_same_message():
    make_user("agent", "hbh", email="agent@hbh.example")
    routed_item("hbh")
    [message] = queued()
    assert sender._claim(message.id, utcnow()) is True
    assert sender._claim(message.id, utcnow()) is False


def test_uncertain_messages_are_listed_and_requeued_once_checked(app, monkeypatch, smtp,
                                                                 outbox_cli):
    make_user("agent", "hbh", email="agent@hbh.example")
    routed_item("hbh")
    monkeypatch.setattr(sender, "mark_sent", lambda message_id: (_ for _ in ()).throw(
        SystemExit("killed after the server accepted the message")))
    with pytest.raises(SystemExit):
        sender.send_outbox("127.0.0.1", smtp.port, "arpenteur@localhost")
    monkeypatch.undo()
    db.session.rollback()
    [message] = queued()
    message.claimed_at -= timedelta(hours=1)  # a sender that died an hour ago
    db.session.commit()
    smtp.messages.clear()  # the mail log shows it never left
    reported = outbox_cli()
    assert reported.exit_code == 1 and "uncertain 1" in reported.output
    assert message.message_id in reported.output
    runner = app.test_cli_runner()
    requeued = runner.invoke(args=["outbox", "requeue", str(message.id)])
    assert requeued.exit_code == 0 and "1 message(s) requeued" in requeued.output
    assert queued()[0].delivery == "pending"
    delivered = outbox_cli()
    assert delivered.exit_code == 0 and "sent 1" in delivered.output
    assert [m["Message-ID"] for m in smtp.messages] == [message.message_id]


def test_requeue_leaves_messages_being_sent_right_now_alone(app):
    make_user("agent", "hbh", email="agent@hbh.example")
    routed_item("hbh")
    [message] = queued()
    assert sender._claim(message.id, utcnow())  # claimed a moment ago: a live sender
    result = app.test_cli_runner().invoke(args=["outbox", "requeue"])
    assert "0 message(s) requeued" in result.output and queued()[0].delivery == "sending"


def test_delivered_messages_lose_address_and_body_after_their_retention(app, outbox_cli,
                                                                         smtp):
    make_user("agent", "hbh", email="agent@hbh.example")
    routed_item("hbh")
    assert outbox_cli().exit_code == 0
    [message] = queued()
    runner = app.test_cli_runner()
    assert "erased from 0 sent" in runner.invoke(args=["retention", "run"]).output
    message.sent_at -= sender.DELIVERED_RETENTION + timedelta(days=1)
    db.session.commit()
    assert "erased from 1 sent" in runner.invoke(args=["retention", "run"]).output
    [message] = queued()
    assert (message.to_address, message.body) == ("", "")
    assert message.subject and message.delivery == "sent"
