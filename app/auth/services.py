"""Accounts: creation, changes, sign-in, browser sessions and API tokens."""

import hashlib
import secrets
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import bindparam, delete, select
from sqlalchemy.orm import joinedload

from app.clock import utcnow
from app.errors import DomainError, NotAllowed
from app.extensions import db

from .models import ApiToken, Organisation, User, UserSession
from .passwords import password_problem, verify_password
from .permissions import can_manage_users
from .roles import Role

TOKEN_LIFETIMES_DAYS = (30, 90, 365)
DEFAULT_TOKEN_DAYS = 90
# Last-seen and last-used dates are written at most this often, not on every request.
TOUCH_EVERY = timedelta(minutes=1)


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


def check_password_rules(password, email, field="password"):
    """Raise DomainError on `field` for a password too short, too long or too common."""
    problem = password_problem(password, email)
    if problem:
        raise DomainError(problem, field)


def create_user(email, roles, organisation_code=None, password=None, display_name=""):
    """Create an account. Returns (user, password); a password is generated when none is given.

    Raises DomainError for a duplicate e-mail, an unknown organisation, an agent without
    organisation or a weak password.
    """
    email = normalise_email(email)
    roles = [Role(role) for role in roles]
    if find_user(email) is not None:
        raise DomainError(_("Un compte existe déjà pour %(email)s.", email=email), "email")
    organisation = _organisation_for(roles, organisation_code)
    password = password or secrets.token_urlsafe(12)
    check_password_rules(password, email)
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
    """Change an account's roles, organisation, state or password (an administrator's act).
    A new password ends every session and bearer token of the account."""
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
        set_new_password(user, password)
    db.session.flush()
    return user


def set_new_password(user, password):
    """Give `user` a new password and end all their sessions and bearer tokens: whoever
    knew the old one, or held a copied cookie or token, is out."""
    check_password_rules(password, user.email)
    user.set_password(password)
    end_all_sessions(user)


def change_password(user, current_password, new_password):
    """The person changes their own password; the current one proves it is them. Returns
    the user, whose sessions and tokens have all ended."""
    if not user.check_password(current_password):
        raise DomainError(_("Ce n'est pas votre mot de passe actuel."), "current_password")
    set_new_password(user, new_password)
    db.session.flush()
    return user


def authenticate(email, password):
    """Return the user for these credentials, or raise SignInRefused with the reason.

    Unknown address and wrong password give the same message after the same work (a hash
    is checked either way), so neither the form nor its timing reveals who has an account;
    a disabled account is named only once the password is right.
    """
    user = find_user(email)
    if not verify_password(user.password_hash if user else None, password):
        raise SignInRefused(_("Adresse e-mail ou mot de passe incorrect."))
    if not user.active:
        raise SignInRefused(
            _("Ce compte est désactivé. Contactez la coordination GUSP pour le réactiver.")
        )
    return user


def _digest(raw_token):
    return hashlib.sha256(raw_token.encode()).hexdigest()


# Browser sessions ---------------------------------------------------------------------------

def start_session(user, user_agent="", idle_limit=None):
    """Open a server-side session for `user` and return its secret (kept in the cookie).
    Sessions idle longer than `idle_limit` (of any account) are cleared on the way."""
    raw = secrets.token_urlsafe(32)
    if idle_limit is not None:
        db.session.execute(delete(UserSession).where(
            UserSession.last_seen_at < utcnow() - idle_limit))
    db.session.add(UserSession(user=user, digest=_digest(raw), user_agent=user_agent[:200]))
    db.session.flush()
    return raw


# Built once, as _TOKEN_WITH_USER below: every signed-in page runs it.
_SESSION_WITH_USER = (select(UserSession).where(UserSession.digest == bindparam("digest"))
                      .options(joinedload(UserSession.user).joinedload(User.role_rows),
                               joinedload(UserSession.user).joinedload(User.organisation)))


