"""Reading payment and remittance files: encoding, columns and rows, with every problem
named by line and column (see docs/dues.md). Writing them is rankfile.dues.importing's."""

from __future__ import annotations

import codecs
import csv
import datetime
import functools
import hashlib
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from rankfile.core.controls import describe, first_control_character
from rankfile.dues.models import Method, default_currency
from rankfile.dues.periods import parse_amount, parse_period

MAX_PROBLEMS = 100
# Columns an employer's or bank's file often carries that the import does not need.
IGNORED_COLUMNS = {"name", "first_name", "last_name", "note", "notes"}
PAYMENT_COLUMNS = {
    "required": ["member_number", "covers_from", "covers_through", "amount", "method"],
    "optional": ["currency", "received_on", "reference"],
}
REMITTANCE_COLUMNS = {
    "required": ["amount", "period"],
    "optional": ["member_number", "employee_id", "employer", "currency", "reference"],
}

# A file repeats the same few amounts and periods a million times: parse each text once.
_amount = functools.lru_cache(maxsize=4096)(parse_amount)
_period = functools.lru_cache(maxsize=4096)(parse_period)


@dataclass
class Problem:
    line: int
    column: int | None
    name: str
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}"
        if self.column is not None:
            where += f", column {self.column} ({self.name})"
        return f"{where}: {self.message}"


class ImportRefused(ValidationError):
    """The file was refused as a whole; ``problems`` name each bad line and column."""

    def __init__(self, problems: list[Problem], more: bool = False) -> None:
        self.problems = sorted(problems, key=lambda problem: (problem.line, problem.column or 0))
        messages = [str(problem) for problem in self.problems]
        if more:
            messages.append(f"(stopped after {len(problems)} problems)")
        super().__init__(messages)


def inspect_file(stream: IO[bytes]) -> tuple[str, str]:
    """The file's SHA-256 and its encoding: UTF-8 (with or without a byte order mark) when
    every byte decodes as UTF-8, Latin-1 otherwise. Reads the file once, in chunks."""
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8 = True
    stream.seek(0)
    while chunk := stream.read(1 << 20):
        digest.update(chunk)
        if utf8:
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                utf8 = False
    if utf8:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8 = False
    stream.seek(0)
    return digest.hexdigest(), "utf-8-sig" if utf8 else "latin-1"


def _parse_date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"{text.strip()!r} is not a date (write YYYY-MM-DD)") from None


class Reader:
    """CSV rows as dicts of the known columns, with line numbers; problems collected."""

    def __init__(self, stream: IO[bytes], encoding: str, columns: dict[str, list[str]]) -> None:
        self.stream = stream
        self.text = io.TextIOWrapper(stream, encoding=encoding, newline="")
        self.reader = csv.reader(self.text)
        self.problems: list[Problem] = []
        header = next(self.reader, None)
        if header is None:
            self.problem(1, None, "", "the file is empty: the first line names the columns")
            self.index: dict[str, int] = {}
            return
        names = [name.strip().lower() for name in header]
        known = set(columns["required"]) | set(columns["optional"])
        self.index = {}
        for number, name in enumerate(names, start=1):
            if name in IGNORED_COLUMNS:
                continue
            if name not in known:
                self.problem(1, number, name, f"unknown column {name!r}")
            elif name in self.index:
                self.problem(1, number, name, f"column {name!r} appears twice")
            else:
                self.index[name] = number - 1
        for name in columns["required"]:
            if name not in self.index:
                self.problem(1, None, name, f"the column {name!r} is missing")
        self.width = len(names)

    def problem(self, line: int, column: int | None, name: str, message: str) -> None:
        self.problems.append(Problem(line, column, name, message))

    def column(self, name: str) -> int | None:
        index = self.index.get(name)
        return None if index is None else index + 1

    def rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        if not self.index:
            return
        for fields in self.reader:
            line = self.reader.line_num
            if not any(value.strip() for value in fields):
                continue
            if len(fields) != self.width:
                self.problem(line, None, "", f"expected {self.width} fields, found {len(fields)}")
                continue
            row = {name: fields[index].strip() for name, index in self.index.items()}
            refused = False
            for name, value in row.items():
                character = first_control_character(value)
                if character is not None:
                    message = f"contains {describe(character)}, a control character"
                    self.problem(line, self.column(name), name, message)
                    refused = True
            if not refused:
                yield line, row

    def field(self, line: int, name: str, parse: Callable[[str], Any], row: dict[str, str]) -> Any:
        """Parse one field, recording a problem (and returning None) when it is bad."""
        text = row.get(name, "")
        try:
            if not text:
                raise ValueError("this field is empty")
            return parse(text)
        except ValueError as error:
            self.problem(line, self.column(name), name, str(error))
            return None

    def position(self) -> int:
        return self.stream.tell()


