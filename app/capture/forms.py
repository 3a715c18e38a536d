"""The capture form: posted by browsers without JavaScript, and by a phone sending what a
signed-in person kept on it (the JSON API takes the rest)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    FloatField,
    HiddenField,
    MultipleFileField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length, Optional

from app.auth.forms import stripped
from app.inputs import EmailAddress, parse_int
from app.items.categories import CATEGORIES, SPOTS
from app.items.models import MAX_DESCRIPTION
from app.items.schemas import KIND_LABELS, SEVERITY_LABELS
from app.items.services import TEXT_LIMITS


class CaptureForm(FlaskForm):
    kind = RadioField(_l("Ce que vous signalez"), default="gusp",
                      choices=[SelectChoice(k, v) for k, v in KIND_LABELS.items()])
    category = RadioField(_l("Catégorie"), validate_choice=False,
                          choices=[SelectChoice(c.code, c.label) for c in CATEGORIES.values()])
    subcategory = HiddenField()
    title = StringField(_l("Titre de la proposition"), filters=[stripped],
                        validators=[Optional(), Length(max=TEXT_LIMITS["title"])])
    description = TextAreaField(
        _l("Description"), filters=[stripped],
        validators=[Optional(), Length(max=MAX_DESCRIPTION,
                                       message=_l("La description dépasse 4000 caractères."))])
    lon = FloatField(validators=[Optional()])
    lat = FloatField(validators=[Optional()])
    place = SelectField(_l("Ou choisissez un lieu dans la liste"), choices=[],
                        validate_choice=False)
    residence = StringField(_l("Résidence"), filters=[stripped],
                            validators=[Optional(), Length(max=TEXT_LIMITS["residence"])])
    building = StringField(_l("Bâtiment"), filters=[stripped],
                           validators=[Optional(), Length(max=TEXT_LIMITS["building"])])
    entrance = StringField(_l("Entrée (cage)"), filters=[stripped],
                           validators=[Optional(), Length(max=TEXT_LIMITS["entrance"])])
    floor = StringField(_l("Étage"), filters=[stripped],
                        validators=[Optional(), Length(max=TEXT_LIMITS["floor"])])
    spot = SelectField(_l("Endroit"), validate_choice=False,
                       choices=[SelectChoice("", _l("—"))] + [SelectChoice(k, v)
                                                              for k, v in SPOTS.items()])
    severity = RadioField(_l("Gravité"), validate_choice=False, coerce=str,
                          choices=[SelectChoice(str(k), v) for k, v in SEVERITY_LABELS.items()])
    danger = BooleanField(_l("Danger immédiat (risque de blessure)"))
    photo = MultipleFileField(_l("Photos (trois au plus)"))
    email = EmailField(
        _l("Votre e-mail (facultatif) pour être tenu·e informé·e"), filters=[stripped],
        validators=[Optional(), EmailAddress()])
    idempotency_key = HiddenField()
    on_behalf = BooleanField(_l("Saisie pour le compte d'un·e habitant·e"))
    # A walk finding (/signaler?walk=...): checked by app/walks/findings.py.
    walk = HiddenField()
    stop = HiddenField()
    strong_point = HiddenField()
    recommendation = TextAreaField(filters=[stripped], validators=[Optional(), Length(max=2000)])

    def follow_walk(self, args):
        """/signaler?walk=<id>&stop=<id>: a finding of that walk, also without JavaScript
        (the ids are checked when the form is posted)."""
        walk, stop = args.get("walk", ""), args.get("stop", "")
        if parse_int(walk) is not None:
            self.walk.data, self.kind.data = walk, "dem"
            self.stop.data = stop if parse_int(stop) is not None else ""

    def set_places(self, places):
        self.place.choices = [SelectChoice("", _l("— Aucun —"))] + [
            SelectChoice(str(p.id), p.name) for p in places]

    def item_data(self):
        """The cleaned fields, in the shape services.submit_item takes."""
        data = {name: (getattr(self, name).data or None) for name in (
            "kind", "category", "subcategory", "title", "description", "residence",
            "building", "entrance", "floor", "spot", "email")}
        data["lon"], data["lat"] = self.lon.data, self.lat.data
        data["place"] = parse_int(self.place.data)
        data["severity"] = int(self.severity.data) if self.severity.data in ("1", "2", "3") \
            else None
        data["danger"] = bool(self.danger.data)
        data["on_behalf"] = bool(self.on_behalf.data)
        for name in ("walk", "stop"):
            value = getattr(self, name).data or None
            number = parse_int(value)
            data[name] = value if number is None else number
        data["strong_point"] = self.strong_point.data == "true"
        data["recommendation"] = self.recommendation.data or None
        return data
