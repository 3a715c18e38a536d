"""Forms of the proposal pages."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateTimeLocalField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional

from app.auth.forms import stripped
from app.items.models import MAX_DESCRIPTION

from .models import ANSWERS, MAX_COMMENT, OUTCOMES, THEMES


class ProposalForm(FlaskForm):
    title = StringField(_l("Titre de la proposition"), filters=[stripped],
                        validators=[InputRequired(_l("Donnez un titre à votre proposition.")),
                                    Length(max=200)])
    description = TextAreaField(_l("Votre idée"), filters=[stripped],
                                validators=[Optional(), Length(max=MAX_DESCRIPTION)])
    theme = RadioField(_l("Thème du contrat de ville"),
                       choices=[SelectChoice(k, v) for k, v in THEMES.items()],
                       validators=[InputRequired(_l("Choisissez un thème du contrat de ville."))])
    place = SelectField(_l("Où ? (un lieu de la liste)"), choices=[], validate_choice=False,
                        validators=[InputRequired(_l("Choisissez un lieu dans la liste."))])

    def set_places(self, places):
        self.place.choices = [SelectChoice("", _l("— Choisir —"))] + [
            SelectChoice(str(p.id), p.name) for p in places]


class CommentForm(FlaskForm):
    body = TextAreaField(_l("Votre commentaire"), filters=[stripped],
                         validators=[InputRequired(_l("Écrivez votre commentaire.")),
                                     Length(max=MAX_COMMENT)])


class MeetingForm(FlaskForm):
    held_at = DateTimeLocalField(_l("Date et heure"), format="%Y-%m-%dT%H:%M",
                                 validators=[InputRequired(_l("Indiquez la date et l'heure "
                                                              "de la réunion."))])
    place = StringField(_l("Lieu"), filters=[stripped],
                        validators=[InputRequired(_l("Indiquez le lieu de la réunion.")),
                                    Length(max=200)])


class AgendaForm(FlaskForm):
    item = SelectField(_l("Proposition à inscrire à l'ordre du jour"), choices=[],
                       validate_choice=False,
                       validators=[InputRequired(_l("Choisissez une proposition."))])


class OutcomeForm(FlaskForm):
    outcome = RadioField(_l("Décision de la table"),
                         choices=[SelectChoice(k, v) for k, v in OUTCOMES.items()],
                         validators=[InputRequired(_l("Choisissez : portée ou non portée."))])
    organisation = SelectField(_l("Organisme saisi (si portée)"), choices=[],
                               validate_choice=False)
    reason = TextAreaField(_l("Raison ou commentaire (obligatoire si non portée)"),
                           filters=[stripped], validators=[Optional(), Length(max=2000)])


class AnswerForm(FlaskForm):
    answer = RadioField(_l("Réponse de l'organisme"),
                        choices=[SelectChoice(k, v) for k, v in ANSWERS.items()],
                        validators=[InputRequired(_l("Choisissez : acceptée, acceptée en partie "
                                                     "ou refusée."))])
    text = TextAreaField(_l("Motifs de la réponse"), filters=[stripped],
                         validators=[Optional(), Length(max=4000)])
