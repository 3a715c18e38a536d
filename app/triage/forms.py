"""Forms of the working pages; they check the shape of input, the services the rules."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, SelectChoice, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from app.auth.forms import stripped
from app.inputs import DatabaseIntegerField

NOTE_MAX = 2000

# What each move asks for, and how its button reads.
MOVE_LABELS = {
    "routed": _l("Transmettre"),
    "acknowledged": _l("Prendre en compte"),
    "planned": _l("Planifier l'intervention"),
    "resolved": _l("Marquer comme résolu"),
    "returned": _l("Renvoyer : ce n'est pas pour nous"),
    "rejected": _l("Rejeter"),
    "duplicate": _l("Marquer comme doublon"),
    "verified": _l("Confirmer la résolution"),
    "reopened": _l("Rouvrir"),
    "new": _l("Remettre à trier"),
}
NOTE_LABELS = {
    "resolved": _l("Ce qui a été fait (public)"),
    "returned": _l("Pourquoi ce n'est pas pour votre organisme (public)"),
    "rejected": _l("Raison du rejet (publique)"),
    "reopened": _l("Pourquoi le rouvrir (public)"),
}


class MoveForm(FlaskForm):
    """One move on one item; rendered once per possible move, each with its own prefix."""

    version = DatabaseIntegerField(validators=[InputRequired()])
    note = TextAreaField(_l("Message (public)"), filters=[stripped],
                         validators=[Optional(), Length(max=NOTE_MAX)])
    internal_note = TextAreaField(_l("Note interne (jamais publique)"), filters=[stripped],
                                  validators=[Optional(), Length(max=NOTE_MAX)])
    organisation = SelectField(_l("Organisme"), choices=[], validate_choice=False)
    expected_date = DateField(_l("Date d'intervention prévue"), validators=[Optional()])
    duplicate_of = DatabaseIntegerField(
        _l("Numéro du signalement d'origine (le nombre après le tiret)"),
        validators=[Optional()])
    photo = FileField(_l("Photo après intervention (facultative)"))

    def __init__(self, move, *args, **kwargs):
        super().__init__(*args, prefix=move, **kwargs)
        self.move = move
        self.note.label.text = NOTE_LABELS.get(move, self.note.label.text)

    def set_organisations(self, organisations, suggested=None):
        self.organisation.choices = [SelectChoice(o.code, o.name) for o in organisations]
        if suggested is not None and not self.organisation.data:
            self.organisation.data = suggested.code


class ReopenForm(FlaskForm):
    note = TextAreaField(_l("Ce qui n'est pas réglé"), filters=[stripped],
                         validators=[InputRequired(_l("Dites ce qui n'est pas réglé.")),
                                     Length(max=NOTE_MAX)])

