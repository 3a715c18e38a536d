"""The input layer: what every request and every write goes through before a rule judges it.

Hostile or careless values are refused here, once for every endpoint and form, with a
French message naming the field, instead of surfacing as a database error:
- a NUL byte in a query parameter, form field, path part or JSON string (PostgreSQL
  refuses them in text), and lone surrogates in JSON (they cannot be encoded);
- JSON nested deeper than MAX_JSON_DEPTH (the parser would exhaust the stack) and
  integers beyond the database's integer column (each endpoint judges other numbers);
- integers from paths, query strings and forms beyond that range;
- JSON fields of the wrong type (json_object, for every JSON endpoint);
- e-mail addresses that are not addresses (one validator for forms and the API);
- and, when rows are flushed, text longer than its column or with a NUL byte, integers
  beyond their column type: the same answer on SQLite, which would store them, and on
  PostgreSQL, which would fail.
"""

import json
import re

from email_validator import EmailNotValidError, validate_email
from flask import request
from flask.json.provider import DefaultJSONProvider
from flask_babel import lazy_gettext as _l
from flask_sqlalchemy.session import Session
from sqlalchemy import BigInteger, Integer, SmallInteger, String, event, inspect
from werkzeug.routing import IntegerConverter
from wtforms import IntegerField
from wtforms.validators import ValidationError

from .errors import InvalidInput

MAX_JSON_DEPTH = 32
# PostgreSQL's `integer`, the type of every id and count column.
INT_MAX = 2**31 - 1
INTEGER_RANGES = {SmallInteger: 2**15, BigInteger: 2**63, Integer: 2**31}

NUL = _l("Le texte envoyé contient un caractère non autorisé (caractère nul) : retirez-le "
         "puis recommencez.")
BAD_ENCODING = _l("Le texte envoyé contient des caractères mal encodés.")
OUT_OF_RANGE = _l("Ce nombre est hors des limites admises.")
TOO_DEEP = _l("Le JSON envoyé est imbriqué trop profondément.")
BAD_EMAIL = _l("Cette adresse e-mail n'est pas valide.")
NOT_AN_OBJECT = _l("Envoyez un objet JSON.")
WRONG_TYPE = {str: _l("Ce champ doit être du texte."),
              int: _l("Ce champ doit être un nombre entier."),
              bool: _l("Ce champ vaut true ou false.")}

# A JSON string (with its escapes) or a bracket: enough to measure nesting without parsing.
_JSON_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')
_SURROGATE = re.compile("[\ud800-\udfff]")


def fits_integer_column(value, limit=2**31):
    return -limit <= value < limit


def _text_problem(text):
    if "\x00" in text:
        return NUL
    if _SURROGATE.search(text):
        return BAD_ENCODING
    return None


def _check_depth(text):
    depth = 0
    for token in _JSON_TOKEN.finditer(text):
        bracket = token.group()
        if bracket in "[{":
            depth += 1
            if depth > MAX_JSON_DEPTH:
                raise InvalidInput({"_": TOO_DEEP})
        elif bracket in "]}":
            depth -= 1


def _check_values(value, field="_"):
    """Raise InvalidInput for the first hostile value inside parsed JSON, by its key."""
    if isinstance(value, dict):
        for key, inner in value.items():
            _check_values(key, field)
            _check_values(inner, key)
    elif isinstance(value, list):
        for inner in value:
            _check_values(inner, field)
    elif isinstance(value, str):
        problem = _text_problem(value)
        if problem:
            raise InvalidInput({field: problem})
    elif isinstance(value, bool):
        return
    elif isinstance(value, int) and not fits_integer_column(value):
        raise InvalidInput({field: OUT_OF_RANGE})


def load_json(data):
    """Parse JSON text or bytes like json.loads; raise InvalidInput (a ValueError) for
    nesting past MAX_JSON_DEPTH, NUL bytes, lone surrogates and integers no column can
    hold, and ValueError for anything that is not JSON."""
    if isinstance(data, bytes | bytearray):
        data = data.decode("utf-8")
    _check_depth(data)
    value = json.loads(data)
    _check_values(value)
    return value


class BoundedJSONProvider(DefaultJSONProvider):
    """Every JSON the application reads (request bodies, the signed session) is refused
    past MAX_JSON_DEPTH before it is parsed: no payload can exhaust the parser's stack.
    The values of a request body are checked by refuse_hostile_input."""

    def loads(self, s, **kwargs):
        if isinstance(s, bytes | bytearray):
            s = s.decode("utf-8")
        _check_depth(s)
        return super().loads(s, **kwargs)


