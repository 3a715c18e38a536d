from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length

from app.inputs import EmailAddress


def stripped(value):
    """Phones often add a trailing space after an autocompleted address."""
    return value.strip() if isinstance(value, str) else value


class LoginForm(FlaskForm):
    email = EmailField(
        _l("Adresse e-mail"),
        filters=[stripped],
        validators=[DataRequired(_l("Indiquez votre adresse e-mail.")),
                    EmailAddress()],
    )
    password = PasswordField(
        _l("Mot de passe"),
        validators=[DataRequired(_l("Indiquez votre mot de passe.")), Length(max=200)],
    )
