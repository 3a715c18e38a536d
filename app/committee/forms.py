"""Forms of the committee meetings: they check the shape of input, the services the rules."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from app.auth.forms import stripped

from .services import MAX_NOTE, MAX_TITLE, due_dates, meeting_dates


def _offer(field, dates):
    """A date field's picker offers the days between `dates` (first, last) only: on a
    phone, a day out of reach cannot be picked by a slip of the thumb."""
    first, last = dates
    field.render_kw = {**(field.render_kw or {}), "min": first.isoformat(),
                       "max": last.isoformat()}


class MeetingForm(FlaskForm):
    held_on = DateField(_l("Date de la réunion"),
                        validators=[InputRequired(_l("Indiquez la date de la réunion."))])
    starts_at = TimeField(_l("Heure"), validators=[InputRequired(_l("Indiquez l'heure."))])
    place = StringField(_l("Lieu"), filters=[stripped],
                        validators=[InputRequired(_l("Indiquez le lieu de la réunion.")),
                                    Length(max=200)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _offer(self.held_on, meeting_dates())


class AddItemForm(FlaskForm):
    reference = StringField(_l("Numéro du signalement (par exemple 2026-00042)"),
                            filters=[stripped],
                            validators=[InputRequired(_l("Indiquez un numéro.")),
                                        Length(max=20)])


class FreePointForm(FlaskForm):
    title = StringField(_l("Intitulé du point"), filters=[stripped],
                        validators=[InputRequired(_l("Donnez un intitulé au point.")),
                                    Length(max=MAX_TITLE)])


class DecisionForm(FlaskForm):
    """One per agenda point, prefixed by the point's id."""

    organisation = SelectField(_l("Qui agit"), choices=[], validate_choice=False)
    due_on = DateField(_l("D'ici le"), validators=[Optional()])
    note = TextAreaField(_l("Décision (note interne au comité)"), filters=[stripped],
                         validators=[Optional(), Length(max=MAX_NOTE)])
    item_version = IntegerField(validators=[Optional()])
    point_version = IntegerField(validators=[InputRequired()])

    def __init__(self, point, *args, **kwargs):
        super().__init__(*args, prefix=f"p{point.id}", **kwargs)
        self.point = point
        _offer(self.due_on, due_dates())

    def set_organisations(self, organisations):
        self.organisation.choices = [SelectChoice("", _l("— inchangé —"))] + [
            SelectChoice(o.code, o.name) for o in organisations]

    def validate_organisation(self, field):
        # A code no organisation has would otherwise be read as "unchanged".
        if field.data and field.data not in {choice.value for choice in field.choices}:
            raise ValidationError(_("Organisme inconnu : %(code)s.", code=field.data))


class CloseForm(FlaskForm):
    attendees = TextAreaField(_l("Présents (organismes et collèges représentés)"),
                              filters=[stripped], validators=[Optional(), Length(max=4000)])
    notes = TextAreaField(_l("Relevé des échanges"), filters=[stripped],
                          validators=[Optional(), Length(max=20000)])
