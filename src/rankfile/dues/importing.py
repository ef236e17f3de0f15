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

import datetime
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any

from django.db import connection, transaction
from django.utils import timezone

from rankfile.audit.actions import append_event
from rankfile.dues.import_rows import (
    MAX_PROBLEMS,
    PAYMENT_COLUMNS,
    REMITTANCE_COLUMNS,
    ImportRefused,
    Reader,
    Row,
    inspect_file,
    parse_payment,
    parse_remittance,
)
from rankfile.dues.models import (
    CheckoffAuthorization,
    DuesBracket,
    DuesPlan,
    ExceptionKind,
    ImportBatch,
    MemberPlan,
    Payment,
    RemittanceException,
)
from rankfile.dues.periods import CENT, expected_amount
from rankfile.members.access import require_everywhere
from rankfile.members.models import Member
from rankfile.members.table_statistics import refresh_table_statistics

BATCH_ROWS = 5000
ProgressCallback = Callable[[int], None]

# Each plan asks the same for the same period: work it out once.
_expected_amount = functools.lru_cache(maxsize=4096)(expected_amount)


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


def _select_in(
    model: Any,
    columns: str,
    column: str,
    values: set[Any],
    condition: str = "",
    params: list[Any] | None = None,
) -> list[tuple[Any, ...]]:
    """Rows of ``model`` whose ``column`` is one of ``values``, as plain tuples.

    Plain SQL: preparing thousands of IN values one by one through the ORM took a quarter of
    a million-row import. Dates and amounts come back raw (see _date and _decimal)."""
    if not values:
        return []
    marks = ", ".join(["%s"] * len(values))
    where = f"{column} IN ({marks})" + (f" AND {condition}" if condition else "")
    sql = f"SELECT {columns} FROM {connection.ops.quote_name(model._meta.db_table)} WHERE {where}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [*values, *(params or [])])
        return cursor.fetchall()


def _date(value: Any) -> datetime.date:
    """A date from the database cursor (SQLite returns text)."""
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(value)


def _decimal(value: Any) -> Decimal:
    """An amount from the database cursor, exact to the cent (SQLite stores whole amounts as
    integers and others as doubles: the cent is recovered by rounding, as Django does)."""
    if isinstance(value, Decimal):
        return value
    return Decimal(repr(value) if isinstance(value, float) else value).quantize(CENT)


def _natural_key(row: Row) -> str:
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
        self, kind: str, batch: ImportBatch, actor: Any, reader: Reader, summary: ImportSummary
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
        self.repeated: set[int] = set()

    def _resolve(self, rows: list[Row]) -> None:
        numbers = {row.identifier for row in rows if not row.employer}
        by_number: dict[str, int] = dict(
            _select_in(Member, "member_number, id", "member_number", numbers)
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
        self, rows: list[Row]
    ) -> dict[int, list[tuple[datetime.date, datetime.date, Decimal, int | None]]]:
        ids = {row.member_id for row in rows if row.member_id is not None}
        if not ids:
            return {}
        # Every entry for these members in the span, reversals included; the ones that count
        # are worked out here (by member and date the query stays on its index).
        found = _select_in(
            Payment,
            "id, reverses_id, member_id, covers_from, covers_through, amount, batch_id",
            "member_id",
            ids,
            "covers_through >= %s AND covers_from <= %s",
            [
                connection.ops.adapt_datefield_value(min(row.covers_from for row in rows)),
                connection.ops.adapt_datefield_value(max(row.covers_through for row in rows)),
            ],
        )
        reversed_ids = {reverses for _, reverses, *_ in found if reverses is not None}
        result: dict[int, list[tuple[datetime.date, datetime.date, Decimal, int | None]]] = {}
        for pk, reverses, member_id, start, end, amount, batch_id in found:
            if reverses is None and pk not in reversed_ids:
                # The last item: the payment of an earlier import (or by hand) that a row of
                # this file may repeat; None for a payment this file made.
                earlier = None if batch_id == self.batch.pk else pk
                result.setdefault(member_id, []).append(
                    (_date(start), _date(end), _decimal(amount), earlier)
                )
        return result

    def _member_plans(
        self, rows: list[Row]
    ) -> dict[int, list[tuple[datetime.date, int, int | None]]]:
        ids = {row.member_id for row in rows if row.member_id is not None}
        found = _select_in(
            MemberPlan,
            "member_id, starts_on, plan_id, bracket_id",
            "member_id",
            ids,
            "starts_on <= %s",
            [connection.ops.adapt_datefield_value(max(row.covers_through for row in rows))],
        )
        result: dict[int, list[tuple[datetime.date, int, int | None]]] = {}
        for member_id, starts_on, plan_id, bracket_id in sorted(found, key=lambda f: str(f[1])):
            result.setdefault(member_id, []).append((_date(starts_on), plan_id, bracket_id))
        return result

    def _expected(
        self, plans: list[tuple[datetime.date, int, int | None]], row: Row
    ) -> tuple[str | None, Decimal | None]:
        """(exception kind or None, the amount the plan asks)."""
        current = [p for p in plans if p[0] <= row.covers_from] or plans[:1]
        if not current:
            return "no_plan", None
        _, plan_id, bracket_id = current[-1]
        plan = self.plans[plan_id]
        each = self.brackets[bracket_id].amount if bracket_id is not None else plan.amount
        expected = _expected_amount(
            plan.kind, plan.period, each, row.covers_from, row.covers_through
        )
        if expected is not None and (expected != row.amount or plan.currency != row.currency):
            return "amount", expected
        return None, expected

    def process(self, rows: list[Row]) -> None:
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
        new_exceptions: list[tuple[Row, str, Decimal | None]] = []
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
            repeated = next(
                (
                    earlier
                    for start, end, amount, earlier in paid
                    if start == row.covers_from
                    and end == row.covers_through
                    and amount == row.amount
                    and earlier is not None
                    and earlier not in self.repeated
                ),
                None,
            )
            if repeated is not None:
                # Each earlier payment accounts for one row: a second identical row in the
                # file is a double payment, not a repeat.
                self.repeated.add(repeated)
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
            paid.append((row.covers_from, row.covers_through, row.amount, None))
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

    def _list_exceptions(self, found: list[tuple[Row, str, Decimal | None]]) -> None:
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
    reader = Reader(stream, summary.encoding, columns)
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
        pending: list[Row] = []
        more = False
        for line, fields in reader.rows():
            summary.rows += 1
            row = (
                parse_payment(reader, line, fields)
                if kind == "payments"
                else parse_remittance(reader, line, fields, employer)
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
    require_everywhere(actor, "dues.record")
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
            refresh_table_statistics(
                [Payment, RemittanceException], summary.payments_created + summary.exceptions
            )
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
