"""Importing payments and employers' remittance files (formats in docs/dues.md).

An import is all-or-nothing: it runs in one transaction, and any malformed row (a date that
does not exist, a negative amount, an unknown column) refuses the whole file with every
problem named by line and column. Importing the same file again changes nothing (its SHA-256
is recorded), and rows already recorded by an earlier file are counted, not recorded twice.
Remittance rows that cannot be recorded as they stand (unknown identifier, an amount that
differs from the member's plan, a period already paid) become exceptions for the treasurer;
no row is dropped silently.

Rows are streamed and written in batches, so a file of a million rows fits in little memory.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import hashlib
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from rankfile.audit.actions import append_event
from rankfile.dues.actions import _require_everywhere
from rankfile.dues.models import (
    CheckoffAuthorization,
    DuesBracket,
    DuesPlan,
    ExceptionKind,
    ImportBatch,
    MemberPlan,
    Method,
    Payment,
    RemittanceException,
    default_currency,
)
from rankfile.dues.periods import expected_amount, parse_amount, parse_period
from rankfile.members.models import Member

BATCH_ROWS = 5000
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
ProgressCallback = Callable[[int], None]


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
        self.problems = problems
        messages = [str(problem) for problem in problems]
        if more:
            messages.append(f"(stopped after {len(problems)} problems)")
        super().__init__(messages)


@dataclass
class ImportSummary:
    kind: str
    filename: str
    fingerprint: str
    encoding: str = ""
    rows: int = 0
    payments_created: int = 0
    already_recorded: int = 0
    already_listed: int = 0
    exceptions: int = 0
    exceptions_by_kind: dict[str, int] = field(default_factory=dict)
    sample_exceptions: list[RemittanceException] = field(default_factory=list)
    dry_run: bool = False
    already_imported: ImportBatch | None = None
    batch_id: int | None = None

    def lines(self) -> list[str]:
        if self.already_imported is not None:
            batch = self.already_imported
            return [
                f"This file was already imported on {batch.imported_at:%Y-%m-%d %H:%M} UTC "
                f"(import {batch.pk}): nothing changed."
            ]
        verb = "would record" if self.dry_run else "recorded"
        lines = [
            f"{self.rows} rows read ({self.encoding}); {verb} {self.payments_created} payments.",
            f"{self.already_recorded} rows were already recorded by an earlier import.",
        ]
        if self.kind == "remittance":
            lines.append(f"{self.already_listed} rows were already on the exceptions list.")
            detail = ", ".join(
                f"{count} {ExceptionKind(kind).label.lower()}"
                for kind, count in sorted(self.exceptions_by_kind.items())
            )
            listed = "would go" if self.dry_run else "went"
            lines.append(
                f"{self.exceptions} rows {listed} to the exceptions list"
                + (f": {detail}." if detail else ".")
            )
        if self.dry_run:
            lines.append("Dry run: nothing was written.")
        return lines


class _DryRun(Exception):
    pass


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


class _Reader:
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
            yield line, {name: fields[index].strip() for name, index in self.index.items()}

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
class _Row:
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


def _parse_payment(reader: _Reader, line: int, row: dict[str, str]) -> _Row | None:
    values = {
        "covers_from": reader.field(line, "covers_from", _parse_date, row),
        "covers_through": reader.field(line, "covers_through", _parse_date, row),
        "amount": reader.field(line, "amount", parse_amount, row),
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
    return _Row(
        line=line,
        identifier=row["member_number"],
        employer="",
        currency=currency,
        received_on=received_on,
        reference=row.get("reference", ""),
        **values,
    )


def _parse_remittance(
    reader: _Reader, line: int, row: dict[str, str], employer: str
) -> _Row | None:
    amount = reader.field(line, "amount", parse_amount, row)
    period = reader.field(line, "period", parse_period, row)
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
    return _Row(
        line=line,
        identifier=number or employee_id,
        employer="" if number else employer,
        covers_from=period[0],
        covers_through=period[1],
        amount=amount,
        currency=currency,
        reference=row.get("reference", ""),
    )


# Payment rows as the import writes them, in this order (a plain multi-row INSERT: building
# a model instance per row would take most of a million-row import's time).
PAYMENT_COLUMNS_WRITTEN = [
    "member_id",
    "covers_from",
    "covers_through",
    "amount",
    "currency",
    "method",
    "received_on",
    "reference",
    "batch_id",
    "recorded_by_id",
    "recorded_at",
]


def _insert_payments(rows: list[tuple[Any, ...]]) -> None:
    if not rows:
        return
    quote = connection.ops.quote_name
    columns = ", ".join(quote(name) for name in PAYMENT_COLUMNS_WRITTEN)
    marks = ", ".join(["%s"] * len(PAYMENT_COLUMNS_WRITTEN))
    sql = f"INSERT INTO {quote(Payment._meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _natural_key(row: _Row) -> str:
    return "|".join(
        [
            row.employer,
            row.identifier,
            row.covers_from.isoformat(),
            row.covers_through.isoformat(),
            str(row.amount),
            row.currency,
        ]
    )


class _Importer:
    """Checks and writes one batch of parsed rows at a time (a few queries per batch)."""

    def __init__(
        self, kind: str, batch: ImportBatch, actor: Any, reader: _Reader, summary: ImportSummary
    ) -> None:
        self.kind = kind
        self.batch = batch
        self.actor = actor
        self.reader = reader
        self.summary = summary
        self.plans = {plan.pk: plan for plan in DuesPlan.objects.all()}
        self.brackets = {bracket.pk: bracket for bracket in DuesBracket.objects.all()}
        self.now = timezone.now()
        self.today = timezone.localdate()

    def _resolve(self, rows: list[_Row]) -> None:
        numbers = {row.identifier for row in rows if not row.employer}
        by_number = dict(
            Member.objects.filter(member_number__in=numbers).values_list("member_number", "pk")
        )
        pairs = {(row.employer, row.identifier) for row in rows if row.employer}
        by_employee: dict[
            tuple[str, str], list[tuple[datetime.date, datetime.date | None, int]]
        ] = {}
        if pairs:
            found = CheckoffAuthorization.objects.filter(
                employer_name__in={employer for employer, _ in pairs},
                employee_id__in={employee for _, employee in pairs},
            ).values_list("employer_name", "employee_id", "started_on", "ended_on", "member_id")
            for employer, employee, started, ended, member_id in found:
                by_employee.setdefault((employer, employee), []).append((started, ended, member_id))
        for row in rows:
            if not row.employer:
                row.member_id = by_number.get(row.identifier)
                continue
            spans = sorted(by_employee.get((row.employer, row.identifier), []))
            # The authorization running during the period, else the latest one.
            running = [
                m
                for s, e, m in spans
                if s <= row.covers_through and (e is None or e >= row.covers_from)
            ]
            row.member_id = running[-1] if running else (spans[-1][2] if spans else None)

    def _payments(
        self, rows: list[_Row]
    ) -> dict[int, list[tuple[datetime.date, datetime.date, Decimal, int | None]]]:
        ids = {row.member_id for row in rows if row.member_id is not None}
        if not ids:
            return {}
        found = (
            Payment.objects.effective()
            .filter(
                member_id__in=ids,
                covers_through__gte=min(row.covers_from for row in rows),
                covers_from__lte=max(row.covers_through for row in rows),
            )
            .values_list("member_id", "covers_from", "covers_through", "amount", "batch_id")
        )
        result: dict[int, list[tuple[datetime.date, datetime.date, Decimal, int | None]]] = {}
        for member_id, start, end, amount, batch_id in found:
            result.setdefault(member_id, []).append((start, end, amount, batch_id))
        return result

    def _member_plans(
        self, rows: list[_Row]
    ) -> dict[int, list[tuple[datetime.date, int, int | None]]]:
        ids = {row.member_id for row in rows if row.member_id is not None}
        found = (
            MemberPlan.objects.filter(
                member_id__in=ids, starts_on__lte=max(row.covers_through for row in rows)
            )
            .order_by("member_id", "starts_on")
            .values_list("member_id", "starts_on", "plan_id", "bracket_id")
        )
        result: dict[int, list[tuple[datetime.date, int, int | None]]] = {}
        for member_id, starts_on, plan_id, bracket_id in found:
            result.setdefault(member_id, []).append((starts_on, plan_id, bracket_id))
        return result

    def _expected(
        self, plans: list[tuple[datetime.date, int, int | None]], row: _Row
    ) -> tuple[str | None, Decimal | None]:
        """(exception kind or None, the amount the plan asks)."""
        current = [p for p in plans if p[0] <= row.covers_from] or plans[:1]
        if not current:
            return "no_plan", None
        _, plan_id, bracket_id = current[-1]
        plan = self.plans[plan_id]
        each = self.brackets[bracket_id].amount if bracket_id is not None else plan.amount
        expected = expected_amount(
            plan.kind, plan.period, each, row.covers_from, row.covers_through
        )
        if expected is not None and (expected != row.amount or plan.currency != row.currency):
            return "amount", expected
        return None, expected

    def process(self, rows: list[_Row]) -> None:
        if not rows:
            return
        self._resolve(rows)
        existing = self._payments(rows)
        plans = self._member_plans(rows) if self.kind == "remittance" else {}
        new_payments: list[tuple[Any, ...]] = []
        ops = connection.ops
        received_on = ops.adapt_datefield_value(self.today)
        recorded_at = ops.adapt_datetimefield_value(self.now)
        actor_id = self.actor.pk if self.actor is not None else None
        new_exceptions: list[tuple[_Row, str, Decimal | None]] = []
        for row in rows:
            if row.member_id is None:
                if self.kind == "payments":
                    self.reader.problem(
                        row.line,
                        self.reader.column("member_number"),
                        "member_number",
                        f"no member has the number {row.identifier!r}",
                    )
                else:
                    new_exceptions.append((row, "unknown", None))
                continue
            paid = existing.setdefault(row.member_id, [])
            if any(
                start == row.covers_from
                and end == row.covers_through
                and amount == row.amount
                and batch_id != self.batch.pk
                for start, end, amount, batch_id in paid
            ):
                self.summary.already_recorded += 1
                continue
            clash = next(
                (p for p in paid if p[0] <= row.covers_through and p[1] >= row.covers_from), None
            )
            if clash is not None:
                if self.kind == "payments":
                    self.reader.problem(
                        row.line,
                        self.reader.column("covers_from"),
                        "covers_from",
                        f"member {row.identifier} has already paid for {clash[0]} to {clash[1]}",
                    )
                else:
                    new_exceptions.append((row, "overlap", None))
                continue
            if self.kind == "remittance":
                kind, expected = self._expected(plans.get(row.member_id, []), row)
                if kind is not None:
                    new_exceptions.append((row, kind, expected))
                    continue
            paid.append((row.covers_from, row.covers_through, row.amount, self.batch.pk))
            new_payments.append(
                (
                    row.member_id,
                    ops.adapt_datefield_value(row.covers_from),
                    ops.adapt_datefield_value(row.covers_through),
                    ops.adapt_decimalfield_value(row.amount),
                    row.currency,
                    row.method,
                    received_on
                    if row.received_on is None
                    else ops.adapt_datefield_value(row.received_on),
                    row.reference,
                    self.batch.pk,
                    actor_id,
                    recorded_at,
                )
            )
        if self.reader.problems:
            return  # the file will be refused: no need to write
        _insert_payments(new_payments)
        self.summary.payments_created += len(new_payments)
        self._list_exceptions(new_exceptions)

    def _list_exceptions(self, found: list[tuple[_Row, str, Decimal | None]]) -> None:
        if not found:
            return
        keys = {_natural_key(row) for row, _, _ in found}
        listed = set(
            RemittanceException.objects.filter(natural_key__in=keys)
            .exclude(batch=self.batch)
            .values_list("natural_key", flat=True)
        )
        fresh = []
        for row, kind, expected in found:
            key = _natural_key(row)
            if key in listed:
                self.summary.already_listed += 1
                continue
            fresh.append(
                RemittanceException(
                    batch=self.batch,
                    line=row.line,
                    kind=kind,
                    identifier=row.identifier,
                    employer_name=row.employer,
                    member_id=row.member_id,
                    covers_from=row.covers_from,
                    covers_through=row.covers_through,
                    amount=row.amount,
                    currency=row.currency,
                    expected_amount=expected,
                    natural_key=key,
                )
            )
            self.summary.exceptions_by_kind[kind] = self.summary.exceptions_by_kind.get(kind, 0) + 1
        RemittanceException.objects.bulk_create(fresh, batch_size=BATCH_ROWS)
        self.summary.exceptions += len(fresh)


def _import(
    kind: str,
    stream: IO[bytes],
    actor: Any,
    summary: ImportSummary,
    employer: str,
    progress: ProgressCallback | None,
) -> None:
    columns = PAYMENT_COLUMNS if kind == "payments" else REMITTANCE_COLUMNS
    reader = _Reader(stream, summary.encoding, columns)
    try:
        if (
            kind == "remittance"
            and reader.index
            and not ({"member_number", "employee_id"} & set(reader.index))
        ):
            reader.problem(
                1, None, "member_number", "the file needs a member_number or an employee_id column"
            )
        if reader.problems:
            raise ImportRefused(reader.problems)
        batch = ImportBatch.objects.create(
            kind=kind,
            fingerprint=summary.fingerprint,
            filename=summary.filename[:255],
            employer_name=employer,
            imported_by=actor,
        )
        importer = _Importer(kind, batch, actor, reader, summary)
        pending: list[_Row] = []
        more = False
        for line, fields in reader.rows():
            summary.rows += 1
            row = (
                _parse_payment(reader, line, fields)
                if kind == "payments"
                else _parse_remittance(reader, line, fields, employer)
            )
            if row is not None:
                pending.append(row)
            if len(reader.problems) >= MAX_PROBLEMS:
                more = True
                break
            if len(pending) >= BATCH_ROWS:
                importer.process(pending)
                pending = []
                if progress is not None:
                    progress(reader.position())
        if not more:
            importer.process(pending)
        if reader.problems:
            raise ImportRefused(
                reader.problems[:MAX_PROBLEMS], more=more or len(reader.problems) > MAX_PROBLEMS
            )
        if progress is not None:
            progress(reader.position())
    finally:
        reader.text.detach()
    batch.rows = summary.rows
    batch.payments_created = summary.payments_created
    batch.already_recorded = summary.already_recorded + summary.already_listed
    batch.exceptions = summary.exceptions
    batch.save()
    summary.batch_id = batch.pk
    summary.sample_exceptions = list(batch.exception_rows.order_by("line")[:50])
    append_event(
        actor=actor,
        action=f"dues.import.{kind}",
        target=batch,
        payload={
            "filename": summary.filename,
            "fingerprint": summary.fingerprint,
            "employer": employer,
            "rows": summary.rows,
            "payments_created": summary.payments_created,
            "already_recorded": batch.already_recorded,
            "exceptions": summary.exceptions,
        },
    )


def _run(
    kind: str,
    stream: IO[bytes],
    actor: Any,
    *,
    filename: str,
    employer: str,
    dry_run: bool,
    progress: ProgressCallback | None,
) -> ImportSummary:
    _require_everywhere(actor, "dues.record")
    fingerprint, encoding = inspect_file(stream)
    summary = ImportSummary(
        kind=kind, filename=filename, fingerprint=fingerprint, encoding=encoding, dry_run=dry_run
    )
    previous = ImportBatch.objects.filter(kind=kind, fingerprint=fingerprint).first()
    if previous is not None:
        summary.already_imported = previous
        return summary
    try:
        with transaction.atomic():
            _import(kind, stream, actor, summary, employer.strip(), progress)
            if dry_run:
                raise _DryRun
    except _DryRun:
        summary.batch_id = None
    return summary


def do_import_payments(
    actor: Any,
    stream: IO[bytes],
    *,
    filename: str = "",
    dry_run: bool = False,
    progress: ProgressCallback | None = None,
) -> ImportSummary:
    """Import a payments CSV (docs/dues.md). Raises ImportRefused naming every bad line."""
    return _run(
        "payments",
        stream,
        actor,
        filename=filename,
        employer="",
        dry_run=dry_run,
        progress=progress,
    )


def do_import_remittance(
    actor: Any,
    stream: IO[bytes],
    *,
    filename: str = "",
    employer: str = "",
    dry_run: bool = False,
    progress: ProgressCallback | None = None,
) -> ImportSummary:
    """Import a remittance file (docs/dues.md): payments for the rows that match a member
    and their plan, exceptions for the others. Raises ImportRefused naming every bad line."""
    return _run(
        "remittance",
        stream,
        actor,
        filename=filename,
        employer=employer,
        dry_run=dry_run,
        progress=progress,
    )
