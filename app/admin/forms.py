from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from app.auth.forms import stripped
from app.auth.roles import ROLE_LABELS
from app.inputs import EmailAddress


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class UserForm(FlaskForm):
    display_name = StringField(_l("Nom affiché"), validators=[Optional(), Length(max=120)])
    roles = CheckboxesField(
        _l("Rôles"),
        choices=[SelectChoice(role.value, label) for role, label in ROLE_LABELS.items()],
        validators=[DataRequired(_l("Choisissez au moins un rôle."))],
    )
    organisation = SelectField(_l("Organisme (obligatoire pour un agent)"), choices=[])
    password = PasswordField(
        _l("Mot de passe (10 caractères au moins)"), validators=[Optional(), Length(max=200)]
    )

    def set_organisations(self, organisations):
        self.organisation.choices = [SelectChoice("", _l("Aucun"))] + [
            SelectChoice(org.code, org.name) for org in organisations
        ]


class NewUserForm(UserForm):
    email = EmailField(
        _l("Adresse e-mail"),
        filters=[stripped],
        validators=[DataRequired(_l("Indiquez l'adresse e-mail.")),
                    EmailAddress()],
    )


class EditUserForm(UserForm):
    active = BooleanField(_l("Compte actif"))
