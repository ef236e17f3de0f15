"""Reading a members CSV file as people save it from spreadsheets: UTF-8 with or without a
byte order mark, or Windows-1252/Latin-1; commas, semicolons (European Excel) or tabs."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator

# The columns of a members file, in the order exports write them.
COLUMNS = (
    "member_number",
    "first_name",
    "last_name",
    "email",
    "phone",
    "branch",
    "joined_on",
    "status",
)
REQUIRED_COLUMNS = COLUMNS[:-1]
DELIMITERS = (",", ";", "\t")


class UnreadableFile(ValueError):
    """The file is not a CSV file we can read at all (named on line 1)."""


def decode(data: bytes) -> tuple[str, str]:
    """The text of the file and the name of the encoding it was read with."""
    start = data[:4096]
    # UTF-16 without a byte order mark: every other byte of Latin text is NUL. A stray NUL
    # in a UTF-8 file is not that; the import names its line and column.
    if (
        start[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
        or start.count(b"\x00") * 4 >= len(start) > 0
    ):
        raise UnreadableFile(
            "the file is in UTF-16 (“Unicode text”); save it as “CSV UTF-8” instead"
        )
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8) :].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError:
            data = data[len(codecs.BOM_UTF8) :]
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    # Spreadsheets on Windows save "CSV" as Windows-1252, a superset of Latin-1 for the
    # characters people type (it adds € and curly quotes where Latin-1 has control codes).
    try:
        return data.decode("cp1252"), "windows-1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def normalize_header(name: str) -> str:
    return name.strip().strip("\ufeff").strip().lower().replace(" ", "_").replace("-", "_")


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the header into our column names; the csv module's sniffer
    is asked first, and its guess is checked against the header line."""
    sample = text[:65536]
    candidates: list[str] = []
    try:
        candidates.append(csv.Sniffer().sniff(sample, delimiters="".join(DELIMITERS)).delimiter)
    except csv.Error:
        pass
    first_line = sample.split("\n", 1)[0]
    # Then by how often each delimiter appears in the header line.
    candidates.extend(sorted(DELIMITERS, key=lambda d: -first_line.count(d)))
    for delimiter in candidates:
        header = next(csv.reader([first_line], delimiter=delimiter), [])
        if "member_number" in {normalize_header(cell) for cell in header}:
            return delimiter
    return candidates[0]


def read_rows(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """(line number where the record starts, cells) for each record, header included."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    line = 1
    try:
        for cells in reader:
            yield line, cells
            line = reader.line_num + 1
    except csv.Error as error:
        raise UnreadableFile(f"line {reader.line_num}: {error}") from None
