"""Forms of the moderation pages: they check the shape, the services check the rules."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from app.auth.forms import stripped
from app.inputs import DatabaseIntegerField
from app.items.models import MAX_DESCRIPTION

from .models import FLAG_REASONS

DECISIONS = {"publish": _l("Publier"), "hide": _l("Masquer")}
PIXELS = _l("Un nombre entier de pixels.")


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


class MaskForm(PrefixedForm):
    x = DatabaseIntegerField(_l("Gauche (pixels depuis le bord gauche)"),
                     validators=[InputRequired(PIXELS), NumberRange(min=0)])
    y = DatabaseIntegerField(_l("Haut (pixels depuis le bord haut)"),
                     validators=[InputRequired(PIXELS), NumberRange(min=0)])
    width = DatabaseIntegerField(_l("Largeur (pixels)"), validators=[InputRequired(PIXELS),
                                                            NumberRange(min=1)])
    height = DatabaseIntegerField(_l("Hauteur (pixels)"), validators=[InputRequired(PIXELS),
                                                             NumberRange(min=1)])


class MergeForm(PrefixedForm):
    original = DatabaseIntegerField(_l("Numéro de l'original (identifiant)"),
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
