from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from app.auth.forms import stripped

from .services import MAX_NAME


class ApiKeyForm(FlaskForm):
    name = StringField(
        _l("Client (application ou organisme)"), filters=[stripped],
        validators=[DataRequired(_l("Nommez la clé : l'application ou l'organisme qui "
                                    "l'utilise.")), Length(max=MAX_NAME)])
