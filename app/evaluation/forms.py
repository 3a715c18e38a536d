"""Forms of the evaluation pages."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from app.auth.forms import stripped

from .models import TFPB_AXES


class AxisForm(FlaskForm):
    axis = SelectField(_l("Axe TFPB"), coerce=int,
                       choices=[SelectChoice(n, f"{n}. {label}") for n, label in TFPB_AXES.items()],
                       validators=[InputRequired(_l("Choisissez un axe."))])
    reason = TextAreaField(_l("Pourquoi cet axe (facultatif)"), filters=[stripped],
                           validators=[Optional(), Length(max=2000)])
