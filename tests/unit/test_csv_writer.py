"""The one CSV writer: formula cells neutralised, two dialects, streamed line by line.
Every test reads the text back with the csv module, as a spreadsheet would."""

import csv
import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from flask_babel import lazy_gettext

from app.csv_writer import DEFAULT, FRENCH, format_cell, neutralise, stream_csv

HOSTILE = ["=HYPERLINK(\"http://evil.example\",\"clic\")", "+33 6 00", "-2+3", "@SUM(A1)",
           "\t=1+1", "\r=1+1"]


def read_back(chunks, dialect=DEFAULT):
    text = "".join(chunks)
    if dialect.bom:
        assert text.startswith("\ufeff")
        text = text.removeprefix("\ufeff")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=dialect.delimiter))


@pytest.mark.parametrize("dialect", [DEFAULT, FRENCH])
def test_every_formula_start_is_neutralised_and_read_back_as_text(dialect):
    rows = [{"text": value} for value in HOSTILE]
    read = read_back(stream_csv(rows, ["text"], dialect), dialect)
    assert read[0] == ["text"]
    assert [row[0] for row in read[1:]] == ["'" + value for value in HOSTILE]
    assert not any(row[0].startswith(("=", "+", "-", "@", "\t", "\r")) for row in read)


def test_headings_and_lazy_translations_are_text_like_any_other():
    read = read_back(stream_csv([{"a": lazy_gettext("=1+1")}], [("a", "=titre")]))
    assert read == [["'=titre"], ["'=1+1"]]


def test_ordinary_text_is_unchanged_even_with_separators_quotes_and_line_breaks():
    value = 'Hall "B"; entrée 3, étage 2\nà côté du local = vélos'
    for dialect in (DEFAULT, FRENCH):
        assert read_back(stream_csv([{"v": value}], ["v"], dialect), dialect)[1] == [value]
    assert neutralise("Lampadaire -2") == "Lampadaire -2"


def test_numbers_dates_and_booleans_are_values_not_text():
    row = {"n": -1.5, "i": -3, "d": Decimal("0.00001"), "f": 1e-05, "day": date(2026, 11, 27),
           "at": datetime(2026, 7, 1, 10, 5), "yes": True, "no": False, "none": None}
    columns = list(row)
    assert read_back(stream_csv([row], columns))[1] == [
        "-1.5", "-3", "0.00001", "0.00001", "2026-11-27", "2026-07-01T10:05:00Z", "true",
        "false", ""]
    # French spreadsheets: decimal commas, day/month/year, Paris time (UTC+2 in July).
    assert read_back(stream_csv([row], columns, FRENCH), FRENCH)[1] == [
        "-1,5", "-3", "0,00001", "0,00001", "27/11/2026", "01/07/2026 12:05", "oui", "non",
        ""]


def test_the_french_dialect_has_a_byte_order_mark_and_semicolons():
    text = "".join(stream_csv([{"a": 2.5, "b": "x"}], ["a", "b"], FRENCH))
    assert text == "\ufeffa;b\r\n2,5;x\r\n"
    assert "".join(stream_csv([{"a": 2.5, "b": "x"}], ["a", "b"])) == "a,b\r\n2.5,x\r\n"


def test_rows_are_streamed_one_line_at_a_time():
    consumed = []

    def rows():
        for number in range(3):
            consumed.append(number)
            yield {"n": number}

    stream = stream_csv(rows(), ["n"])
    assert next(stream) == "n\r\n" and consumed == []
    assert next(stream) == "0\r\n" and consumed == [0]
    assert list(stream) == ["1\r\n", "2\r\n"]


def test_a_missing_key_is_an_empty_cell():
    assert read_back(stream_csv([{"a": 1}], ["a", "b"]))[1] == ["1", ""]
    assert format_cell(None) == ""
