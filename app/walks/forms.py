"""Walk forms: they check the shape of input; app/walks/services.py checks the rules."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    DateField,
    HiddenField,
    MultipleFileField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from app.admin.forms import CheckboxesField
from app.auth.forms import stripped
from app.inputs import DatabaseIntegerField
from app.items.models import MAX_DESCRIPTION

from .findings import MAX_RECOMMENDATION
from .models import COLLEGES, GENDERS, LIGHTING, RATINGS, RECHECK_LABELS, WALK_TYPE_LABELS

SCORES = [SelectChoice(str(n), label) for n, label in (
    (0, _l("0 — très mauvais")), (1, _l("1 — mauvais")), (2, _l("2 — correct")),
    (3, _l("3 — bon")))]


def _stop_line(raw, places_by_name):
    parts = [p.strip() for p in raw.split(";")]
    if len(parts) == 3:
        try:
            return {"name": parts[0], "lon": float(parts[1]), "lat": float(parts[2])}
        except ValueError:
            return None
    place = places_by_name.get(parts[0].casefold()) if len(parts) == 1 else None
    return {"name": place.name, "lon": place.lon, "lat": place.lat} if place else None


class WalkForm(FlaskForm):
    type = SelectField(_l("Type de marche"),
                       choices=[SelectChoice(k.value, v) for k, v in WALK_TYPE_LABELS.items()])
    title = StringField(_l("Titre"), filters=[stripped], validators=[Length(max=200)])
    date = DateField(_l("Date"), validators=[Optional()])
    start_time = TimeField(_l("Heure de départ"), validators=[Optional()])
    end_time = TimeField(_l("Heure de fin (facultatif)"), validators=[Optional()])
    meeting_point = StringField(_l("Point de rendez-vous"), filters=[stripped],
                                validators=[Length(max=200)])
    sector = StringField(_l("Secteur"), filters=[stripped], validators=[Length(max=120)])
    organisations = CheckboxesField(_l("Organismes invités"), choices=[])
    stops = TextAreaField(
        _l("Arrêts, dans l'ordre de la marche"), filters=[stripped],
        validators=[Length(max=5000)])
    route = TextAreaField(_l("Tracé (facultatif)"), filters=[stripped],
                          validators=[Length(max=20000)])

    def set_organisations(self, organisations):
        self.organisations.choices = [SelectChoice(o.code, o.name) for o in organisations]

    def parsed(self, places):
        """(data for services.plan_walk, {field: message}) — lines read, not judged.

        A stop line is « nom ; longitude ; latitude », or the exact name of a place of the
        list; a route line is « longitude latitude ».
        """
        errors = {}
        by_name = {p.name.casefold(): p for p in places}
        stops = []
        for number, raw in enumerate((self.stops.data or "").splitlines(), start=1):
            if not raw.strip():
                continue
            stop = _stop_line(raw, by_name)
            if stop is None:
                errors["stops"] = _l("Ligne %(n)d des arrêts : écrivez « nom ; longitude ; "
                                     "latitude » ou le nom exact d'un lieu de la liste.", n=number)
                break
            stops.append(stop)
        route = []
        for number, raw in enumerate((self.route.data or "").splitlines(), start=1):
            if not raw.strip():
                continue
            try:
                lon, lat = (float(v) for v in raw.replace(",", " ").split())
            except ValueError:
                errors["route"] = _l("Ligne %(n)d du tracé : écrivez « longitude latitude ».",
                                     n=number)
                break
            route.append([lon, lat])
        data = {name: getattr(self, name).data for name in (
            "type", "title", "date", "start_time", "end_time", "meeting_point", "sector",
            "organisations")}
        data.update(stops=stops, route=route)
        return data, errors


class NightGridForm(FlaskForm):
    lighting_state = RadioField(_l("État de l'éclairage"), validators=[InputRequired(
        _l("Choisissez l'état de l'éclairage."))],
        choices=[SelectChoice(k, v) for k, v in LIGHTING.items()])
    comment = TextAreaField(_l("Commentaire (facultatif)"), filters=[stripped],
                            validators=[Length(max=2000)])

    def grid_data(self):
        data = {name: int(getattr(self, name).data) for name in RATINGS}
        data.update(lighting_state=self.lighting_state.data, comment=self.comment.data)
        return data


for _name, _label in RATINGS.items():
    setattr(NightGridForm, _name, RadioField(_label, choices=SCORES, validators=[
        InputRequired(_l("Notez de 0 (très mauvais) à 3 (très bon)."))]))


class ParticipationForm(FlaskForm):
    def counts(self):
        return {college: {gender: getattr(self, f"{college}_{gender}").data or 0
                          for gender in GENDERS} for college in COLLEGES}


for _college, _clabel in COLLEGES.items():
    for _gender, _glabel in GENDERS.items():
        setattr(ParticipationForm, f"{_college}_{_gender}", DatabaseIntegerField(
            _l("%(college)s — %(gender)s", college=_clabel, gender=_glabel), default=0,
            validators=[Optional(), NumberRange(0, 999, _l("Entre 0 et 999."))]))


class RecheckForm(FlaskForm):
    outcome = RadioField(_l("Constat de contre-visite"),
                         choices=[SelectChoice(k.value, v) for k, v in RECHECK_LABELS.items()],
                         validators=[InputRequired(_l("Choisissez : résolu, toujours là ou "
                                                      "aggravé."))])
    note = TextAreaField(_l("Remarque (facultatif)"), filters=[stripped],
                         validators=[Length(max=2000)])
    photo = FileField(_l("Photo (facultatif)"))


class PublishForm(FlaskForm):
    summary = TextAreaField(_l("Synthèse de la marche"), filters=[stripped],
                            validators=[Length(max=10000)])


class StatusForm(FlaskForm):
    """Only the CSRF token: the target state is in the URL."""


class QuickFindingForm(FlaskForm):
    """The join page's short form: a finding at a stop, with photos. Its field names are the
    capture form's, so that a phone keeps and sends it like any capture (sending.js); the
    stop and category are checked by the capture service."""

    stop = SelectField(_l("Arrêt"), choices=[], validate_choice=False)
    category = SelectField(_l("Catégorie"), choices=[], validate_choice=False)
    description = TextAreaField(
        _l("Ce que vous constatez"), filters=[stripped],
        validators=[Optional(), Length(max=MAX_DESCRIPTION,
                                       message=_l("La description dépasse 4000 caractères."))])
    strong_point = RadioField(_l("C'est…"), default="false", validate_choice=False, choices=[
        SelectChoice("false", _l("un point faible (à améliorer)")),
        SelectChoice("true", _l("un point fort (à garder)"))])
    recommendation = TextAreaField(_l("Préconisation (facultatif)"), filters=[stripped],
                                   validators=[Optional(), Length(max=MAX_RECOMMENDATION)])
    photo = MultipleFileField(_l("Photos (trois au plus)"))
    idempotency_key = HiddenField()
