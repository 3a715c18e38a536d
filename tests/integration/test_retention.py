from datetime import timedelta

from app.clock import utcnow
from app.extensions import db
from app.items.retention import erase_expired_contacts
from app.items.services import follow_item
from app.items.status import transition
from tests.conftest import make_item, make_user


def _closed(days_ago, email):
    item = make_item(email=email)
    follow_item(None, item, email=f"suiveur-{email}")
    coordinator = make_user("coordinator", email=f"coord-{item.id}@example.org")
    transition(item, "rejected", coordinator, note="Hors champ")
    for event in item.events:  # the whole history happened back then
        event.created_at = utcnow() - timedelta(days=days_ago)
    db.session.commit()
    return item


def test_emails_are_erased_twelve_months_after_closure_and_not_before(app):
    old = _closed(400, "ancien@example.org")
    recent = _closed(30, "recent@example.org")
    open_item = make_item(email="ouvert@example.org")
    assert erase_expired_contacts() == 1
    db.session.commit()
    db.session.expire_all()
    assert old.author_email is None and old.followers[0].email is None
    assert recent.author_email == "recent@example.org"
    assert open_item.author_email == "ouvert@example.org"


def test_the_retention_command_reports_what_it_did(app):
    _closed(400, "ancien@example.org")
    result = app.test_cli_runner().invoke(args=["retention", "run"])
    assert result.exit_code == 0 and "erased on 1 closed items" in result.output
