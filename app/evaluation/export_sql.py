"""What the exports have the database write, the same on SQLite and PostgreSQL: an item's
reference, a point's coordinate to six decimals, and a GeoJSON feature's whole text.

The GeoJSON of 50,000 items is 40 MB of text. Written in Python, value by value, it took
half of the export's time; the database writes it row by row in C (json_object on SQLite,
json_build_object on PostgreSQL), and Python only joins the rows. Each element below
compiles to each engine's own spelling of the same value (six_decimals has one spelling
for both).
"""

from sqlalchemy import (
    Boolean,
    DateTime,
    Float,
    String,
    Text,
    cast,
    func,
    literal_column,
    type_coerce,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


class Reference(FunctionElement):
    """An item's reference from its id and moment of creation, as items.models.reference_of
    writes it: "2026-00042" (the id on at least five digits)."""

    type = String()
    inherit_cache = True


@compiles(Reference, "sqlite")
def _reference_sqlite(element, compiler, **kw):
    item_id, created_at = (compiler.process(c, **kw) for c in element.clauses)
    return f"printf('%s-%05d', substr({created_at}, 1, 4), {item_id})"


@compiles(Reference)
def _reference(element, compiler, **kw):
    item_id, created_at = (compiler.process(c, **kw) for c in element.clauses)
    digits = f"CAST({item_id} AS TEXT)"
    return (f"to_char({created_at}, 'YYYY') || '-' "
            f"|| lpad({digits}, greatest(5, length({digits})), '0')")


def six_decimals(coordinate):
    """A longitude or latitude to six decimals (about 10 cm), the same float Python's
    round(x, 6) gives, in one spelling for both engines. Not round(x, 6): SQLite's misses
    the nearest float (48.738232 comes back as 48.738231999999996), and PostgreSQL's
    takes places only for a numeric, four times as slow. A whole number of millionths
    divided by a million is the float nearest the decimal, since a division is exactly
    rounded."""
    return type_coerce(func.round(coordinate * 1_000_000) / 1_000_000, Float)


class IsoMoment(FunctionElement):
    """A moment as the text Python's isoformat() writes of it: to the second, with its six
    digits of microseconds only when it has some. (PostgreSQL's own JSON of a moment drops
    the trailing zeros of its fraction; SQLite stores the moment as text already.)"""

    type = String()
    inherit_cache = True


@compiles(IsoMoment, "sqlite")
def _iso_moment_sqlite(element, compiler, **kw):
    value = compiler.process(element.clauses, **kw)  # stored as "2026-03-01 09:00:00.000000"
    return (f"CASE WHEN substr({value}, 21) IN ('', '000000') "
            f"THEN replace(substr({value}, 1, 19), ' ', 'T') ELSE replace({value}, ' ', 'T') END")


@compiles(IsoMoment)
def _iso_moment(element, compiler, **kw):
    value = compiler.process(element.clauses, **kw)
    return (f"to_char({value}, CASE WHEN date_trunc('second', {value}) = {value} "
            "THEN 'YYYY-MM-DD\"T\"HH24:MI:SS' ELSE 'YYYY-MM-DD\"T\"HH24:MI:SS.US' END)")


class JsonTruth(FunctionElement):
    """A yes-or-no as JSON's true or false (SQLite has no booleans: its 1 and 0 would
    otherwise be written as numbers)."""

    type = Boolean()
    inherit_cache = True


@compiles(JsonTruth, "sqlite")
def _json_truth_sqlite(element, compiler, **kw):
    value = compiler.process(element.clauses, **kw)
    return f"json(CASE {value} WHEN 1 THEN 'true' WHEN 0 THEN 'false' ELSE 'null' END)"


@compiles(JsonTruth)
def _json_truth(element, compiler, **kw):
    return compiler.process(element.clauses, **kw)


class _JsonFunction(FunctionElement):
    """A JSON function called by its name on each engine: `names` (SQLite's, PostgreSQL's)."""

    type = String()
    inherit_cache = True
    names = ("", "")


@compiles(_JsonFunction, "sqlite")
def _json_function_sqlite(element, compiler, **kw):
    return f"{element.names[0]}({compiler.process(element.clauses, **kw)})"


@compiles(_JsonFunction)
def _json_function(element, compiler, **kw):
    return f"{element.names[1]}({compiler.process(element.clauses, **kw)})"


class JsonObject(_JsonFunction):
    """A JSON object of (name, value) pairs in their order, written by the database: names
    are the code's own words, values any SQL (a JsonObject nests as an object). Give each
    value its JSON form first: json_value()."""

    names = ("json_object", "json_build_object")
    inherit_cache = True

    def __init__(self, pairs):
        super().__init__(*(part for name, value in pairs
                           for part in (_word(name), value)))


class JsonArray(_JsonFunction):
    """A JSON array of SQL values, in their order."""

    names = ("json_array", "json_build_array")
    inherit_cache = True


def _word(name):
    """A name written into the SQL itself: PostgreSQL's json_build_object cannot tell the
    type of a bound parameter. Only the code's own names reach it."""
    assert name.replace("_", "").isalnum(), name
    return literal_column(f"'{name}'", String())


def json_value(column):
    """`column` as its JSON value is written: a moment as Python's ISO text, a yes-or-no
    as true or false; a date, number or text as it is (a date as "2026-03-01")."""
    if isinstance(column.type, DateTime):
        return IsoMoment(column)
    if isinstance(column.type, Boolean):
        return JsonTruth(column)
    return column


def point_feature(feature_id, properties, lon, lat):
    """A GeoJSON Feature's text: its id, its properties [(name, SQL value)] and its point
    (as text: the driver would otherwise parse PostgreSQL's JSON into objects)."""
    return cast(JsonObject([
        ("type", _word("Feature")), ("id", feature_id),
        ("properties", JsonObject((name, json_value(value)) for name, value in properties)),
        ("geometry", JsonObject([("type", _word("Point")),
                                 ("coordinates", JsonArray(lon, lat))]))]), Text)
