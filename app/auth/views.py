"""Signing in and out of the web interface.

A signed-in browser is a row of `user_session` (see UserSession): Flask-Login keeps that
session's secret in the cookie as the user's "alternative id", and loads the user through
it, so signing out, a password change or an administrator can end a session server-side.
"""

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy.exc import SQLAlchemyError

from app.errors import DomainError
from app.extensions import db, limiter, login_manager
from app.forms import show_refusal
from app.limits import login_limit
from app.navigation import landing_url
from app.permissions import open_to_anyone

from . import services
from .forms import LoginForm

bp = Blueprint("auth", __name__)


@login_manager.user_loader
def load_user(session_token):
    user = services.user_for_session(session_token, current_app.permanent_session_lifetime)
    if db.session.dirty:  # its last-seen time moved: nothing else is pending this early
        try:
            db.session.commit()
        except SQLAlchemyError:  # a read-only database: the page matters more than the date
            db.session.rollback()
    return user


@bp.before_app_request
def resolve_session_early():
    """Load the signed-in user before any view runs, so that noting when the session was
    last seen is committed on its own, never together with half of a view's work."""
    if session.get("_user_id"):
        current_user._get_current_object()


def safe_next(target):
    """Only same-site paths are followed after sign-in (no open redirect)."""
    parts = urlsplit(target or "")
    if target and not parts.scheme and not parts.netloc and target.startswith("/"):
        return target
    return url_for("main.index")


def start_browser_session(user):
    """Sign `user` in on this browser: a new server-side session and a new cookie (so no
    session fixation); their e-mails follow the language of this browser. Commits."""
    services.remember_locale(user, str(get_locale()))
    token = services.start_session(user, request.user_agent.string,
                                   idle_limit=current_app.permanent_session_lifetime)
    db.session.commit()
    session.clear()
    session.permanent = True
    user.session_token = token
    login_user(user)


def act_then_sign_in(form, act, message):
    """Run `act()`, a service that returns the user to sign in (a confirmed sign-up, a new
    password). A refusal goes on `form` and None is returned; otherwise commit, open a new
    session on this browser, say `message` and answer with the way to the account."""
    try:
        user = act()
    except DomainError as refused:
        db.session.rollback()
        show_refusal(form, refused)
        return None
    db.session.commit()
    start_browser_session(user)
    flash(message, "success")
    return redirect(url_for("account.index"))


@bp.route("/connexion", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
@open_to_anyone("signing in is how one gets an account's rights")
def login():
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data)
        except services.SignInRefused as refused:
            form.form_errors.append(refused.message)
            return render_template("auth/login.html", form=form), 401
        start_browser_session(user)
        flash(_("Vous êtes connecté·e."), "success")
        wanted = request.args.get("next")
        return redirect(safe_next(wanted) if wanted else landing_url(user))
    status = 422 if form.errors else 200
    return render_template("auth/login.html", form=form), status


@bp.route("/deconnexion", methods=["POST"])
@open_to_anyone("signing out only ends the caller's own session")
def logout():
    if current_user.is_authenticated:
        services.end_session(current_user.get_id())
        db.session.commit()
    logout_user()
    session.clear()
    flash(_("Vous êtes déconnecté·e."), "success")
    return redirect(url_for("main.index"))