def json_object(body, **types):
    """The fields of a JSON object that `types` names (name=str, int or bool), those present
    only; null stands for absent. Raises InvalidInput naming every field of another type
    (true is not an integer), or "_" when the body is not an object at all."""
    if not isinstance(body, dict):
        raise InvalidInput({"_": NOT_AN_OBJECT})
    values, errors = {}, {}
    for name, kind in types.items():
        if name not in body:
            continue
        value = body[name]
        if value is None or (isinstance(value, kind) and not (
                kind is int and isinstance(value, bool))):
            values[name] = value
        else:
            errors[name] = WRONG_TYPE[kind]
    if errors:
        raise InvalidInput(errors)
    return values


class DatabaseIntConverter(IntegerConverter):
    """`<int:...>` in URLs: a number no id column can hold is simply not found (404)."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", INT_MAX)
        super().__init__(url_map, *args, **kwargs)


def database_int(text):
    """For `request.args.get(name, type=database_int)`: an integer an id column can hold,
    else ValueError (werkzeug then answers the default)."""
    text = (text or "").strip()
    if not re.fullmatch(r"-?[0-9]{1,10}", text) or not fits_integer_column(int(text)):
        raise ValueError(text)
    return int(text)


def parse_int(text):
    """The whole number (an id, a year, a count) typed or posted in `text`, or None when it
    is not one an integer column can hold. `str.isdigit()` is no test for this: it takes
    "²", which int() refuses, and any number of digits."""
    try:
        return database_int(text) if isinstance(text, str) else None
    except ValueError:
        return None


class DatabaseIntegerField(IntegerField):
    """An IntegerField that refuses, with a message, numbers no column can hold."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None and not fits_integer_column(self.data):
            self.data = None
            raise ValueError(str(OUT_OF_RANGE))


def normalise_email_address(value):
    """The address in its normal form, or InvalidInput({"email": …}): one rule for every
    form and the API (no line breaks, a domain with a dot, 254 characters at most)."""
    try:
        return validate_email(value, check_deliverability=False).normalized
    except (EmailNotValidError, TypeError):
        raise InvalidInput({"email": BAD_EMAIL}) from None


class EmailAddress:
    """WTForms validator using normalise_email_address; the field keeps the normal form."""

    def __call__(self, form, field):
        if field.data:
            try:
                field.data = normalise_email_address(field.data)
            except InvalidInput:
                raise ValidationError(str(BAD_EMAIL)) from None


def _request_problems():
    problems = {}
    sources = [(request.view_args or {}).items(), request.args.items(multi=True)]
    if request.method not in ("GET", "HEAD"):
        sources.append(request.form.items(multi=True))
    for pairs in sources:
        for key, value in pairs:
            if key is None:  # a multipart part whose name could not be read
                continue
            if problem := _text_problem(key):
                problems["_"] = problem
            elif isinstance(value, str) and (problem := _text_problem(value)):
                problems[key] = problem
    if request.is_json and request.content_length != 0:
        try:
            load_json(request.get_data(cache=True))
        except InvalidInput as refused:
            problems.update(refused.errors)
        except ValueError:
            pass  # not JSON at all: each endpoint says what it expects
    return problems


def refuse_hostile_input():
    """before_request: refuse the request when any part of its input is hostile."""
    problems = _request_problems()
    if problems:
        raise InvalidInput(problems)


@event.listens_for(Session, "before_flush")
def check_column_values(session, _flush_context, _instances):
    """Refuse, before the database sees it, a value its column cannot hold."""
    for instance in (*session.new, *session.dirty):
        state = inspect(instance)
        changed = state.dict if state.pending else state.committed_state  # what is written
        for key, column in state.mapper.columns.items():
            if key not in changed:
                continue
            value = state.dict.get(key)
            if isinstance(value, str) and isinstance(column.type, String):
                problem = _text_problem(value)
                if problem:
                    raise InvalidInput({key: problem})
                if column.type.length and len(value) > column.type.length:
                    raise InvalidInput({key: _l("Ce texte dépasse %(n)d caractères.",
                                                n=column.type.length)})
            elif (isinstance(value, int) and not isinstance(value, bool)
                  and isinstance(column.type, Integer)):
                limit = next(limit for kind, limit in INTEGER_RANGES.items()
                             if isinstance(column.type, kind))
                if not fits_integer_column(value, limit):
                    raise InvalidInput({key: OUT_OF_RANGE})

