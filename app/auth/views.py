"""Signing in and out of the web interface."""

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import login_user, logout_user

from app.extensions import db, limiter, login_manager
from app.limits import login_limit
from app.navigation import landing_url
from app.permissions import open_to_anyone

from . import services
from .forms import LoginForm
from .models import User

bp = Blueprint("auth", __name__)


@login_manager.user_loader
def load_user(user_id):
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    return user if user is not None and user.active else None


def safe_next(target):
    """Only same-site paths are followed after sign-in (no open redirect)."""
    parts = urlsplit(target or "")
    if target and not parts.scheme and not parts.netloc and target.startswith("/"):
        return target
    return url_for("main.index")


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
        services.remember_locale(user, str(get_locale()))
        db.session.commit()
        session.clear()  # a new session on sign-in: no fixation
        session.permanent = True
        login_user(user)
        flash(_("Vous êtes connecté·e."), "success")
        wanted = request.args.get("next")
        return redirect(safe_next(wanted) if wanted else landing_url(user))
    status = 422 if form.errors else 200
    return render_template("auth/login.html", form=form), status


@bp.route("/deconnexion", methods=["POST"])
@open_to_anyone("signing out only removes the caller's own session")
def logout():
    logout_user()
    session.clear()
    flash(_("Vous êtes déconnecté·e."), "success")
    return redirect(url_for("main.index"))
