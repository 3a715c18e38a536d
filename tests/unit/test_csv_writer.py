"""The one CSV writer: formula cells neutralised, two dialects, streamed in pieces.
Every test reads the text back with the csv module, as a spreadsheet would."""

import csv
import io
import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from enum import IntEnum, StrEnum
from zoneinfo import ZoneInfo

import pytest
from flask_babel import lazy_gettext
from hypothesis import given
from hypothesis import strategies as st

from app.csv_writer import BLOCK_ROWS, DEFAULT, FRENCH, format_cell, neutralise, stream_csv

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


def paris_clock(moment):
    """What zoneinfo says a clock in Paris showed at `moment` (naive moments are UTC)."""
    instant = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
    return instant.astimezone(ZoneInfo("Europe/Paris")).strftime("%d/%m/%Y %H:%M")


@given(st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 12, 31),
                    timezones=st.none() | st.just(UTC) | st.timezones()))
def test_a_moment_is_written_for_french_spreadsheets_as_a_clock_in_paris_showed_it(moment):
    assert format_cell(moment, FRENCH) == paris_clock(moment)


def test_moments_around_each_change_of_the_clocks_are_written_in_paris_time():
    """Minute by minute across the hours the clocks change (01:00 UTC, the last Sundays of
    March and October), 2024 to 2030: the written day and time follow the change."""
    written, expected = [], []
    for year in range(2024, 2031):
        for month in (3, 10):
            sunday = max(date(year, month, day) for day in range(25, 32)
                         if date(year, month, day).weekday() == 6)
            start = datetime.combine(sunday, datetime.min.time()) - timedelta(hours=1)
            for minute in range(4 * 60):
                moment = start + timedelta(minutes=minute)
                written.append(format_cell(moment, FRENCH))
                expected.append(paris_clock(moment))
    assert written == expected
    assert format_cell(datetime(2026, 3, 29, 0, 59), FRENCH) == "29/03/2026 01:59"
    assert format_cell(datetime(2026, 3, 29, 1, 0), FRENCH) == "29/03/2026 03:00"


def test_the_french_dialect_has_a_byte_order_mark_and_semicolons():
    text = "".join(stream_csv([{"a": 2.5, "b": "x"}], ["a", "b"], FRENCH))
    assert text == "\ufeffa;b\r\n2,5;x\r\n"
    assert "".join(stream_csv([{"a": 2.5, "b": "x"}], ["a", "b"])) == "a,b\r\n2.5,x\r\n"


def test_rows_are_streamed_in_pieces_of_bounded_size():
    consumed = []

    def rows():
        for number in range(20_000):
            consumed.append(number)
            yield {"n": number, "text": "=ligne"}

    stream = stream_csv(rows(), ["n", "text"])
    assert next(stream) == "n,text\r\n" and consumed == []
    first = next(stream)
    assert first.startswith("0,'=ligne\r\n1,'=ligne\r\n") and len(consumed) == BLOCK_ROWS
    pieces = [first, *stream]
    assert len(pieces) == 20_000 // BLOCK_ROWS
    assert "".join(pieces) == "".join(f"{n},'=ligne\r\n" for n in range(20_000))


@pytest.mark.parametrize("dialect", [DEFAULT, FRENCH])
def test_each_cell_is_written_as_format_cell_writes_it(dialect):
    """The writer picks a formatter by the value's exact type: it must write every value
    as format_cell does, subclasses and lazy translations included."""
    rng = random.Random(11)
    values = [None, True, False, 0, -7, 10**20, 0.0, -0.0, 1e-7, 123456789012345678.0,
              float("inf"), 2.5, Decimal("1.10"), Decimal("-1E-8"), date(2026, 3, 29),
              datetime(2026, 3, 29, 1, 30), datetime(2026, 10, 25, 0, 59, tzinfo=UTC),
              "", "=1+1", "-2", "@a", "\tx", "texte ; « guillemets »", lazy_gettext("+33"),
              IntEnum("Level", "LOW")(1), StrEnum("Word", {"A": "=a"}).A]
    values += [rng.uniform(-1e6, 1e6) for _ in range(200)]
    values += [round(rng.uniform(2.28, 2.30), rng.randint(0, 9)) for _ in range(200)]
    rows = [{"v": value, "text": rng.choice(["=a", "b", None]), "n": rng.choice([1, None])}
            for value in values]
    read = read_back(stream_csv(rows, ["v", "text", "n"], dialect), dialect)[1:]
    assert read == [[format_cell(row[key], dialect) for key in ("v", "text", "n")]
                    for row in rows]
    floats = [value for value in values if isinstance(value, float)]
    assert [format_cell(value) for value in floats] == [
        format(Decimal(repr(value)), "f") for value in floats]  # never an exponent


COLUMN_CELLS = {
    "floats": st.one_of(st.none(), st.floats(), st.floats(-1e3, 1e3),
                        st.sampled_from([2.287667, 48.739681, 1e-7, 1e22])),
    "texts": st.one_of(st.none(), st.text(), st.sampled_from(
        ["", "=1+1", "-2", "+33", "@a", "\tx", "\rx", "a\x1f=b", "\x1f", "\x1f-", "x;y"])),
}


@given(data=st.data())
@pytest.mark.parametrize("kind", sorted(COLUMN_CELLS))
@pytest.mark.parametrize("dialect", [DEFAULT, FRENCH])
def test_a_column_of_one_type_is_written_as_format_cell_writes_each_cell(dialect, kind, data):
    """Columns of floats alone and of text alone are written in one sweep: every cell must
    still read as format_cell writes it (exponents, separators, formula-like starts)."""
    cells = data.draw(st.lists(COLUMN_CELLS[kind], min_size=1, max_size=40))
    read = read_back(stream_csv([{"v": cell} for cell in cells], ["v"], dialect), dialect)
    assert [row or [""] for row in read[1:]] == [[format_cell(cell, dialect)]
                                                 for cell in cells]


def test_a_missing_key_is_an_empty_cell():
    assert read_back(stream_csv([{"a": 1}], ["a", "b"]))[1] == ["1", ""]
    assert format_cell(None) == ""


TEXTS = st.one_of(st.none(), st.integers(), st.text(), st.sampled_from(
    ["", ";", ",", '"', '""', "\r\n", "\n", "\r", 'a;"b"', " x ", "=1;2", "«é»"]))


@given(rows=st.lists(st.lists(TEXTS, min_size=3, max_size=3), max_size=30),
       width=st.integers(1, 3))
@pytest.mark.parametrize("dialect", [DEFAULT, FRENCH])
def test_the_text_is_what_the_csv_module_writes(dialect, rows, width):
    """The writer joins the cells itself: the text is, byte for byte, what the csv module
    writes of the same cells (its minimal quoting, a line of one empty cell included)."""
    keys = ["a", "b", "c"][:width]
    written = "".join(stream_csv([dict(zip(keys, row[:width], strict=True)) for row in rows],
                                 keys, dialect))
    expected = io.StringIO()
    writer = csv.writer(expected, delimiter=dialect.delimiter, lineterminator="\r\n")
    writer.writerow(keys)
    writer.writerows([format_cell(value, dialect) for value in row[:width]] for row in rows)
    assert written == ("\ufeff" if dialect.bom else "") + expected.getvalue()
