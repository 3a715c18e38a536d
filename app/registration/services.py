"""Sign-up and password reset by e-mail, through the outbox.

Neither reveals whether an address has an account: the page answers the same and the
same work is done (the sign-up password is hashed either way); the e-mail, which only the
address's owner reads, tells the truth. A sign-up creates no account: it stores the
password's hash in a single-use link, and the account exists once the link is opened
with that same password, so nobody can prepare an account on someone else's address.
"""

import hashlib
import secrets
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from app.auth.models import AccountLink, User
from app.auth.passwords import hash_password, verify_password
from app.auth.roles import Role
from app.auth.services import check_password_rules, find_user, normalise_email, set_new_password
from app.clock import utcnow
from app.errors import DomainError
from app.extensions import db
from app.notifications.services import public_url, queue_email

SIGNUP_VALID = timedelta(hours=48)
RESET_VALID = timedelta(hours=2)


class UnknownLink(DomainError):
    status = 404


class SpentLink(DomainError):
    """Already used, or expired."""

    status = 410


def _digest(raw):
    return hashlib.sha256(raw.encode()).hexdigest()


def _new_link(purpose, email, valid_for, user=None, password_hash=None):
    raw = secrets.token_urlsafe(32)
    db.session.add(AccountLink(purpose=purpose, email=email, user=user, digest=_digest(raw),
                               password_hash=password_hash, expires_at=utcnow() + valid_for))
    db.session.flush()
    return raw


def usable_link(raw, purpose):
    """The link `raw` if it may still be used for `purpose`; else UnknownLink or SpentLink
    saying why and what to do."""
    link = db.session.scalar(select(AccountLink).where(
        AccountLink.digest == _digest(raw or ""), AccountLink.purpose == purpose))
    if link is None:
        raise UnknownLink(_("Ce lien n'est pas valide. Vérifiez qu'il est complet : copiez-le en "
                            "entier depuis l'e-mail reçu."), "link")
    if link.used_at is not None:
        raise SpentLink(
            _("Ce lien a déjà servi : votre compte est créé, connectez-vous.")
            if purpose == "signup" else
            _("Ce lien a déjà servi. Si vous avez encore oublié votre mot de passe, demandez "
              "un nouveau lien."), "link")
    if link.expires_at <= utcnow():
        raise SpentLink(
            _("Ce lien a expiré : il était valable 48 heures. Inscrivez-vous à nouveau, "
              "c'est rapide.")
            if purpose == "signup" else
            _("Ce lien a expiré : il était valable 2 heures. Demandez un nouveau lien."), "link")
    return link


def _use_links(purpose, email):
    """Spend every open link of this kind for `email`: one use ends them all."""
    db.session.execute(update(AccountLink).where(
        AccountLink.purpose == purpose, AccountLink.email == email,
        AccountLink.used_at.is_(None)).values(used_at=utcnow())
        .execution_options(synchronize_session=False))


def request_signup(email, password, locale="fr"):
    """Someone asks for a resident account on `email`. A new address gets a confirmation
    link; an address that has an account gets an e-mail saying so (with the way to sign
    in or reset the password), in `locale`, the language of the page they used. Raises
    DomainError for a weak password."""
    email = normalise_email(email)
    check_password_rules(password, email)
    password_hash = hash_password(password)  # the same work whether the address is known
    if find_user(email) is not None:
        queue_email(email, "signup_existing", locale=locale, sign_in=public_url("auth.login"),
                    reset=public_url("registration.forgot_password"))
        return
    raw = _new_link("signup", email, SIGNUP_VALID, password_hash=password_hash)
    queue_email(email, "signup_confirm", locale=locale,
                link=public_url("registration.confirm", token=raw))


def confirm_signup(raw, password):
    """Create the resident account of a sign-up link opened with the password chosen at
    sign-up; returns the new user. The link and any other sign-up link of the address are
    spent."""
    link = usable_link(raw, "signup")
    if not verify_password(link.password_hash, password):
        raise DomainError(_("Ce n'est pas le mot de passe choisi à l'inscription. Si vous "
                            "l'avez oublié, inscrivez-vous à nouveau."), "password")
    already = DomainError(_("Un compte existe déjà pour cette adresse : connectez-vous."),
                          "link")
    if find_user(link.email) is not None:
        raise already
    user = User(email=link.email, password_hash=link.password_hash)
    user.roles = [Role.RESIDENT]
    try:
        with db.session.begin_nested():  # two confirmations at once: the address is unique
            db.session.add(user)
    except IntegrityError:
        raise already from None
    _use_links("signup", link.email)
    db.session.flush()
    return user


def request_password_reset(email, locale="fr"):
    """Someone forgot the password of `email`: an active account gets a reset link, a
    disabled one is told whom to ask, an unknown address is told it has no account; in
    `locale`, the language of the page they asked from."""
    email = normalise_email(email)
    user = find_user(email)
    if user is None:
        queue_email(email, "password_reset_unknown", locale=locale,
                    signup=public_url("registration.signup"))
    elif not user.active:
        queue_email(email, "password_reset_disabled", locale=locale)
    else:
        raw = _new_link("reset", email, RESET_VALID, user=user)
        queue_email(email, "password_reset", locale=locale,
                    link=public_url("registration.reset_password", token=raw))


def reset_password(raw, password):
    """Set a new password through a reset link; every session and bearer token of the
    account ends. Returns the user."""
    link = usable_link(raw, "reset")
    user = link.user
    if not user.active:
        raise DomainError(_("Ce compte est désactivé. Contactez la coordination GUSP pour le "
                            "réactiver."), "link")
    set_new_password(user, password)
    _use_links("reset", link.email)
    db.session.flush()
    return user
