"""Forms of the moderation pages: they check the shape, the services check the rules."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    FieldList,
    Form,
    FormField,
    IntegerField,
    RadioField,
    SelectChoice,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional
from wtforms.widgets import HiddenInput

from app.auth.forms import stripped
from app.items.models import MAX_DESCRIPTION

from .models import FLAG_REASONS

DECISIONS = {"publish": _l("Publier"), "hide": _l("Masquer")}
PIXELS = _l("Un nombre entier de pixels, positif ou nul.")
SIZE = _l("Au moins un pixel.")
ZONE_DECISIONS = {"mask": _l("Flouter"), "dismiss": _l("Écarter")}


class PrefixedForm(FlaskForm):
    """A form sharing its page with others, its fields prefixed to keep ids unique.

    CSRFProtect checks the page-wide `csrf_token` of every POST; a form-level token would
    be renamed by the prefix, so it is left to CSRFProtect.
    """

    class Meta:
        csrf = False


class DecisionForm(PrefixedForm):
    action = RadioField(_l("Décision"), choices=[SelectChoice(k, v) for k, v in DECISIONS.items()],
                        validators=[InputRequired(_l("Choisissez : publier ou masquer."))])
    reason = TextAreaField(_l("Raison (obligatoire pour masquer, visible des modérateurs)"),
                           filters=[stripped], validators=[Optional(), Length(max=1000)])


class TextForm(PrefixedForm):
    title = StringField(_l("Titre public"), filters=[stripped],
                        validators=[Optional(), Length(max=200)])
    description = TextAreaField(_l("Texte public"), filters=[stripped],
                                validators=[Optional(), Length(max=MAX_DESCRIPTION)])
    reason = StringField(_l("Ce que vous avez retiré (pour l'historique)"), filters=[stripped],
                         validators=[Optional(), Length(max=300)])


class ZoneForm(Form):
    """One rectangle of a photo, in its pixels; `region` names an existing one."""

    region = IntegerField(widget=HiddenInput(), validators=[Optional()])
    x = IntegerField(_l("Gauche (pixels depuis le bord gauche)"),
                     validators=[Optional(), NumberRange(min=0, message=PIXELS)])
    y = IntegerField(_l("Haut (pixels depuis le bord haut)"),
                     validators=[Optional(), NumberRange(min=0, message=PIXELS)])
    width = IntegerField(_l("Largeur (pixels)"),
                         validators=[Optional(), NumberRange(min=1, message=SIZE)])
    height = IntegerField(_l("Hauteur (pixels)"),
                          validators=[Optional(), NumberRange(min=1, message=SIZE)])
    decision = RadioField(_l("Décision"), choices=[SelectChoice(k, v)
                                                   for k, v in ZONE_DECISIONS.items()],
                          validators=[Optional()])

    def box(self):
        """(x, y, width, height), or None when no coordinate was given (an unused blank)."""
        values = (self.x.data, self.y.data, self.width.data, self.height.data)
        return None if all(v is None for v in values) else values

    def validate(self, extra_validators=None):
        if not super().validate(extra_validators):
            return False
        box = self.box()
        if box is not None and None in box:
            self.form_errors.append(_l("Indiquez les quatre nombres : gauche, haut, largeur, "
                                       "hauteur."))
            return False
        return True


class ZonesForm(PrefixedForm):
    """The rectangles of one photo: the detector's suggestions, the moderator's masks, and
    blank ones for new rectangles (drawn on the photo, or typed without JavaScript)."""

    zones = FieldList(FormField(ZoneForm), min_entries=0)

    def submitted_zones(self):
        return [{"region": entry.form.region.data, "box": entry.form.box(),
                 "decision": entry.form.decision.data or None}
                for entry in self.zones if entry.form.box() is not None]

    @property
    def zone_errors(self):
        """Every message of the rectangles, for the summary above the form."""
        found = list(self.form_errors)
        for number, entry in enumerate(self.zones, start=1):
            messages = list(entry.form.form_errors) + [
                message for errors in entry.form.errors.values() if isinstance(errors, list)
                for message in errors]
            found += [_l("Zone %(n)d : %(message)s", n=number, message=message)
                      for message in messages]
        return found


class MergeForm(PrefixedForm):
    original = IntegerField(_l("Numéro de l'original (identifiant)"),
                            validators=[InputRequired(_l("Indiquez le numéro de l'original."))])
    note = StringField(_l("Note publique (facultative)"), filters=[stripped],
                       validators=[Optional(), Length(max=300)])


class FlagForm(FlaskForm):
    reason = RadioField(_l("Pourquoi ce contenu ne devrait-il pas être public ?"),
                        choices=[SelectChoice(k, v) for k, v in FLAG_REASONS.items()],
                        validators=[InputRequired(_l("Choisissez une raison."))])
    note = TextAreaField(_l("Précision (facultative)"), filters=[stripped],
                         validators=[Optional(), Length(max=1000)])


class CommentTextForm(PrefixedForm):
    body = TextAreaField(_l("Texte public du commentaire"), filters=[stripped],
                         validators=[InputRequired(_l("Le texte ne peut pas être vide.")),
                                     Length(max=2000)])
    reason = StringField(_l("Ce que vous avez retiré (pour l'historique)"), filters=[stripped],
                         validators=[Optional(), Length(max=300)])
