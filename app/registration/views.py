"""Opening a resident account and resetting a forgotten password, by links sent by e-mail.

Both forms answer the same whatever the address; both are rate-limited per network address
(LOGIN_RATE_LIMIT) and per recipient, so nobody can flood a mailbox through Arpenteur.
"""

import hashlib

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from app.auth.services import normalise_email
from app.auth.views import act_then_sign_in
from app.errors import DomainError
from app.extensions import db, limiter
from app.forms import show_refusal
from app.limits import login_limit
from app.permissions import open_to_anyone

from . import services
from .forms import PASSWORD_HINT, ConfirmForm, ForgotForm, ResetForm, SignupForm

bp = Blueprint("registration", __name__)

EMAILS_PER_RECIPIENT = "3 per hour;10 per day"


def _recipient():
    """The rate-limit key of the address an e-mail would go to (hashed: no address is
    written to the limiter's store)."""
    email = normalise_email(request.form.get("email"))
    return "recipient:" + hashlib.sha256(email.encode()).hexdigest()[:32]


def _e_mail_sent(response):
    return response.status_code == 302


def _per_recipient(view):
    return limiter.limit(EMAILS_PER_RECIPIENT, methods=["POST"], key_func=_recipient,
                         deduct_when=_e_mail_sent)(view)


def _form_page(template, form, **context):
    status = 422 if form.errors or form.form_errors else 200
    return render_template(template, form=form, password_hint=PASSWORD_HINT, **context), status


@bp.route("/inscription", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
@_per_recipient
@open_to_anyone("anyone may open a resident account; it exists once the e-mail is confirmed")
def signup():
    form = SignupForm()
    if form.validate_on_submit():
        try:
            services.request_signup(form.email.data, form.password.data, str(get_locale()))
        except DomainError as refused:
            db.session.rollback()
            show_refusal(form, refused)
        else:
            db.session.commit()
            return redirect(url_for("registration.sent", what="inscription"))
    return _form_page("registration/signup.html", form)


@bp.route("/<any('inscription', 'mot-de-passe-oublie'):what>/envoye")
def sent(what):
    """The one answer to a sign-up or a reset request, whatever the address."""
    return render_template("registration/sent.html", what=what)


@bp.route("/inscription/confirmer/<token>", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
@open_to_anyone("the secret link sent by e-mail is the authority")
def confirm(token):
    services.usable_link(token, "signup")  # expired or used: say so before asking anything
    form = ConfirmForm()
    done = form.validate_on_submit() and act_then_sign_in(
        form, lambda: services.confirm_signup(token, form.password.data),
        _("Bienvenue ! Votre compte est créé et vous êtes connecté·e."))
    return done or _form_page("registration/confirm.html", form)


@bp.route("/mot-de-passe-oublie", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
@_per_recipient
@open_to_anyone("a forgotten password is asked for without being signed in")
def forgot_password():
    form = ForgotForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data, str(get_locale()))
        db.session.commit()
        return redirect(url_for("registration.sent", what="mot-de-passe-oublie"))
    return _form_page("registration/forgot.html", form)


@bp.route("/mot-de-passe/nouveau/<token>", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
@open_to_anyone("the secret link sent by e-mail is the authority")
def reset_password(token):
    services.usable_link(token, "reset")
    form = ResetForm()
    done = form.validate_on_submit() and act_then_sign_in(
        form, lambda: services.reset_password(token, form.password.data),
        _("Votre mot de passe est changé. Toutes vos autres sessions et vos jetons d'accès "
          "sont fermés."))
    return done or _form_page("registration/reset.html", form)
