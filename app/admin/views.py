"""Administrators manage accounts."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth import services
from app.auth.models import User
from app.auth.permissions import can_manage_users
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
    return render_template("admin/user_form.html", form=form, user=user), status

