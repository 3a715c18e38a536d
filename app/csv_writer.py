"""The one CSV writer: every CSV Arpenteur serves (compte rendu findings, committee exports,
anything later) goes through it.

A cell a spreadsheet would read as a formula is neutralised (OWASP's rule for CSV
injection): text starting with `=`, `+`, `-`, `@`, a tab or a carriage return gets a
leading apostrophe, so a description such as `=HYPERLINK(...)` is shown, never run.
Numbers, dates and booleans are written by the dialect and cannot carry a formula.

Rows are streamed, a block of a few hundred at a time, so an export of every item never
sits whole in memory:

    return csv_response(rows, COLUMNS, "constats.csv", FRENCH)

or, for a custom response, `Response(stream_with_context(stream_csv(rows, COLUMNS)))`.
Rows read column by column (blocks of {key: values}, as the committee's exports read them)
are written without being turned into rows first: `csv_response(blocks, COLUMNS, name,
FRENCH, by_columns=True)`. Each block's cells are formatted column by column and joined,
quoted as the csv module quotes (only the columns that hold a separator, a double quote or
a line break).
"""

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import lru_cache
from itertools import islice

from flask import Response, stream_with_context

from app.clock import paris_wall_clock
from app.memo import Memo

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BLOCK_ROWS = 500


def _as_utc(moment):
    """Naive datetimes are UTC (app/clock.py); aware ones are converted."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


# "14:05" for each minute of a day: an export writes tens of thousands of moments, and
# formatting each with strftime, after converting it with its zone, cost half of a CSV
# export of every item.
CLOCK = tuple(f"{hour:02}:{minute:02}" for hour in range(24) for minute in range(60))


@lru_cache(maxsize=8192)
def _french_day(day):
    return day.strftime("%d/%m/%Y")


def _french_moment(moment):
    """27/11/2026 14:05, in Europe/Paris: the day written once, the time of day read."""
    if moment.tzinfo is not None:  # naive ones, as read from the database, are UTC
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    shown = paris_wall_clock(moment)
    return f"{_french_day(shown.date())} {CLOCK[shown.hour * 60 + shown.minute]}"


@dataclass(frozen=True)
class Dialect:
    """How values are written: separator, byte-order mark, decimals, dates, booleans."""

    delimiter: str
    bom: bool
    decimal_separator: str
    format_date: Callable[[date], str]
    format_datetime: Callable[[datetime], str]
    true: str
    false: str


# UTF-8, comma, ISO 8601 dates (UTC, with Z), decimal point: for programs.
DEFAULT = Dialect(
    delimiter=",", bom=False, decimal_separator=".",
    format_date=date.isoformat,
    format_datetime=lambda moment: _as_utc(moment).strftime("%Y-%m-%dT%H:%M:%SZ"),
    true="true", false="false",
)
# What a French spreadsheet opens without an import dialog: UTF-8 with a byte-order mark,
# semicolons, decimal commas, dates as 27/11/2026 and times in Europe/Paris.
FRENCH = Dialect(
    delimiter=";", bom=True, decimal_separator=",",
    format_date=_french_day, format_datetime=_french_moment,
    true="oui", false="non",
)


def neutralise(text):
    """`text` as a spreadsheet may show it without ever evaluating it."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _number(value, dialect):
    if isinstance(value, float):
        text = repr(value)  # shortest exact digits...
        if "e" in text or "n" in text:  # ...but never an exponent (nor "inf", "nan")
            text = format(Decimal(text), "f")
    else:
        text = format(value, "f") if isinstance(value, Decimal) else str(value)
    return text.replace(".", dialect.decimal_separator)


def format_cell(value, dialect=DEFAULT):
    """One value as the text of a cell; text of any kind (lazy translations included) is
    neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return dialect.true if value else dialect.false
    if isinstance(value, int | float | Decimal):
        return _number(value, dialect)
    if isinstance(value, datetime):
        return dialect.format_datetime(value)
    if isinstance(value, date):
        return dialect.format_date(value)
    return neutralise(str(value))


def _formatters(dialect):
    """{type: its format_cell} for the plain types, so that a cell of one of them costs a
    lookup by its exact type; any other value (a subclass, a lazy translation) goes the
    long way, format_cell. One stream's formatters: each day it writes is written once."""
    return {
        type(None): lambda _value: "",
        bool: lambda value: dialect.true if value else dialect.false,
        int: str if dialect.decimal_separator == "." else (
            lambda value: str(value).replace(".", dialect.decimal_separator)),
        float: lambda value: _number(value, dialect),
        Decimal: lambda value: _number(value, dialect),
        datetime: dialect.format_datetime,
        date: Memo(dialect.format_date).__getitem__,
        str: neutralise,
    }


def _headings(columns):
    """[(key, heading)] from column names, or (key, heading) pairs."""
    return [(column, column) if isinstance(column, str) else tuple(column)
            for column in columns]


