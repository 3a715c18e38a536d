"""Forms of the routing administration pages."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectChoice, SelectField, StringField, TextAreaField, ValidationError
from wtforms.validators import InputRequired, Length, Optional

from app.auth.forms import stripped
from app.inputs import load_json, parse_int


def _geojson(form, field):
    try:
        field.parsed = load_json(field.data or "")
    except ValueError:
        raise ValidationError(_l("Ce n'est pas du GeoJSON valide.")) from None
    if isinstance(field.parsed, dict) and field.parsed.get("type") == "Feature":
        field.parsed = field.parsed.get("geometry")


class OwnerMixin:
    def set_owners(self, organisations):
        self.owner.choices = [SelectChoice(o.code, o.name) for o in organisations]


class ZoneForm(OwnerMixin, FlaskForm):
    owner = SelectField(_l("Propriétaire du terrain"), choices=[])
    name = StringField(_l("Nom de la zone"), filters=[stripped],
                       validators=[Optional(), Length(max=200)])
    source = StringField(_l("Source"), filters=[stripped], validators=[Optional(), Length(max=200)])
    geometry = TextAreaField(
        _l("Contour (GeoJSON, longitude puis latitude)"),
        validators=[InputRequired(_l("Dessinez la zone sur la carte ou collez son contour "
                                     "GeoJSON.")), _geojson])


class ImportZonesForm(OwnerMixin, FlaskForm):
    owner = SelectField(_l("Propriétaire du terrain"), choices=[])
    file = FileField(_l("Fichier (GeoJSON, GeoPackage ou Shapefile zippé)"),
                     validators=[FileRequired(_l("Choisissez un fichier."))])


def read_delays(formdata, codes):
    """(wanted, errors) from the delay table's inputs `acknowledge-<code>` and
    `resolve-<code>`: {code: (int, int) | (int|None, int|None) | None}; a value that is not
    a whole number is an error of its row. The service checks the rules."""
    wanted, errors = {}, {}
    for code in codes:
        raw = [(formdata.get(f"{name}-{code}") or "").strip() for name in ("acknowledge",
                                                                            "resolve")]
        numbers = [parse_int(value) for value in raw]
        if not any(raw):
            wanted[code] = None
        elif all(number is not None or not value
                 for value, number in zip(raw, numbers, strict=True)):
            wanted[code] = tuple(numbers)
        else:
            errors[code] = _l("Un délai s'écrit en nombre entier de jours ouvrés.")
    return wanted, errors
