"""A resident's own space: their items, supports and comments; export; deletion."""

from flask import Blueprint, flash, jsonify, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField
from wtforms.validators import InputRequired

from app.auth.permissions import is_signed_in
from app.errors import DomainError
from app.extensions import db
from app.forms import show_refusal
from app.items.status import STATUS_LABELS, VISIBILITY_LABELS
from app.permissions import requires
from app.proposals.queries import comments_by, supports_by

from . import services

bp = Blueprint("account", __name__, url_prefix="/mon-compte")


class DeleteForm(FlaskForm):
    password = PasswordField(_l("Votre mot de passe, pour confirmer"),
                             validators=[InputRequired(_l("Indiquez votre mot de passe."))])


def _page(form, status=200):
    return render_template(
        "account/index.html", items=services.own_items(current_user),
        supports=supports_by(current_user), comments=comments_by(current_user), form=form,
        statuses=STATUS_LABELS, visibilities=VISIBILITY_LABELS), status


@bp.route("")
@requires(is_signed_in)
def index():
    return _page(DeleteForm(formdata=None))


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
    return _page(form, 422)
