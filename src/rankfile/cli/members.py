"""`rankfile import members FILE` and `rankfile export members`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from rankfile.cli import CommandError, setup_django
from rankfile.cli.importing import export_subparsers, import_subparsers

# Show a progress bar from this many rows on (and only on a terminal).
PROGRESS_FROM_ROWS = 5000
SHOWN_CHANGES = 20


def register(subparsers: Any) -> None:
    parser = import_subparsers(subparsers).add_parser(
        "members",
        help="import members from a CSV file",
        description="Import members from a CSV file (columns: member_number, first_name, "
        "last_name, email, phone, branch, joined_on, status; see docs/import-export.md). "
        "Rows are matched by member number; all or nothing; errors name line and column.",
    )
    parser.add_argument("file", metavar="FILE", type=Path)
    parser.add_argument(
        "--dry-run", action="store_true", help="show what would change, write nothing"
    )
    parser.add_argument(
        "--as",
        dest="as_email",
        metavar="EMAIL",
        help="import with the rights of this account (default: administrator, everywhere)",
    )
    parser.set_defaults(handler=import_members)

    parser = export_subparsers(subparsers).add_parser(
        "members",
        help="export members as CSV",
        description="Export members as CSV, in the columns an import reads.",
    )
    parser.add_argument(
        "--as",
        dest="as_email",
        metavar="EMAIL",
        help="export what this account may see (default: everything)",
    )
    parser.add_argument(
        "-o", "--output", metavar="FILE", type=Path, help="write here (default: stdout)"
    )
    parser.set_defaults(handler=export_members)


def _actor(email: str | None) -> Any:
    if not email:
        return None
    from rankfile.accounts.models import User

    try:
        return User.objects.get(email=email.strip().lower())
    except User.DoesNotExist:
        raise CommandError(f"no account with email {email!r}") from None


class _Bars:
    """tqdm progress bars, one per stage, on stderr when it is a terminal."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.bars: dict[str, Any] = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        from tqdm import tqdm

        bar = self.bars.get(stage)
        if bar is None:
            bar = self.bars[stage] = tqdm(total=total, desc=stage, unit=" rows", leave=False)
        bar.total = max(total, done)
        bar.update(done - bar.n)

    def close(self) -> None:
        for bar in self.bars.values():
            bar.close()


def import_members(args: argparse.Namespace) -> int:
    setup_django()
    from django.core.exceptions import PermissionDenied

    from rankfile.members.csvfile import UnreadableFile, inspect_chunks
    from rankfile.members.importing import FileSource, do_apply_import, plan_import

    path = args.file

    def chunks() -> Any:
        with path.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                yield chunk

    # The file is read as a stream (twice: once to know its encoding and length), so its
    # size is bounded by the disk, not by memory.
    source: Any
    try:
        source = FileSource(open=lambda: path.open("rb"), facts=inspect_chunks(chunks()))
        big = source.facts.lines >= PROGRESS_FROM_ROWS
    except OSError as error:
        raise CommandError(f"cannot read {args.file}: {error.strerror}") from None
    except UnreadableFile:
        source, big = path.read_bytes(), False  # the import names what is wrong on line 1
    actor = _actor(args.as_email)
    bars = _Bars(big and sys.stderr.isatty())
    run = plan_import if args.dry_run else do_apply_import
    try:
        plan = run(source, file_name=args.file.name, actor=actor, progress=bars)
    except PermissionDenied as error:
        raise CommandError(str(error)) from None
    finally:
        bars.close()
    for warning in plan.warnings:
        print(f"{args.file}: warning: {warning}", file=sys.stderr)
    for row_error in plan.errors:
        column = f" {row_error.column}:" if row_error.column else ""
        print(f"{args.file}:{row_error.line}:{column} {row_error.reason}", file=sys.stderr)
    print(plan.summary())
    _print_changes(plan)
    if plan.errors:
        raise CommandError(
            f"{len(plan.errors)} errors: nothing was imported; fix the file and run again"
        )
    if args.dry_run:
        print("dry run: nothing was written")
    return 0


def _print_changes(plan: Any) -> None:
    for update in plan.to_update[:SHOWN_CHANGES]:
        changes = "; ".join(
            f"{name}: {old or '(blank)'} → {new or '(blank)'}"
            for name, (old, new) in update.changes.items()
        )
        print(f"  line {update.row.line}: member {update.row.member_number}: {changes}")
    updated = plan.counts()["updated"]
    if updated > SHOWN_CHANGES:
        print(f"  ... and {updated - SHOWN_CHANGES} more changed members")


def export_members(args: argparse.Namespace) -> int:
    setup_django()
    from django.core.exceptions import PermissionDenied

    from rankfile.members.exporting import csv_lines, do_export_members

    try:
        export = do_export_members(_actor(args.as_email))
    except PermissionDenied as error:
        raise CommandError(str(error)) from None
    if args.output is None:
        sys.stdout.writelines(csv_lines(export.records()))
        sys.stdout.flush()
    else:
        with args.output.open("w", encoding="utf-8", newline="") as out:
            out.writelines(csv_lines(export.records()))
        print(f"{export.rows} members written to {args.output}", file=sys.stderr)
    return 0