def user_for_session(raw, idle_limit):
    """The active user of the session whose secret is `raw`, or None (ended, idle too long,
    unknown). Notes when it was last seen, at most once a minute. Session, user, roles and
    organisation are read in one statement."""
    if not raw:
        return None
    row = db.session.scalars(_SESSION_WITH_USER, {"digest": _digest(raw)}).unique().first()
    now = utcnow()
    if row is None or row.last_seen_at < now - idle_limit or not row.user.active:
        return None
    if row.last_seen_at < now - TOUCH_EVERY:
        row.last_seen_at = now
    row.user.session_token = raw
    return row.user


def end_session(raw):
    """Sign out one browser: its session row goes, so its cookie (and any copy) is dead."""
    if raw:
        db.session.execute(delete(UserSession).where(UserSession.digest == _digest(raw)))
        db.session.flush()


def end_all_sessions(user):
    """End every browser session and revoke every bearer token of `user`."""
    db.session.execute(delete(UserSession).where(UserSession.user_id == user.id))
    db.session.execute(delete(ApiToken).where(ApiToken.user_id == user.id))
    db.session.flush()


def sign_out_everywhere(actor, user):
    """The person themself (lost phone) or an administrator ends all of `user`'s sessions
    and bearer tokens."""
    if actor.id != user.id and not can_manage_users(actor):
        raise NotAllowed(_("Vous ne pouvez pas fermer les sessions de ce compte."))
    end_all_sessions(user)


def sessions_of(user):
    return db.session.scalars(select(UserSession).where(UserSession.user_id == user.id)
                              .order_by(UserSession.last_seen_at.desc())).all()


# Bearer tokens for the JSON API ---------------------------------------------------------------

def issue_token(user, name="", days=DEFAULT_TOKEN_DAYS):
    """Create a bearer token for `user`, valid `days` days, and return it; only its digest
    is kept, so it is shown once."""
    if not 1 <= days <= max(TOKEN_LIFETIMES_DAYS):
        raise DomainError(_("Un jeton vaut de 1 à %(n)d jours.", n=max(TOKEN_LIFETIMES_DAYS)),
                          "days")
    raw = secrets.token_urlsafe(32)
    db.session.add(ApiToken(user=user, digest=_digest(raw), name=(name or "").strip()[:80],
                            expires_at=utcnow() + timedelta(days=days)))
    db.session.flush()
    return raw


# Built once: every API request runs it, and building it again cost as much as running it.
_TOKEN_WITH_USER = (select(ApiToken).where(ApiToken.digest == bindparam("digest"))
                    .options(joinedload(ApiToken.user).joinedload(User.role_rows),
                             joinedload(ApiToken.user).joinedload(User.organisation)))


def user_for_token(raw_token):
    """The active user a valid (known, unexpired) bearer token belongs to, or None. Notes
    when the token was last used, at most once a minute (the token is then left changed in
    the session, for the caller to commit). Token, user, roles and organisation are read in
    one statement."""
    if not raw_token:
        return None
    token = db.session.scalars(_TOKEN_WITH_USER, {"digest": _digest(raw_token)}).unique().first()
    now = utcnow()
    if token is None or token.expires_at <= now or not token.user.active:
        return None
    if token.last_used_at is None or token.last_used_at < now - TOUCH_EVERY:
        token.last_used_at = now
    return token.user


def user_for_authorization(header):
    """The user of an `Authorization: Bearer <token>` header, or None."""
    scheme, _sep, token = (header or "").partition(" ")
    return user_for_token(token.strip()) if scheme.lower() == "bearer" else None


def tokens_of(user):
    return db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)
                              .order_by(ApiToken.created_at.desc())).all()


def revoke_token(actor, token):
    """Revoke a bearer token: its owner or an administrator."""
    if actor.id != token.user_id and not can_manage_users(actor):
        raise NotAllowed(_("Vous ne pouvez pas révoquer ce jeton."))
    db.session.delete(token)
    db.session.flush()


def all_users():
    return db.session.scalars(select(User).order_by(User.email)).all()


def all_organisations():
    return db.session.scalars(select(Organisation).order_by(Organisation.name)).all()
