"""CSV cells that a spreadsheet opens as data, never as a formula (OWASP "CSV Injection").

Excel, LibreOffice and Google Sheets run a cell that starts with ``=``, ``+``, ``-``, ``@``,
a tab or a carriage return as a formula: a member whose name is typed as
``=HYPERLINK(...)`` or ``+1+cmd|' /C calc'!A0`` would act on the officer who opens the
export. Following OWASP, every such cell is written with an apostrophe before it
(spreadsheets show it as text, without the apostrophe), and every cell that holds a quote,
a line break or any separator a spreadsheet may guess (comma, semicolon, tab) is quoted,
with its quotes doubled (RFC 4180), so that a European spreadsheet splitting on ``;``
cannot cut a formula out of the middle of a cell.

Two kinds of cell are left as they are, because they cannot call anything (no letter, no
``|``, no ``!``, so no function, reference or DDE) and a spreadsheet reads them as the value
they are:

- a number, possibly negative: ``-12.50``, ``-3``, ``+5``;
- an international phone number, a ``+`` then digits and spaces: ``+44 20 7946 0000``.

``protect_cell`` and ``unprotect_cell`` are inverse: ``unprotect_cell(protect_cell(t)) == t``
for every text, so an export re-imports unchanged (a text that itself starts with an
apostrophe the import would take off gets a second one).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")
_PHONE_NUMBER = re.compile(r"\+[0-9][0-9 ]*[0-9]")
_QUOTED_WHEN_HOLDING = frozenset(',;\t"\r\n')


def runs_as_formula(text: str) -> bool:
    """True when a spreadsheet would read ``text`` as a formula that is more than a number
    or an international phone number."""
    if not text.startswith(FORMULA_STARTS):
        return False
    return not (_PLAIN_NUMBER.fullmatch(text) or _PHONE_NUMBER.fullmatch(text))


def _escaped(text: str) -> bool:
    """True when ``text`` starts with an apostrophe that ``unprotect_cell`` takes off."""
    rest = text[1:]
    return text.startswith("'") and (runs_as_formula(rest) or rest.startswith("'"))


def protect_cell(text: str) -> str:
    """The cell as written to a CSV export: an apostrophe before a formula (and before a
    text that already starts with a removable apostrophe, so the import restores it)."""
    return "'" + text if runs_as_formula(text) or _escaped(text) else text


def unprotect_cell(text: str) -> str:
    """The text of a cell read from a file: the apostrophe ``protect_cell`` added is taken
    off; any other apostrophe (``'Twas``) is kept."""
    if not text.startswith("'"):
        return text
    return text[1:] if _escaped(text) else text


def csv_record(cells: Iterable[object], delimiter: str = ",", terminator: str = "\r\n") -> str:
    """One CSV record of protected cells (None is a blank cell)."""
    written = []
    for value in cells:
        cell = protect_cell("" if value is None else str(value))
        if _QUOTED_WHEN_HOLDING.intersection(cell) or delimiter in cell:
            cell = '"' + cell.replace('"', '""') + '"'
        written.append(cell)
    if written == [""]:
        written = ['""']  # a lone blank cell, not a blank line (readers skip those)
    return delimiter.join(written) + terminator
