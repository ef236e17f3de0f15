"""Branches from a CSV file, and back: `name,slug,parent,founded_on`.

An organization moving in brings its branch tree first. The file is read like a members file
(UTF-8 or Windows-1252, comma, semicolon or tab), checked whole, and applied all or nothing
through `do_create_branch` (one audited event per branch, plus one for the import). A row
whose slug exists with the same name, parent and founding date is unchanged, so an export
re-imports without changing anything; a row that would change an existing branch is an error
(branches are renamed or moved on their own pages, one at a time, on the record).
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from rankfile.audit.actions import append_event
from rankfile.core.spreadsheet import unprotect_cell
from rankfile.members.actions import do_create_branch
from rankfile.members.csvfile import (
    UnreadableFile,
    decode,
    normalize_header,
    read_rows,
    sniff_delimiter,
)
from rankfile.members.models import Branch

COLUMNS = ("name", "slug", "parent", "founded_on")
REQUIRED = ("name", "slug")


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}" + (f", {self.column}" if self.column else "")
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class BranchRow:
    line: int
    name: str
    slug: str
    parent: str  # a slug or a name, of a branch in the file or already there; "" for none
    founded_on: datetime.date | None


@dataclass
class BranchPlan:
    rows: int = 0
    create: list[BranchRow] = field(default_factory=list)  # parents before children
    parents: dict[str, str | None] = field(default_factory=dict)  # slug -> parent's slug
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)


def _rows(data: bytes) -> tuple[list[BranchRow], list[RowError]]:
    try:
        text, _encoding = decode(data)
    except UnreadableFile as error:
        return [], [RowError(1, "", str(error))]
    rows: list[BranchRow] = []
    errors: list[RowError] = []
    records = read_rows(text, sniff_delimiter(text, column="slug"))
    try:
        _, header = next(records)
    except (StopIteration, UnreadableFile):
        return [], [RowError(1, "", "the file is empty")]
    names = [normalize_header(cell) for cell in header]
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        return [], [RowError(1, c, "missing column in the header") for c in missing]
    index = {name: names.index(name) for name in COLUMNS if name in names}
    try:
        for line, cells in records:
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) < len(header):
                errors.append(
                    RowError(line, "", f"{len(cells)} fields where the header has {len(header)}")
                )
                continue
            value = {c: unprotect_cell(cells[i].strip()) for c, i in index.items()}
            row_errors = [
                RowError(line, c, "missing (this column is required)")
                for c in REQUIRED
                if not value.get(c)
            ]
            founded = None
            if value.get("founded_on"):
                try:
                    founded = datetime.date.fromisoformat(value["founded_on"])
                except ValueError:
                    row_errors.append(RowError(line, "founded_on", "not a date as YYYY-MM-DD"))
            if value.get("slug") and slugify(value["slug"]) != value["slug"]:
                row_errors.append(
                    RowError(
                        line,
                        "slug",
                        f"{value['slug']!r} is not a slug: use lower-case letters, digits and hyphens (e.g. {slugify(value['slug'])!r})",
                    )
                )
            for column, limit in (("name", 200), ("slug", 100)):
                if len(value.get(column, "")) > limit:
                    row_errors.append(RowError(line, column, f"longer than {limit} characters"))
            if row_errors:
                errors.extend(row_errors)
                continue
            rows.append(
                BranchRow(line, value["name"], value["slug"], value.get("parent", ""), founded)
            )
    except UnreadableFile as error:
        errors.append(RowError(1, "", str(error)))
    return rows, errors


def plan_branches(data: bytes) -> BranchPlan:
    """Check a branches file against the branches there now; nothing is written."""
    rows, errors = _rows(data)
    plan = BranchPlan(rows=len(rows) + len({e.line for e in errors if e.line > 1}), errors=errors)
    existing = {b.slug: b for b in Branch.objects.select_related("parent")}
    by_name = {b.name.lower(): b.slug for b in existing.values()}
    seen: dict[tuple[str, str], int] = {}
    unique = []
    for row in rows:
        for column, key in (("slug", row.slug), ("name", row.name.lower())):
            if (column, key) in seen:
                what = f"duplicate {column} {getattr(row, column)!r}"
                plan.errors.append(
                    RowError(row.line, column, f"{what} (also on line {seen[(column, key)]})")
                )
                break
        else:
            seen[("slug", row.slug)] = seen[("name", row.name.lower())] = row.line
            unique.append(row)
    rows = unique
    in_file = {r.slug: r for r in rows}
    file_names = {r.name.lower(): r.slug for r in rows}

    def parent_slug(row: BranchRow) -> str | None:
        if not row.parent:
            return None
        for slug in (
            row.parent,
            file_names.get(row.parent.lower()),
            by_name.get(row.parent.lower()),
        ):
            if slug and (slug in in_file or slug in existing):
                return slug
        return ""  # unknown

    parents = plan.parents
    for row in rows:
        parent = parent_slug(row)
        if parent == "":
            plan.errors.append(RowError(row.line, "parent", f"unknown branch {row.parent!r}"))
            continue
        parents[row.slug] = parent
        branch = existing.get(row.slug)
        if branch is not None:
            same = (
                branch.name == row.name
                and (branch.parent.slug if branch.parent else None) == parent
                and (row.founded_on is None or branch.founded_on == row.founded_on)
            )
            if same:
                plan.unchanged += 1
            else:
                plan.errors.append(
                    RowError(
                        row.line,
                        "slug",
                        f"branch {row.slug!r} exists with another name, parent or founding date: change it on its page",
                    )
                )
            continue
        other = by_name.get(row.name.lower())
        if other is not None:
            plan.errors.append(
                RowError(row.line, "name", f"the name {row.name!r} is taken by branch {other!r}")
            )
            continue
        plan.create.append(row)
    # Parents before children; a cycle among new branches is an error.
    ordered: list[BranchRow] = []
    placed = set(existing)
    pending = list(plan.create)
    while pending:
        ready = [r for r in pending if parents.get(r.slug) is None or parents[r.slug] in placed]
        if not ready:
            for r in pending:
                plan.errors.append(
                    RowError(r.line, "parent", "the parents of these branches form a loop")
                )
            break
        for r in ready:
            ordered.append(r)
            placed.add(r.slug)
        pending = [r for r in pending if r.slug not in placed]
    plan.create = ordered
    plan.errors.sort(key=lambda e: (e.line, e.column))
    return plan


def do_import_branches(
    actor: Any, data: bytes, *, filename: str, dry_run: bool = False
) -> BranchPlan:
    """Check the file, then (unless ``dry_run`` or any error) create every new branch in one
    transaction, each through ``do_create_branch``, with one ``branch.import`` event."""
    plan = plan_branches(data)
    if dry_run or plan.errors:
        return plan
    with transaction.atomic():
        created: dict[str, Branch] = {}
        for row in plan.create:
            parent_slug = plan.parents.get(row.slug)
            parent = created.get(parent_slug or "") or (
                Branch.objects.get(slug=parent_slug) if parent_slug else None
            )
            try:
                created[row.slug] = do_create_branch(
                    actor, name=row.name, slug=row.slug, parent=parent, founded_on=row.founded_on
                )
            except ValidationError as error:
                raise ValidationError(f"line {row.line}: {'; '.join(error.messages)}") from None
        append_event(
            actor=actor,
            action="branch.import",
            payload={
                "file": filename,
                "sha256": hashlib.sha256(data).hexdigest(),
                "rows": plan.rows,
                "created": len(plan.create),
                "unchanged": plan.unchanged,
            },
        )
    return plan


def export_rows() -> Iterator[list[str]]:
    """The branches as the import reads them, parents before children (csv_lines writes
    each cell safe from spreadsheet formulas)."""
    yield list(COLUMNS)
    branches = list(Branch.objects.select_related("parent").order_by("name"))
    done: set[int] = set()
    while len(done) < len(branches):
        ready = [
            b for b in branches
            if b.pk not in done and (not b.parent_id or b.parent_id in done)
        ] or [b for b in branches if b.pk not in done]  # fmt: skip
        for branch in ready:
            done.add(branch.pk)
            yield [
                branch.name,
                branch.slug,
                branch.parent.slug if branch.parent else "",
                branch.founded_on.isoformat() if branch.founded_on else "",
            ]