def _currency(text: str) -> str:
    code = text.strip().upper()
    if len(code) != 3 or not code.isalpha():
        raise ValueError(f"{text!r} is not a three-letter currency code")
    return code


def _method(text: str) -> str:
    if text not in Method.values:
        raise ValueError(f"unknown method {text!r}: one of {', '.join(Method.values)}")
    return text


def _not_future(on: datetime.date) -> datetime.date:
    if on > timezone.localdate():
        raise ValueError(f"{on} is in the future")
    return on


@dataclass
class Row:
    line: int
    identifier: str
    employer: str
    covers_from: datetime.date
    covers_through: datetime.date
    amount: Decimal
    currency: str
    method: str = "remittance"
    received_on: datetime.date | None = None
    reference: str = ""
    member_id: int | None = None


def parse_payment(reader: Reader, line: int, row: dict[str, str]) -> Row | None:
    values = {
        "covers_from": reader.field(line, "covers_from", _parse_date, row),
        "covers_through": reader.field(line, "covers_through", _parse_date, row),
        "amount": reader.field(line, "amount", _amount, row),
        "method": reader.field(line, "method", _method, row),
    }
    currency = (
        reader.field(line, "currency", _currency, row)
        if row.get("currency")
        else default_currency()
    )
    received_on = (
        reader.field(line, "received_on", lambda t: _not_future(_parse_date(t)), row)
        if row.get("received_on")
        else None
    )
    if not row.get("member_number"):
        reader.problem(line, reader.column("member_number"), "member_number", "this field is empty")
        return None
    if (
        None in values.values()
        or currency is None
        or (row.get("received_on") and received_on is None)
    ):
        return None
    if values["covers_through"] < values["covers_from"]:
        reader.problem(
            line,
            reader.column("covers_through"),
            "covers_through",
            f"the period ends ({values['covers_through']}) before it starts ({values['covers_from']})",
        )
        return None
    return Row(
        line=line,
        identifier=row["member_number"],
        employer="",
        currency=currency,
        received_on=received_on,
        reference=row.get("reference", ""),
        **values,
    )


def parse_remittance(reader: Reader, line: int, row: dict[str, str], employer: str) -> Row | None:
    amount = reader.field(line, "amount", _amount, row)
    period = reader.field(line, "period", _period, row)
    currency = (
        reader.field(line, "currency", _currency, row)
        if row.get("currency")
        else default_currency()
    )
    number, employee_id = row.get("member_number", ""), row.get("employee_id", "")
    employer = row.get("employer") or employer
    if not number and not employee_id:
        name = "member_number" if "member_number" in reader.index else "employee_id"
        reader.problem(line, reader.column(name), name, "give the member number or the employee id")
        return None
    if not number and not employer:
        reader.problem(
            line,
            reader.column("employer"),
            "employer",
            "an employee id needs the employer (column or --employer)",
        )
        return None
    if amount is None or period is None or currency is None:
        return None
    return Row(
        line=line,
        identifier=number or employee_id,
        employer="" if number else employer,
        covers_from=period[0],
        covers_through=period[1],
        amount=amount,
        currency=currency,
        reference=row.get("reference", ""),
    )
