"""The CSV cell rule of every export (OWASP "CSV Injection"): formulas become text, plain
numbers and international phone numbers stay as they are, and the import restores the text."""

import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rankfile.core.spreadsheet import csv_record, protect_cell, unprotect_cell


@pytest.mark.parametrize(
    "text",
    [
        '=HYPERLINK("http://evil.example","x")',
        "+1+cmd|' /C calc'!A0",
        "-2+3+cmd|' /C calc'!A0",
        "@SUM(1+1)*cmd|' /C calc'!A0",
        "\t=1+1",
        "\r=1+1",
        "-Dash",
        "+",
        "-",
        "+44 20 7946 0000 x=1",
        "-12.50+A1",
    ],
)
def test_it_writes_every_formula_as_text(text):
    assert protect_cell(text) == "'" + text


@pytest.mark.parametrize(
    "text",
    ["+44 20 7946 0000", "+4420794600000", "-12.50", "-3", "+5", "555-0100", "O'Hara", "'Twas"],
)
def test_it_keeps_plain_numbers_and_phone_numbers_readable(text):
    assert protect_cell(text) == text


def test_a_separator_inside_a_cell_cannot_start_a_new_formula_cell():
    # A spreadsheet in a semicolon locale splits an unquoted `Smith;=1+1` into two cells.
    line = csv_record(["Smith;=1+1", 'say "hi"', "a\tb", "-12.50"])
    assert line == '"Smith;=1+1","say ""hi""","a\tb",-12.50\r\n'
    for delimiter in ",;\t":
        cells = next(csv.reader(io.StringIO(line), delimiter=delimiter))
        assert not any(cell.startswith("=") for cell in cells), (delimiter, cells)


def test_an_apostrophe_the_import_would_take_off_is_kept_by_a_second_one():
    assert protect_cell("'=1+1") == "''=1+1"
    assert unprotect_cell("''=1+1") == "'=1+1"


@given(st.text())
def test_every_text_re_imports_unchanged(text):
    assert unprotect_cell(protect_cell(text)) == text


@given(st.lists(st.text(), min_size=1))
def test_no_written_cell_starts_a_formula(cells):
    read = next(csv.reader(io.StringIO(csv_record(cells), newline="")))
    assert len(read) == len(cells)
    for cell in read:
        assert not cell.startswith(("=", "@", "\t", "\r")), cell
        if cell[:1] in "+-":
            assert all(ch in "+-0123456789. " for ch in cell), cell
