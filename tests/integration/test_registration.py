"""Residents open an account and reset a password through e-mails delivered by the outbox to
a real SMTP server on loopback. Neither form tells whether an address has an account."""

import re
import uuid
from datetime import timedelta
from email.header import decode_header, make_header

import pytest
from sqlalchemy import func, select

from app.auth.models import AccountLink, User
from app.clock import utcnow
from app.extensions import db
from app.notifications.models import OutboxMessage
from tests.conftest import INSIDE, PASSWORD, csrf_token, make_item, make_user, page_text
from tests.integration.test_outbox import outbox_cli  # noqa: F401  (fixture)

CHOSEN = "tulipe-velo-orage-carton"
LINK = re.compile(r"http://127\.0\.0\.1:5000(/\S+)")


def sign_up(client, email, password=CHOSEN, again=None):
    return client.post("/inscription", data={
        "csrf_token": csrf_token(client, "/inscription"), "email": email, "password": password,
        "password_again": password if again is None else again})


def forgot(client, email):
    return client.post("/mot-de-passe-oublie", data={
        "csrf_token": csrf_token(client, "/mot-de-passe-oublie"), "email": email})


def delivered(outbox_cli, smtp):  # noqa: F811
    """Send the outbox and return the received messages as (to, subject, body)."""
    result = outbox_cli()
    assert result.exit_code == 0, result.output
    received = [(m["To"], str(make_header(decode_header(m["Subject"]))),
                 m.get_payload(decode=True).decode()) for m in smtp.messages]
    smtp.messages.clear()
    return received


def links_in(body):
    return LINK.findall(body)


def account_count():
    return db.session.scalar(select(func.count(User.id)))


def test_sign_up_then_confirm_with_the_chosen_password_creates_a_resident_account(
        app, client, outbox_cli, smtp):  # noqa: F811
    response = sign_up(client, " Nouvelle@Example.org ")
    assert response.status_code == 302 and response.headers["Location"] == "/inscription/envoye"
    assert "Vérifiez vos e-mails" in page_text(client.get(response.headers["Location"]))
    assert account_count() == 0  # nothing exists before the address is confirmed
    [(to, subject, body)] = delivered(outbox_cli, smtp)
    assert to == "nouvelle@example.org" and "confirmez votre adresse" in subject
    [path] = links_in(body)
    assert path.startswith("/inscription/confirmer/")
    assert "tapez le mot de passe que vous avez choisi" in page_text(client.get(path))
    wrong = client.post(path, data={"csrf_token": csrf_token(client, path),
                                    "password": "pas-le-bon-mot-de-passe"})
    assert wrong.status_code == 422
    assert "Ce n'est pas le mot de passe choisi à l'inscription" in page_text(wrong)
    done = client.post(path, data={"csrf_token": csrf_token(client, path), "password": CHOSEN})
    assert done.status_code == 302 and done.headers["Location"] == "/mon-compte"
    assert client.get("/mon-compte").status_code == 200
    user = db.session.scalar(select(User).where(User.email == "nouvelle@example.org"))
    assert user.roles == ["resident"] and user.check_password(CHOSEN)
    reused = app.test_client().get(path)
    assert reused.status_code == 410 and "Ce lien a déjà servi" in page_text(reused)


def test_a_sign_up_with_an_address_in_use_gets_the_same_answer_and_an_honest_e_mail(
        app, outbox_cli, smtp):  # noqa: F811
    existing = make_user("resident", email="deja@example.org")
    new, used = app.test_client(), app.test_client()
    answers = [sign_up(new, "personne-encore@example.org"), sign_up(used, "deja@example.org")]
    assert [a.status_code for a in answers] == [302, 302]
    assert answers[0].headers["Location"] == answers[1].headers["Location"]
    assert page_text(new.get("/inscription/envoye")) == page_text(used.get("/inscription/envoye"))
    received = {to: (subject, body) for to, subject, body in delivered(outbox_cli, smtp)}
    subject, body = received["deja@example.org"]
    assert "vous avez déjà un compte" in subject
    assert "/connexion" in body and "/mot-de-passe-oublie" in body
    assert "/inscription/confirmer/" not in body
    db.session.refresh(existing)
    assert existing.check_password(PASSWORD) and not existing.check_password(CHOSEN)


