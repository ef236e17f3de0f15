"""`rankfile import branches FILE` and `rankfile export branches`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from rankfile.cli import CommandError, setup_django
from rankfile.cli.importing import export_subparsers, import_subparsers


def register(subparsers: Any) -> None:
    parser = import_subparsers(subparsers).add_parser(
        "branches",
        help="import branches from a CSV file (name,slug,parent,founded_on)",
        description="Create the branches a CSV file lists, parents first, all or nothing. "
        "Rows for branches already there, unchanged, are skipped.",
    )
    parser.add_argument("file", type=Path)
    parser.add_argument(
        "--dry-run", action="store_true", help="show what would change, write nothing"
    )
    parser.set_defaults(handler=import_branches)
    export = export_subparsers(subparsers).add_parser(
        "branches", help="export the branches as a CSV file the import reads"
    )
    export.add_argument(
        "-o", "--output", metavar="FILE", type=Path, help="write here (default: stdout)"
    )
    export.set_defaults(handler=export_branches)


def import_branches(args: argparse.Namespace) -> int:
    setup_django()
    from django.core.exceptions import ValidationError

    from rankfile.members.branch_import import do_import_branches

    try:
        data = args.file.read_bytes()
    except OSError as error:
        raise CommandError(f"cannot read {args.file}: {error.strerror}") from None
    name = args.file.name
    try:
        plan = do_import_branches(None, data, filename=name, dry_run=args.dry_run)
    except ValidationError as error:
        raise CommandError(f"{name}: {'; '.join(error.messages)}: nothing was imported") from None
    for problem in plan.errors:
        print(
            f"{name}:{problem.line}: {problem.column or 'file'}: {problem.message}",
            file=sys.stderr,
        )
    verb = "would be created" if args.dry_run or plan.errors else "created"
    print(f"{name}: {plan.rows} rows — {len(plan.create)} {verb}, {plan.unchanged} unchanged, "
          f"{len(plan.errors)} errors")  # fmt: skip
    for row in plan.create:
        print(f"  line {row.line}: {row.slug}" + (f" (in {row.parent})" if row.parent else ""))
    if plan.errors:
        raise CommandError(
            f"{len(plan.errors)} errors: nothing was imported; fix the file and run again"
        )
    if args.dry_run:
        print("dry run: nothing was written")
    return 0


def export_branches(args: argparse.Namespace) -> int:
    setup_django()
    from rankfile.members.branch_import import export_rows
    from rankfile.members.exporting import csv_lines

    if args.output is None:
        sys.stdout.writelines(csv_lines(export_rows()))
    else:
        with args.output.open("w", encoding="utf-8", newline="") as out:
            out.writelines(csv_lines(export_rows()))
    return 0
