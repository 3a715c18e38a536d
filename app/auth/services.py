"""Accounts: creation, changes, sign-in and API tokens."""

import hashlib
import secrets

from flask_babel import gettext as _
from sqlalchemy import select

from app.errors import DomainError
from app.extensions import db

from .models import ApiToken, Organisation, User
from .roles import Role

MIN_PASSWORD_LENGTH = 10


class SignInRefused(DomainError):
    status = 401


def normalise_email(email):
    return (email or "").strip().lower()


def find_user(email):
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def find_organisation(code):
    return db.session.scalar(select(Organisation).where(Organisation.code == code))


def _organisation_for(roles, organisation_code):
    organisation = None
    if organisation_code:
        organisation = find_organisation(organisation_code)
        if organisation is None:
            raise DomainError(
                _("L'organisme « %(code)s » n'existe pas.", code=organisation_code), "organisation"
            )
    if Role.AGENT in roles and organisation is None:
        raise DomainError(_("Un agent doit appartenir à un organisme."), "organisation")
    return organisation


def _check_password(password):
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError(
            _("Le mot de passe doit compter au moins %(n)d caractères.", n=MIN_PASSWORD_LENGTH),
            "password",
        )


def create_user(email, roles, organisation_code=None, password=None, display_name=""):
    """Create an account. Returns (user, password); a password is generated when none is given.

    Raises DomainError for a duplicate e-mail, an unknown organisation, an agent without
    organisation or a short password.
    """
    email = normalise_email(email)
    roles = [Role(role) for role in roles]
    if find_user(email) is not None:
        raise DomainError(_("Un compte existe déjà pour %(email)s.", email=email), "email")
    organisation = _organisation_for(roles, organisation_code)
    password = password or secrets.token_urlsafe(12)
    _check_password(password)
    user = User(email=email, display_name=display_name, organisation=organisation)
    user.roles = roles
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user, password


def remember_locale(user, locale):
    """Write the person's e-mails in `locale` from now on (the language they use the site in)."""
    user.locale = locale
    db.session.flush()


def update_user(actor, user, roles, organisation_code, active, display_name, password=None):
    """Change an account's roles, organisation, state or password (an administrator's act)."""
    roles = [Role(role) for role in roles]
    if actor.id == user.id and (not active or Role.ADMIN not in roles):
        raise DomainError(
            _("Vous ne pouvez pas retirer vos propres droits d'administration ni désactiver "
              "votre propre compte."),
            "roles",
        )
    user.organisation = _organisation_for(roles, organisation_code)
    user.roles = roles
    user.active = active
    user.display_name = display_name
    if password:
        _check_password(password)
        user.set_password(password)
    db.session.flush()
    return user


def authenticate(email, password):
    """Return the user for these credentials, or raise SignInRefused with the reason.

    Unknown address and wrong password give the same message, so the form does not reveal
    who has an account; a disabled account is named only once the password is right.
    """
    user = find_user(email)
    if user is None or not user.check_password(password or ""):
        raise SignInRefused(_("Adresse e-mail ou mot de passe incorrect."))
    if not user.active:
        raise SignInRefused(
            _("Ce compte est désactivé. Contactez la coordination GUSP pour le réactiver.")
        )
    return user


def _digest(raw_token):
    return hashlib.sha256(raw_token.encode()).hexdigest()


def issue_token(user):
    """Create a bearer token for `user` and return it; only its digest is kept."""
    raw = secrets.token_urlsafe(32)
    db.session.add(ApiToken(user=user, digest=_digest(raw)))
    db.session.flush()
    return raw


def user_for_token(raw_token):
    """The active user a bearer token belongs to, or None."""
    if not raw_token:
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.digest == _digest(raw_token)))
    if token is None or not token.user.active:
        return None
    return token.user


def user_for_authorization(header):
    """The user of an `Authorization: Bearer <token>` header, or None."""
    scheme, _sep, token = (header or "").partition(" ")
    return user_for_token(token.strip()) if scheme.lower() == "bearer" else None


def all_users():
    return db.session.scalars(select(User).order_by(User.email)).all()


def all_organisations():
    return db.session.scalars(select(Organisation).order_by(Organisation.name)).all()