def test_nobody_can_prepare_an_account_on_someone_elses_address(app, outbox_cli, smtp):  # noqa: F811
    sign_up(app.test_client(), "cible@example.org", password="mot-de-passe-du-pirate-42")
    owner = app.test_client()
    sign_up(owner, "cible@example.org")
    first, second = (links_in(body)[0] for _to, _s, body in delivered(outbox_cli, smtp))
    # The owner, who received both, cannot create the account with the other's password,
    pirate = owner.post(first, data={"csrf_token": csrf_token(owner, first), "password": CHOSEN})
    assert pirate.status_code == 422
    # and once they confirm their own, the other link is spent.
    assert owner.post(second, data={"csrf_token": csrf_token(owner, second),
                                    "password": CHOSEN}).status_code == 302
    assert app.test_client().get(first).status_code == 410
    user = db.session.scalar(select(User).where(User.email == "cible@example.org"))
    assert user.check_password(CHOSEN) and not user.check_password("mot-de-passe-du-pirate-42")


@pytest.mark.parametrize("password, again, message", [
    ("court", None, "au moins 10 caractères"),
    ("motdepasse123", None, "trop courant ou trop facile à deviner"),
    ("azertyuiop", None, "trop courant ou trop facile à deviner"),
    ("nouvelle@example.org", None, "trop courant ou trop facile à deviner"),
    (CHOSEN, "autre-mot-de-passe-x", "ne sont pas identiques"),
])
def test_a_weak_or_common_password_is_refused_and_nothing_is_sent(client, password, again,
                                                                   message):
    response = sign_up(client, "nouvelle@example.org", password, again)
    assert response.status_code == 422
    page = page_text(response)
    assert message in page and 'value="nouvelle@example.org"' in page  # typed text kept
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0


def test_an_expired_or_unknown_link_is_refused_clearly(app, client, outbox_cli, smtp):  # noqa: F811
    sign_up(client, "lente@example.org")
    [path] = links_in(delivered(outbox_cli, smtp)[0][2])
    db.session.execute(db.update(AccountLink).values(expires_at=utcnow() - timedelta(minutes=1)))
    db.session.commit()
    expired = client.get(path)
    assert expired.status_code == 410 and "Ce lien a expiré" in page_text(expired)
    refused = client.post(path, data={"csrf_token": csrf_token(client, "/inscription"),
                                      "password": CHOSEN})
    assert refused.status_code == 410 and account_count() == 0
    unknown = client.get("/inscription/confirmer/" + uuid.uuid4().hex)
    assert unknown.status_code == 404 and "Ce lien n'est pas valide" in page_text(unknown)


def test_a_password_reset_by_e_mail_ends_every_session_and_token(app, outbox_cli, smtp):  # noqa: F811
    from tests.integration.test_sessions_and_tokens import (
        api_me,
        opens_account,
        signed_in_client,
        token_of,
    )

    user = make_user("agent", "hbh", email="oubli@example.org")
    laptop, raw = signed_in_client(app, user), token_of(user)
    phone = app.test_client()
    assert forgot(phone, "Oubli@example.org").headers["Location"] == "/mot-de-passe-oublie/envoye"
    [(to, subject, body)] = delivered(outbox_cli, smtp)
    assert to == "oubli@example.org" and "nouveau mot de passe" in subject
    [path] = links_in(body)
    weak = phone.post(path, data={"csrf_token": csrf_token(phone, path),
                                  "password": "0123456789", "password_again": "0123456789"})
    assert weak.status_code == 422 and "trop courant" in page_text(weak)
    done = phone.post(path, data={"csrf_token": csrf_token(phone, path), "password": CHOSEN,
                                  "password_again": CHOSEN})
    assert done.status_code == 302 and opens_account(phone)
    assert not opens_account(laptop) and api_me(phone, raw) == 401
    db.session.refresh(user)
    assert user.check_password(CHOSEN)
    again = app.test_client().get(path)
    assert again.status_code == 410 and "Ce lien a déjà servi" in page_text(again)