def _quoting(dialect):
    """The function that writes a column's texts as the csv module does with its minimal
    quoting: a text holding the separator, a double quote or a line break between double
    quotes (inner ones doubled). A column needing none (most: codes, dates, numbers) is
    checked in one search."""
    special = re.compile(f'[{re.escape(dialect.delimiter)}"\r\n]').search

    def quote(texts):
        if not special("".join(texts)):
            return texts
        return ['"' + text.replace('"', '""') + '"' if special(text) else text
                for text in texts]

    return quote


# A column of text is checked in one search of its cells joined by a unit separator: a
# cell starting as a formula starts is then found after one (a cell holding one itself only
# sends its column the long way).
JOINED_FORMULA = re.compile("\x1f[=+\\-@\t\r]").search


def _decimals(values, separator):
    """A column of floats (and None) as _number writes each, in one sweep: repr's shortest
    digits, the decimal separator put in once; None if one is written with an exponent (or
    is inf or nan), for the column to go cell by cell."""
    joined = "\x1f".join(["" if value is None else repr(value) for value in values])
    if "e" in joined or "n" in joined:
        return None
    return joined.replace(".", separator).split("\x1f")


def _column(values, cell, by_type, quote, dialect):
    """The text of the cells of one column of a block of rows: None is an empty cell, an
    int is written as str() writes it, as format_cell would; a column of text alone, or of
    floats alone, is neutralised or written in one sweep; a column of one other plain type
    (dates and times included) goes through that type's formatter; anything else cell by
    cell. Each text is then quoted as the csv module would."""
    kinds = set(map(type, values))
    kinds.discard(type(None))
    if kinds <= {int}:
        return ["" if value is None else str(value) for value in values]
    if kinds == {str}:
        texts = [value or "" for value in values]
        if JOINED_FORMULA("\x1f" + "\x1f".join(texts)):
            texts = list(map(neutralise, texts))
        return quote(texts)
    if kinds == {float} and (texts := _decimals(values, dialect.decimal_separator)):
        return quote(texts)
    if len(kinds) == 1 and (kind := kinds.pop()) in by_type:
        write = by_type[kind]
        texts = [None if value is None else write(value) for value in values]
    else:
        texts = [None if value is None else cell(value) for value in values]
    return quote(["" if text is None else text for text in texts])


def stream_csv(rows: Iterable[Mapping], columns: Sequence, dialect: Dialect = DEFAULT
               ) -> Iterator[str]:
    """Yield the CSV text: a heading row, then the rows, BLOCK_ROWS at a time (see
    stream_csv_blocks).

    `columns` are keys of the rows (the heading is the key) or (key, heading) pairs; a key
    missing from a row gives an empty cell. Lines end with CRLF (RFC 4180).
    """
    keys = [key for key, _heading in _headings(columns)]
    rows = iter(rows)
    blocks = ({key: [row.get(key) for row in block] for key in keys}
              for block in iter(lambda: list(islice(rows, BLOCK_ROWS)), []))
    return stream_csv_blocks(blocks, columns, dialect)


def stream_csv_blocks(blocks: Iterable[Mapping[str, Sequence]], columns: Sequence,
                      dialect: Dialect = DEFAULT) -> Iterator[str]:
    """Yield the CSV text: a heading row, then each block of rows given column by column
    ({key: the block's values of that column}, every column of `columns` in each block),
    formatted column by column (a column's cells are mostly of one type) and sent in one
    piece."""
    keys = [key for key, _heading in _headings(columns)]
    by_type = _formatters(dialect)
    quote = _quoting(dialect)

    def cell(value):
        formatter = by_type.get(type(value))
        return formatter(value) if formatter is not None else format_cell(value, dialect)

    def piece(cells):
        """The lines of a block given column by column; a line of a single empty cell is
        written `""`, as the csv module does, so that it is not read as no cell at all."""
        lines = map(dialect.delimiter.join, zip(*cells, strict=True))
        if len(keys) == 1:
            lines = ('""' if line == "" else line for line in lines)
        text = "\r\n".join(lines)  # no line is empty
        return text + "\r\n" if text else ""

    yield ("\ufeff" if dialect.bom else "") + piece(
        [quote([format_cell(heading, dialect)]) for _key, heading in _headings(columns)])
    for block in blocks:
        yield piece([_column(block[key], cell, by_type, quote, dialect) for key in keys])


def csv_response(rows, columns, filename, dialect=DEFAULT, *, by_columns=False):
    """A streamed download of `rows` (see stream_csv), or of blocks of rows given column by
    column when `by_columns` (see stream_csv_blocks), named `filename`."""
    stream = stream_csv_blocks if by_columns else stream_csv
    return Response(
        stream_with_context(stream(rows, columns, dialect)),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
