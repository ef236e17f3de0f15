"""Reading a members CSV file as people save it from spreadsheets: UTF-8 with or without a
byte order mark, or Windows-1252/Latin-1; commas, semicolons (European Excel) or tabs."""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO, TextIO

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


@dataclass(frozen=True)
class FileFacts:
    sha256: str
    encoding: str
    lines: int


_CP1252_UNDEFINED = frozenset(b"\x81\x8d\x8f\x90\x9d")


def inspect_chunks(chunks: Iterable[bytes]) -> FileFacts:
    """The SHA-256, encoding (as decode() would choose it) and number of lines of a file
    read in chunks, in one pass and little memory."""
    digest = hashlib.sha256()
    utf8 = codecs.getincrementaldecoder("utf-8")()
    is_utf8, is_cp1252, lines, first = True, True, 0, True
    bom = False
    for chunk in chunks:
        if first:
            start = chunk[:4096]
            if start[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE) or (
                start.count(b"\x00") * 4 >= len(start) > 0
            ):
                raise UnreadableFile(
                    "the file is in UTF-16 (“Unicode text”); save it as “CSV UTF-8” instead"
                )
            bom = chunk.startswith(codecs.BOM_UTF8)
            first = False
        digest.update(chunk)
        lines += chunk.count(b"\n")
        if is_utf8:
            try:
                utf8.decode(chunk)
            except UnicodeDecodeError:
                is_utf8 = False
        if is_cp1252 and not _CP1252_UNDEFINED.isdisjoint(chunk):
            is_cp1252 = False
    if is_utf8:
        try:
            utf8.decode(b"", final=True)
        except UnicodeDecodeError:
            is_utf8 = False
    if is_utf8:
        encoding = "utf-8-sig" if bom else "utf-8"
    else:
        encoding = "windows-1252" if is_cp1252 else "latin-1"
    return FileFacts(digest.hexdigest(), encoding, lines)


def open_text(binary: IO[bytes], encoding: str) -> TextIO:
    """The file as text for the csv module (universal newlines off, as it wants)."""
    python_encoding = "cp1252" if encoding == "windows-1252" else encoding
    return io.TextIOWrapper(binary, encoding=python_encoding, newline="")


def normalize_header(name: str) -> str:
    return name.strip().strip("\ufeff").strip().lower().replace(" ", "_").replace("-", "_")


def sniff_delimiter(text: str, *, column: str = "member_number") -> str:
    """The delimiter that splits the header into our column names (``column`` among them);
    the csv module's sniffer is asked first, and its guess is checked against the header."""
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
        if column in {normalize_header(cell) for cell in header}:
            return delimiter
    return candidates[0]


def read_rows(text: str | Iterable[str], delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """(line number where the record starts, cells) for each record, header included;
    ``text`` is the whole text or its lines (a file opened with newline="")."""
    stream = io.StringIO(text, newline="") if isinstance(text, str) else text
    reader = csv.reader(stream, delimiter=delimiter)
    line = 1
    try:
        for cells in reader:
            yield line, cells
            line = reader.line_num + 1
    except csv.Error as error:
        raise UnreadableFile(f"line {reader.line_num}: {error}") from None