def test_a_reset_request_answers_the_same_for_any_address_and_the_e_mail_tells_the_truth(
        app, outbox_cli, smtp):  # noqa: F811
    make_user("resident", email="active@example.org")
    make_user("resident", email="desactive@example.org", active=False)
    answers = [forgot(app.test_client(), email) for email in (
        "active@example.org", "inconnue@example.org", "desactive@example.org")]
    assert {(a.status_code, a.headers["Location"]) for a in answers} == {
        (302, "/mot-de-passe-oublie/envoye")}
    received = {to: body for to, _subject, body in delivered(outbox_cli, smtp)}
    assert "/mot-de-passe/nouveau/" in received["active@example.org"]
    assert "Aucun compte n'utilise cette adresse" in received["inconnue@example.org"]
    assert "/inscription" in received["inconnue@example.org"]
    assert "désactivé" in received["desactive@example.org"]
    assert "/mot-de-passe/nouveau/" not in received["desactive@example.org"]


def test_one_address_cannot_be_flooded_with_e_mails(app):
    answers = [sign_up(app.test_client(), "victime@example.org").status_code for _ in range(4)]
    assert answers == [302, 302, 302, 429]
    # failed forms do not use up the address's allowance
    assert sign_up(app.test_client(), "autre@example.org", again="x").status_code == 422
    assert sign_up(app.test_client(), "autre@example.org").status_code == 302


def test_sign_up_and_reset_are_limited_per_network_address(app):
    client = app.test_client()
    statuses = [forgot(client, f"n{number}@example.org").status_code for number in range(11)]
    assert statuses[:10] == [302] * 10 and statuses[10] == 429
    assert "Trop de tentatives" in page_text(forgot(client, "encore@example.org"))


def test_items_sent_without_an_account_are_attached_by_their_tracking_links(app, client, auth):
    mine = [make_item(description=f"Envoyé sans compte {n}") for n in (1, 2)]
    someone_elses = make_item(actor=make_user("resident", email="autre@example.org"))
    resident = auth.login("resident")
    links = "\n".join([
        f"https://arpenteur.example/suivi/{mine[0].tracking_token}",
        f"  {mine[1].tracking_token}  ",
        f"http://localhost/suivi/{someone_elses.tracking_token}",
        "http://localhost/suivi/" + uuid.uuid4().hex,
    ])
    response = client.post("/mon-compte/rattacher", data={
        "csrf_token": csrf_token(client, "/mon-compte"), "links": links})
    assert response.status_code == 422  # two lines refused, each with its reason
    page = page_text(response)
    assert "2 signalements ajoutés à votre compte." in page
    assert "déjà rattaché à un autre compte" in page and "ne correspond à aucun" in page
    assert "Envoyé sans compte 1" in page and "Envoyé sans compte 2" in page
    db.session.expire_all()
    assert {item.author_id for item in mine} == {resident.id}
    assert someone_elses.author_id != resident.id
    exported = client.get("/mon-compte/donnees.json").get_json()
    assert {i["id"] for i in exported["items"]} == {item.id for item in mine}


def test_attaching_needs_the_secret_link_not_the_item_number(client, auth):
    item = make_item(where=INSIDE)
    auth.login("resident")
    response = client.post("/mon-compte/rattacher", data={
        "csrf_token": csrf_token(client, "/mon-compte"),
        "links": f"http://localhost/signalements/{item.id}\n{item.reference}"})
    assert response.status_code == 422
    db.session.expire_all()
    assert item.author_id is None
