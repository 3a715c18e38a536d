"""A person's own space: their items, supports and comments; attaching items sent without
an account; password, sessions and API tokens; export; deletion."""

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, logout_user

from app.auth import services as accounts
from app.auth.models import ApiToken
from app.auth.permissions import is_signed_in
from app.auth.views import act_then_sign_in
from app.clock import utcnow
from app.errors import DomainError
from app.extensions import db, limiter
from app.forms import show_refusal
from app.items.status import STATUS_LABELS, VISIBILITY_LABELS
from app.limits import login_limit
from app.permissions import requires
from app.proposals.queries import comments_by, supports_by

from . import services
from .forms import AttachForm, DeleteForm, PasswordForm, TokenForm

bp = Blueprint("account", __name__, url_prefix="/mon-compte")


def _page(status=200, **forms):
    user = current_user._get_current_object()
    forms = {"form": DeleteForm(formdata=None), "password_form": PasswordForm(formdata=None),
             "token_form": TokenForm(formdata=None), "attach_form": AttachForm(formdata=None),
             **forms}
    return render_template(
        "account/index.html", items=services.own_items(user), supports=supports_by(user),
        comments=comments_by(user), tokens=accounts.tokens_of(user),
        sessions=accounts.sessions_of(user), statuses=STATUS_LABELS,
        visibilities=VISIBILITY_LABELS, now=utcnow(),
        revoke_url=lambda token: url_for("account.revoke_token", token_id=token.id),
        **forms), status


@bp.route("")
@requires(is_signed_in)
def index():
    return _page()


@bp.route("/rattacher", methods=["POST"])
@requires(is_signed_in)
@limiter.limit(login_limit)
def attach():
    """Attach items sent without an account, by their tracking links."""
    form = AttachForm()
    if not form.validate_on_submit():
        return _page(422, attach_form=form)
    attached, refused = services.attach_reported_items(current_user._get_current_object(),
                                                       form.links.data)
    db.session.commit()
    if attached:
        flash(ngettext("%(num)d signalement ajouté à votre compte.",
                       "%(num)d signalements ajoutés à votre compte.", len(attached)), "success")
    if not refused:
        return redirect(url_for("account.index"))
    form.links.data = "\n".join(line for line, _why in refused)
    form.links.errors = [f"{line} : {why}" for line, why in refused]
    return _page(422, attach_form=form)


@bp.route("/mot-de-passe", methods=["POST"])
@requires(is_signed_in)
@limiter.limit(login_limit)
def change_password():
    """A new password ends every session and token of the account; this browser gets a
    fresh session."""
    form = PasswordForm()
    done = form.validate_on_submit() and act_then_sign_in(
        form, lambda: accounts.change_password(current_user._get_current_object(),
                                               form.current_password.data,
                                               form.new_password.data),
        _("Mot de passe changé. Vos autres sessions et vos jetons d'accès sont fermés."))
    return done or _page(422, password_form=form)


@bp.route("/deconnexion-partout", methods=["POST"])
@requires(is_signed_in)
def sign_out_everywhere():
    """A lost phone: end every session (this one too) and revoke every token."""
    accounts.sign_out_everywhere(current_user, current_user._get_current_object())
    db.session.commit()
    logout_user()
    flash(_("Toutes vos sessions sont fermées et vos jetons d'accès révoqués, sur tous vos "
            "appareils."), "success")
    return redirect(url_for("auth.login"))


@bp.route("/jetons", methods=["POST"])
@requires(is_signed_in)
def create_token():
    """A bearer token for the JSON API, shown once on the page that answers."""
    form = TokenForm()
    if not form.validate_on_submit():
        return _page(422, token_form=form)
    raw = accounts.issue_token(current_user._get_current_object(), form.name.data,
                               int(form.days.data))
    db.session.commit()
    page, status = _page(201, new_token=raw, new_token_name=form.name.data)
    return page, status, {"Cache-Control": "no-store"}


@bp.route("/jetons/<int:token_id>/revoquer", methods=["POST"])
@requires(is_signed_in)
def revoke_token(token_id):
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != current_user.id:
        abort(404)  # someone else's token does not exist here
    accounts.revoke_token(current_user, token)
    db.session.commit()
    flash(_("Jeton « %(name)s » révoqué.", name=token.name), "success")
    return redirect(url_for("account.index") + "#jetons")


@bp.route("/donnees.json")
@requires(is_signed_in)
def export():
    response = jsonify(services.export_personal_data(current_user))
    response.headers["Content-Disposition"] = "attachment; filename=arpenteur-mes-donnees.json"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/suppression", methods=["POST"])
@requires(is_signed_in)
def delete():
    form = DeleteForm()
    if form.validate_on_submit():
        try:
            services.delete_account(current_user._get_current_object(), form.password.data)
        except DomainError as refused:
            db.session.rollback()
            show_refusal(form, refused)
        else:
            db.session.commit()
            logout_user()
            flash(_("Votre compte est supprimé. Vos contributions publiques restent, sans "
                    "votre nom ni votre adresse."), "success")
            return redirect(url_for("main.index"))
    return _page(422, form=form)
