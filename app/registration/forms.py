from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from app.auth.forms import stripped
from app.auth.passwords import MAX_LENGTH, MIN_LENGTH

PASSWORD_HINT = _l("%(n)d caractères au moins. Le plus simple : trois ou quatre mots sans lien "
                   "entre eux, par exemple « tulipe-vélo-orage-carton ».", n=MIN_LENGTH)


def _email_field():
    return EmailField(
        _l("Adresse e-mail"), filters=[stripped],
        validators=[DataRequired(_l("Indiquez votre adresse e-mail.")),
                    Email(_l("Cette adresse e-mail n'est pas valide.")), Length(max=254)])


def _new_password_fields():
    password = PasswordField(
        _l("Mot de passe"),
        validators=[DataRequired(_l("Choisissez un mot de passe.")), Length(max=MAX_LENGTH)])
    confirm = PasswordField(
        _l("Le même mot de passe, une seconde fois"),
        validators=[DataRequired(_l("Tapez le mot de passe une seconde fois.")),
                    EqualTo("password", _l("Les deux mots de passe ne sont pas identiques."))])
    return password, confirm


class SignupForm(FlaskForm):
    email = _email_field()
    password, password_again = _new_password_fields()


class ConfirmForm(FlaskForm):
    password = PasswordField(
        _l("Le mot de passe choisi à l'inscription"),
        validators=[DataRequired(_l("Indiquez votre mot de passe.")), Length(max=MAX_LENGTH)])


class ForgotForm(FlaskForm):
    email = _email_field()


class ResetForm(FlaskForm):
    password, password_again = _new_password_fields()
