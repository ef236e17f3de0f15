"""Importing members from a CSV file: a plan (preview) of what would change, then the change,
all or nothing.

Rows are matched to members by member number, so importing the same file twice changes
nothing the second time. Every problem is reported with its line, column and reason, and
nothing is written while any remains. A changed status or branch becomes a lifecycle event
(dated the day of the import), refused when the lifecycle does not allow it. The whole
import is one audit event (`member.import`) with its counts and the file's SHA-256; each
member still gets the events of their own record.

The columns are described in docs/import-export.md.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import itertools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any, TypeVar

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from rankfile.audit.actions import append_event, append_events
from rankfile.core import lifecycle
from rankfile.core.controls import describe, first_control_character
from rankfile.core.spreadsheet import unprotect_cell
from rankfile.members.access import Scope, import_scope
from rankfile.members.csvfile import (
    COLUMNS,
    REQUIRED_COLUMNS,
    FileFacts,
    UnreadableFile,
    decode,
    normalize_header,
    open_text,
    read_rows,
    sniff_delimiter,
)
from rankfile.members.import_writing import write_rows
from rankfile.members.models import Branch, Member, MemberEvent
from rankfile.members.table_statistics import refresh_table_statistics

# progress(stage, done, total): stage is "checking" (rows read) or "writing" (rows written)
Progress = Callable[[str, int, int], None]

BATCH = 2000
# Rows to create and to update an applied plan keeps (to show); the counts are of all.
KEPT_ROWS = 200
MAX_LENGTHS = {
    "member_number": 40,
    "first_name": 100,
    "last_name": 100,
    "email": 254,
    "phone": 40,
}


@dataclass(slots=True)
class RowError:
    line: int
    column: str
    reason: str

    def __str__(self) -> str:
        where = f"line {self.line}" + (f", {self.column}" if self.column else "")
        return f"{where}: {self.reason}"


@dataclass(slots=True)
class MemberRow:
    """One valid row of the file."""

    line: int
    member_number: str
    first_name: str
    last_name: str
    email: str
    phone: str
    branch_id: int
    joined_on: datetime.date
    status: str | None  # None: the file leaves it as it is (a new member is admitted)


@dataclass(slots=True)
class MemberUpdate:
    """A row that changes an existing member: each changed field as (old, new) text, and
    the lifecycle events (kinds, in order) the changes of status and branch become."""

    row: MemberRow
    member_id: int
    old_status: str
    old_branch_id: int
    changes: dict[str, tuple[str, str]]
    events: list[str]


@dataclass
class ImportPlan:
    file_name: str
    sha256: str
    encoding: str = ""
    delimiter: str = ","
    rows: int = 0
    to_create: list[MemberRow] = field(default_factory=list)
    to_update: list[MemberUpdate] = field(default_factory=list)
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    branch_slugs: dict[int, str] = field(default_factory=dict)
    applied: bool = False
    # Keep only the first `keep` rows to create and to update (a big file is planned in
    # batches, in bounded memory); the counts include those forgotten. None keeps all.
    keep: int | None = None
    forgotten: dict[str, int] = field(
        default_factory=lambda: {"created": 0, "updated": 0, "status_changes": 0}
    )
    _new_from: tuple[int, int] = (0, 0)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def status_changes(self) -> list[MemberUpdate]:
        return [update for update in self.to_update if "status" in update.changes]

    def new_rows(self) -> tuple[list[MemberRow], list[MemberUpdate]]:
        """The rows to create and to update planned since the last batch ended."""
        created_from, updated_from = self._new_from
        return self.to_create[created_from:], self.to_update[updated_from:]

    def end_batch(self) -> None:
        if self.keep is not None:
            extra = self.to_update[self.keep :]
            self.forgotten["created"] += max(0, len(self.to_create) - self.keep)
            self.forgotten["updated"] += len(extra)
            self.forgotten["status_changes"] += sum(1 for u in extra if "status" in u.changes)
            del self.to_create[self.keep :]
            del self.to_update[self.keep :]
        self._new_from = (len(self.to_create), len(self.to_update))

    def counts(self) -> dict[str, int]:
        return {
            "rows": self.rows,
            "created": len(self.to_create) + self.forgotten["created"],
            "updated": len(self.to_update) + self.forgotten["updated"],
            "unchanged": self.unchanged,
            "status_changes": len(self.status_changes) + self.forgotten["status_changes"],
            "errors": len(self.errors),
        }

    def summary(self) -> str:
        c = self.counts()
        verb = "" if self.applied else "would be "
        return (
            f"{self.file_name}: {c['rows']} rows — {c['created']} {verb}created, "
            f"{c['updated']} {verb}updated ({c['status_changes']} status changes), "
            f"{c['unchanged']} unchanged, {c['errors']} errors"
        )


@dataclass(frozen=True)
class FileSource:
    """A file read in a stream rather than held in memory: how to open it (binary), and
    what one pass over it found (csvfile.inspect_chunks)."""

    open: Callable[[], IO[bytes]]
    facts: FileFacts


class ImportFailed(Exception):
    """Raised inside the transaction to undo everything when the plan has errors."""

    def __init__(self, plan: ImportPlan) -> None:
        super().__init__(f"{len(plan.errors)} errors")
        self.plan = plan


def file_sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def plan_import(
    source: bytes | FileSource,
    *,
    file_name: str,
    actor: Any = None,
    progress: Progress | None = None,
    on_batch: Callable[[ImportPlan], None] | None = None,
    keep: int | None = None,
) -> ImportPlan:
    """What importing the file would do, without writing anything. ``actor`` None is the
    administrator at the command line; anyone else needs `member.import` somewhere, and
    may import only rows of branches where they hold it. The rows are read, checked and
    compared with the members in batches: ``on_batch(plan)`` sees each batch's new rows
    (``plan.new_rows()``), and ``keep`` bounds how many the plan holds on to."""
    scope = import_scope(actor)
    plan = ImportPlan(file_name=file_name, sha256="", keep=keep)
    try:
        for rows in _checked_batches(plan, source, progress):
            _compare_with_members(plan, rows, scope)
            if on_batch is not None:
                on_batch(plan)
            plan.end_batch()
    except UnreadableFile as error:
        plan.errors.append(RowError(1, "", str(error)))
    plan.errors.sort(key=lambda error: error.line)
    return plan


def do_apply_import(
    source: bytes | FileSource,
    *,
    file_name: str,
    actor: Any = None,
    progress: Progress | None = None,
) -> ImportPlan:
    """Import the file in one transaction: everything in it, or (when the plan has any
    error) nothing. The plan is made again inside the transaction, so what is applied is
    checked against the database as it is then; each checked batch is written at once (a
    later error rolls everything back), so memory stays bounded however big the file.
    Returns the plan, `applied` when written; it holds the first rows changed, and counts."""
    writer = _BatchWriter(file_name, actor, progress)
    try:
        with transaction.atomic():
            plan = plan_import(
                source,
                file_name=file_name,
                actor=actor,
                progress=progress,
                on_batch=writer,
                keep=KEPT_ROWS,
            )
            if plan.errors:
                raise ImportFailed(plan)
            plan.applied = True
            append_event(
                actor=actor,
                action="member.import",
                reason=f"Import of {file_name}",
                payload={"file_name": file_name, "sha256": plan.sha256, **plan.counts()},
            )
            counts = plan.counts()
            refresh_table_statistics([Member, MemberEvent], counts["created"] + counts["updated"])
    except ImportFailed as failure:
        return failure.plan
    return plan


class _BatchWriter:
    """Writes each checked batch while the plan has no error (after one, nothing more is
    written: the transaction will be rolled back)."""

    def __init__(self, file_name: str, actor: Any, progress: Progress | None) -> None:
        self.file_name = file_name
        self.actor = actor
        self.progress = progress
        self.now = timezone.now()
        self.written = 0

    def __call__(self, plan: ImportPlan) -> None:
        if plan.errors:
            return
        creates, updates = plan.new_rows()
        write_rows(creates, updates, file_name=self.file_name, actor=self.actor, now=self.now)
        _record_updates(updates, self.file_name, self.actor)
        self.written += len(creates) + len(updates)
        if self.progress is not None:
            self.progress("writing", self.written, max(self.written, plan.rows))


# Fields whose change an import records as `member.update`, as the contact form does
# (status and branch changes are lifecycle events, recorded with the import).
RECORDED_FIELDS = ("first_name", "last_name", "email", "phone", "joined_on")


def _record_updates(updates: list[MemberUpdate], file_name: str, actor: Any) -> None:
    """One `member.update` event per member whose names or contact details the batch
    changed: field names only, as the form records them. A changed email is on the record
    like any other (it never moves the member's account: see accounts.actions)."""
    changed = [
        (update, sorted(k for k in update.changes if k in RECORDED_FIELDS)) for update in updates
    ]
    changed = [(update, fields) for update, fields in changed if fields]
    if not changed:
        return
    reason = f"Import of {file_name}"
    for chunk in _chunks(changed, BATCH):
        members = Member.objects.select_related("branch").in_bulk(
            [update.member_id for update, _ in chunk]
        )
        append_events(
            [
                {
                    "actor": actor,
                    "action": "member.update",
                    "target": members[update.member_id],
                    "member": members[update.member_id],
                    "branch": members[update.member_id].branch,
                    "reason": reason,
                    "payload": {"fields": fields},
                }
                for update, fields in chunk
            ]
        )


# --- reading and checking each row ----------------------------------------------------


def _lines_of(plan: ImportPlan, source: bytes | FileSource) -> tuple[Iterator[str], int]:
    """The file's lines (decoded, line ends kept) and about how many there are; sets the
    plan's SHA-256, encoding and delimiter."""
    if isinstance(source, bytes):
        plan.sha256 = file_sha256(source)
        text, plan.encoding = decode(source)
        if not text.strip():
            raise UnreadableFile("the file is empty")
        plan.delimiter = sniff_delimiter(text)
        return iter(io.StringIO(text, newline="")), max(text.count("\n"), 1)
    plan.sha256, plan.encoding = source.facts.sha256, source.facts.encoding
    stream = open_text(source.open(), source.facts.encoding)  # utf-8-sig drops the BOM
    # The first lines (64 KB) to find the delimiter, then the rest as it comes.
    sample: list[str] = []
    size = 0
    while size < 65536 and (line := stream.readline()):
        sample.append(line)
        size += len(line)
    if not "".join(sample).strip() and not stream.read(1):
        raise UnreadableFile("the file is empty")
    plan.delimiter = sniff_delimiter("".join(sample))
    return itertools.chain(sample, stream), max(source.facts.lines, 1)


def _checked_batches(
    plan: ImportPlan, source: bytes | FileSource, progress: Progress | None
) -> Iterator[list[MemberRow]]:
    lines, approximate_total = _lines_of(plan, source)
    records = read_rows(lines, plan.delimiter)
    _line, header = next(records)
    columns = [normalize_header(cell) for cell in header]
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    for name in missing:
        plan.errors.append(RowError(1, name, "missing column in the header"))
    for name in columns:
        if name and name not in COLUMNS:
            plan.warnings.append(f"column {name!r} is not one of ours and is ignored")
    if missing:
        return
    index = {name: columns.index(name) for name in COLUMNS if name in columns}
    checker = _RowChecker(plan, index, len(columns))
    rows: list[MemberRow] = []
    for line, cells in records:
        if not any(cell.strip() for cell in cells):
            continue
        plan.rows += 1
        row = checker.check(line, cells)
        if row is not None:
            rows.append(row)
        if len(rows) >= BATCH:
            yield rows
            rows = []
        if progress is not None and plan.rows % BATCH == 0:
            progress("checking", plan.rows, approximate_total)
    if rows:
        yield rows
    if progress is not None:
        progress("checking", plan.rows, plan.rows)


def _control_reason(character: str) -> str:
    return f"contains {describe(character)}, a control character no field may hold"


class _RowChecker:
    """Turns the cells of one line into a MemberRow, or records why it cannot."""

    def __init__(self, plan: ImportPlan, index: dict[str, int], width: int) -> None:
        self.plan = plan
        self.index = index
        self.width = width
        self.today = timezone.localdate()
        self.seen: dict[str, int] = {}
        self.branches: dict[str, int] = {}
        for pk, slug, name in Branch.objects.values_list("pk", "slug", "name"):
            plan.branch_slugs[pk] = slug
            self.branches[name.casefold()] = pk
        # A slug wins over another branch's name that happens to be spelled the same.
        for pk, slug in plan.branch_slugs.items():
            self.branches[slug.casefold()] = pk

    def check(self, line: int, cells: list[str]) -> MemberRow | None:
        errors = self.plan.errors
        before = len(errors)
        if len(cells) > self.width and any(cell.strip() for cell in cells[self.width :]):
            errors.append(
                RowError(line, "", f"{len(cells)} fields where the header has {self.width}")
            )
            return None
        values: dict[str, str] = {}
        # One search of the whole row first: control characters are rare.
        suspect = first_control_character("".join(cells)) is not None
        for name, position in self.index.items():
            cell = cells[position].strip() if position < len(cells) else ""
            character = first_control_character(cell) if suspect else None
            if character is not None:
                errors.append(RowError(line, name, _control_reason(character)))
                cell = ""
            values[name] = unprotect_cell(cell)
        if len(errors) > before:
            return None
        for name in ("member_number", "first_name", "last_name", "branch", "joined_on"):
            if not values[name]:
                errors.append(RowError(line, name, "missing (this column is required)"))
        for name, limit in MAX_LENGTHS.items():
            if len(values[name]) > limit:
                errors.append(RowError(line, name, f"longer than {limit} characters"))
        number = values["member_number"]
        if number:
            if number in self.seen:
                errors.append(
                    RowError(
                        line,
                        "member_number",
                        f"duplicate member number {number!r} (also on line {self.seen[number]})",
                    )
                )
            else:
                self.seen[number] = line
        email = values["email"].lower()
        if email:
            try:
                validate_email(email)
            except ValidationError:
                errors.append(RowError(line, "email", f"not a valid email address: {email!r}"))
        branch_id = None
        if values["branch"]:
            branch_id = self.branches.get(values["branch"].casefold())
            if branch_id is None:
                errors.append(RowError(line, "branch", f"unknown branch {values['branch']!r}"))
        joined_on = None
        if values["joined_on"]:
            try:
                joined_on = datetime.date.fromisoformat(values["joined_on"])
            except ValueError:
                errors.append(
                    RowError(
                        line, "joined_on", f"not a date as YYYY-MM-DD: {values['joined_on']!r}"
                    )
                )
            else:
                if joined_on > self.today:
                    errors.append(RowError(line, "joined_on", f"{joined_on} is in the future"))
        status = values.get("status", "").lower() or None
        if status is not None and status not in lifecycle.STATUSES:
            allowed = ", ".join(name for name, _ in lifecycle.STATUS_CHOICES)
            errors.append(
                RowError(line, "status", f"unknown status {status!r} (one of: {allowed})")
            )
        if len(errors) > before or branch_id is None or joined_on is None:
            return None
        return MemberRow(
            line=line,
            member_number=number,
            first_name=values["first_name"],
            last_name=values["last_name"],
            email=email,
            phone=values["phone"],
            branch_id=branch_id,
            joined_on=joined_on,
            status=status,
        )


# --- comparing with the members we have -----------------------------------------------

_Existing = tuple[int, str, str, str, str, int, datetime.date | None, str]
_EXISTING_FIELDS = (
    "pk",
    "first_name",
    "last_name",
    "email",
    "phone",
    "branch_id",
    "joined_on",
    "status",
)


def _existing_members(numbers: set[str]) -> dict[str, _Existing]:
    """The members of one batch of the file, by number (a few queries by the unique
    member number index)."""
    found: dict[str, _Existing] = {}
    for chunk in _chunks(sorted(numbers), 500):
        qs = Member.objects.filter(member_number__in=chunk)
        for number, *values in qs.values_list("member_number", *_EXISTING_FIELDS):
            found[number] = tuple(values)
    return found


def _compare_with_members(plan: ImportPlan, rows: list[MemberRow], scope: Scope) -> None:
    existing = _existing_members({row.member_number for row in rows})
    slugs = plan.branch_slugs
    for row in rows:
        if row.branch_id not in scope:
            plan.errors.append(
                RowError(
                    row.line,
                    "branch",
                    f"you may not import members of branch {slugs[row.branch_id]!r}",
                )
            )
            continue
        old = existing.get(row.member_number)
        if old is None:
            plan.to_create.append(row)
            continue
        member_id, first, last, email, phone, branch_id, joined_on, status = old
        if branch_id not in scope:
            plan.errors.append(
                RowError(
                    row.line,
                    "member_number",
                    f"member {row.member_number} is in branch {slugs[branch_id]!r}, "
                    "where you may not import members",
                )
            )
            continue
        changes: dict[str, tuple[str, str]] = {}
        for name, before, after in (
            ("first_name", first, row.first_name),
            ("last_name", last, row.last_name),
            ("email", email, row.email),
            ("phone", phone, row.phone),
        ):
            if before != after:
                changes[name] = (before, after)
        if joined_on != row.joined_on:
            changes["joined_on"] = (joined_on.isoformat() if joined_on else "", str(row.joined_on))
        if branch_id != row.branch_id:
            changes["branch"] = (slugs[branch_id], slugs[row.branch_id])
        target = row.status or status
        if target != status:
            changes["status"] = (status, target)
        if not changes:
            plan.unchanged += 1
            continue
        try:
            events = lifecycle_events(status, target, branch_id != row.branch_id)
        except lifecycle.LifecycleError as error:
            column = "status" if target != status else "branch"
            plan.errors.append(RowError(row.line, column, str(error)))
            continue
        plan.to_update.append(MemberUpdate(row, member_id, status, branch_id, changes, events))


def event_to_reach(current: str, target: str) -> str:
    """The lifecycle event that takes a member from ``current`` to ``target`` status."""
    if target == lifecycle.MEMBER:
        return lifecycle.ADMITTED if current == lifecycle.APPLICANT else lifecycle.REINSTATED
    return lifecycle.EVENT_FOR_STATUS[target]


def lifecycle_events(current: str, target: str, transfer: bool) -> list[str]:
    """The events (in order) a change of status and/or branch becomes, or LifecycleError
    with a reason a secretary can act on."""
    kinds: list[str] = []
    if target != current:
        kinds.append(event_to_reach(current, target))
    if transfer:
        # Move while the member can be moved: a lapsed member who resigns is moved first,
        # a resigned member who is reinstated is moved after.
        allowed_now = _allows(current, lifecycle.TRANSFERRED)
        kinds.insert(0 if allowed_now else len(kinds), lifecycle.TRANSFERRED)
    status = current
    for kind in kinds:
        try:
            status = lifecycle.next_status(status, kind)
        except lifecycle.LifecycleError:
            if kind == lifecycle.TRANSFERRED:
                raise lifecycle.LifecycleError(
                    f"a {status} cannot move to another branch "
                    "(only members and lapsed members are transferred)"
                ) from None
            raise lifecycle.LifecycleError(
                f"cannot go from {current} to {target}: a {status} cannot be recorded as {kind}"
            ) from None
    return kinds


def _allows(status: str, kind: str) -> bool:
    try:
        lifecycle.next_status(status, kind)
    except lifecycle.LifecycleError:
        return False
    return True


T = TypeVar("T")


def _chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    chunk: list[T] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
