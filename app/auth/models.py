"""People, the organisations they act for, and the credentials they sign in with."""

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.extensions import db

from .passwords import hash_password, verify_password
from .roles import Role

ROLE_VALUES = ", ".join(f"'{role.value}'" for role in Role)


class Organisation(db.Model):
    """A body that acts on items: the landlord, the City, the territory, the département."""

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))

    def __repr__(self):
        return f"<Organisation {self.code}>"


class User(UserMixin, db.Model):
    __tablename__ = "app_user"  # "user" is reserved in PostgreSQL

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(120), default="")
    password_hash: Mapped[str | None] = mapped_column(String(256))
    active: Mapped[bool] = mapped_column(default=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    # The language the person last used the site in: their e-mails are written in it.
    locale: Mapped[str] = mapped_column(String(8), default="fr", server_default="fr")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    organisation: Mapped[Organisation | None] = relationship()
    role_rows: Mapped[list["UserRole"]] = relationship(
        cascade="all, delete-orphan", order_by="UserRole.role"
    )

    # The secret of the browser session this object was loaded for (see UserSession): it is
    # what Flask-Login keeps in the session cookie, so ending the session server-side ends
    # the cookie too, including any copy of it.
    session_token = None

    @property
    def is_active(self):
        return self.active

    def get_id(self):
        return self.session_token

    @property
    def roles(self):
        return sorted(row.role for row in self.role_rows)

    @roles.setter
    def roles(self, roles):
        wanted = {Role(role) for role in roles}
        self.role_rows = [row for row in self.role_rows if row.role in wanted]
        present = {row.role for row in self.role_rows}
        self.role_rows.extend(UserRole(role=role.value) for role in wanted - present)

    def has_role(self, *roles):
        return any(role in self.roles for role in roles)

    def set_password(self, password):
        self.password_hash = hash_password(password)

    def check_password(self, password):
        return verify_password(self.password_hash, password)

    def __repr__(self):
        return f"<User {self.email}>"


class UserRole(db.Model):
    __table_args__ = (CheckConstraint(f"role IN ({ROLE_VALUES})", name="known_role"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"),
                                         primary_key=True)
    role: Mapped[str] = mapped_column(String(20), primary_key=True)


class ApiToken(db.Model):
    """A named bearer token for the JSON API, valid until `expires_at`; only its SHA-256
    digest is stored."""

    __table_args__ = (UniqueConstraint("digest"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    digest: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(80), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    last_used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


class UserSession(db.Model):
    """A signed-in browser. Signing out deletes its row, so a copy of its cookie opens
    nothing afterwards; a password change deletes them all."""

    __table_args__ = (UniqueConstraint("digest"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    digest: Mapped[str] = mapped_column(String(64))
    user_agent: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()


LINK_PURPOSES = ("signup", "reset")


class AccountLink(db.Model):
    """A single-use link sent by e-mail: confirm a sign-up (the account is created only
    then, with the password chosen at sign-up) or choose a new password."""

    __table_args__ = (
        CheckConstraint("purpose IN ({})".format(", ".join(f"'{p}'" for p in LINK_PURPOSES)),
                        name="known_purpose"),
        CheckConstraint("purpose = 'reset' OR password_hash IS NOT NULL",
                        name="signup_has_password"),
        CheckConstraint("purpose = 'signup' OR user_id IS NOT NULL", name="reset_has_user"),
        UniqueConstraint("digest"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[str] = mapped_column(String(10))
    email: Mapped[str] = mapped_column(String(254), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"))
    digest: Mapped[str] = mapped_column(String(64))
    password_hash: Mapped[str | None] = mapped_column(String(256))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

    user: Mapped[User | None] = relationship()
