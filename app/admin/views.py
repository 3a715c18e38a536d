"""Administrators manage accounts."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth import services
from app.auth.models import ApiToken, User
from app.auth.permissions import can_manage_users
from app.clock import utcnow
from app.errors import DomainError
from app.extensions import db
from app.forms import show_refusal
from app.permissions import requires

from .forms import EditUserForm, NewUserForm

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/comptes")
@requires(can_manage_users)
def users():
    return render_template("admin/users.html", users=services.all_users())


@bp.route("/comptes/nouveau", methods=["GET", "POST"])
@requires(can_manage_users)
def new_user():
    form = NewUserForm()
    form.set_organisations(services.all_organisations())
    if form.validate_on_submit():
        try:
            user, password = services.create_user(
                form.email.data, form.roles.data, form.organisation.data or None,
                form.password.data or None, form.display_name.data or "",
            )
        except DomainError as refused:
            db.session.rollback()
            show_refusal(form, refused)
        else:
            db.session.commit()
            if form.password.data:
                flash(_("Compte %(email)s créé.", email=user.email), "success")
            else:
                flash(_("Compte %(email)s créé. Mot de passe provisoire à transmettre : "
                        "%(password)s", email=user.email, password=password), "success")
            return redirect(url_for("admin.users"))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("admin/user_form.html", form=form, user=None), status


@bp.route("/comptes/<int:user_id>", methods=["GET", "POST"])
@requires(can_manage_users)
def edit_user(user_id):
    user = db.session.get(User, user_id) or abort(404)
    form = EditUserForm(
        data={"display_name": user.display_name, "roles": user.roles, "active": user.active,
              "organisation": user.organisation.code if user.organisation else ""}
    )
    form.set_organisations(services.all_organisations())
    if form.validate_on_submit():
        try:
            services.update_user(
                current_user, user, form.roles.data, form.organisation.data or None,
                form.active.data, form.display_name.data or "", form.password.data or None,
            )
        except DomainError as refused:
            db.session.rollback()
            show_refusal(form, refused)
        else:
            db.session.commit()
            flash(_("Compte %(email)s mis à jour.", email=user.email), "success")
            return redirect(url_for("admin.users"))
    status = 422 if form.errors or form.form_errors else 200
    return render_template(
        "admin/user_form.html", form=form, user=user, tokens=services.tokens_of(user),
        sessions=services.sessions_of(user), now=utcnow(),
        revoke_url=lambda token: url_for("admin.revoke_token", user_id=user.id,
                                         token_id=token.id)), status


@bp.route("/comptes/<int:user_id>/jetons/<int:token_id>/revoquer", methods=["POST"])
@requires(can_manage_users)
def revoke_token(user_id, token_id):
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user_id:
        abort(404)
    services.revoke_token(current_user, token)
    db.session.commit()
    flash(_("Jeton « %(name)s » révoqué.", name=token.name), "success")
    return redirect(url_for("admin.edit_user", user_id=user_id) + "#acces")


@bp.route("/comptes/<int:user_id>/deconnexion", methods=["POST"])
@requires(can_manage_users)
def sign_out_everywhere(user_id):
    """A lost phone or a departure: end all sessions and revoke all tokens of the account."""
    user = db.session.get(User, user_id) or abort(404)
    services.sign_out_everywhere(current_user, user)
    db.session.commit()
    flash(_("Toutes les sessions de %(email)s sont fermées et ses jetons révoqués.",
            email=user.email), "success")
    return redirect(url_for("admin.edit_user", user_id=user.id) + "#acces")

