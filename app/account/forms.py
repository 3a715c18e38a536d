from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length

from app.auth.passwords import MAX_LENGTH
from app.auth.services import DEFAULT_TOKEN_DAYS, TOKEN_LIFETIMES_DAYS


class DeleteForm(FlaskForm):
    password = PasswordField(_l("Votre mot de passe, pour confirmer"),
                             validators=[InputRequired(_l("Indiquez votre mot de passe."))])


class PasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Mot de passe actuel"),
        validators=[InputRequired(_l("Indiquez votre mot de passe actuel.")),
                    Length(max=MAX_LENGTH)])
    new_password = PasswordField(
        _l("Nouveau mot de passe"),
        validators=[DataRequired(_l("Choisissez un nouveau mot de passe.")),
                    Length(max=MAX_LENGTH)])
    new_password_again = PasswordField(
        _l("Le nouveau mot de passe, une seconde fois"),
        validators=[DataRequired(_l("Tapez le nouveau mot de passe une seconde fois.")),
                    EqualTo("new_password",
                            _l("Les deux mots de passe ne sont pas identiques."))])


class TokenForm(FlaskForm):
    name = StringField(_l("Nom du jeton (à quoi il sert)"),
                       validators=[DataRequired(_l("Donnez un nom au jeton.")), Length(max=80)])
    days = SelectField(
        _l("Valable"), default=str(DEFAULT_TOKEN_DAYS),
        choices=[SelectChoice(str(days), _l("%(n)d jours", n=days))
                 for days in TOKEN_LIFETIMES_DAYS])


class AttachForm(FlaskForm):
    links = TextAreaField(
        _l("Liens de suivi (un par ligne)"),
        validators=[DataRequired(_l("Collez au moins un lien de suivi.")),
                    Length(max=20_000)])
