"""`rankfile import payments FILE` and `rankfile import remittance FILE` (docs/dues.md)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from rankfile.cli import CommandError, setup_django
from rankfile.cli.importing import import_subparsers

# Below this size a progress bar is only noise.
PROGRESS_FROM_BYTES = 1 << 20


def register(subparsers: Any) -> None:
    kinds = import_subparsers(subparsers)
    payments = kinds.add_parser(
        "payments",
        help="import dues payments from a CSV file",
        description="Import dues payments (columns member_number, covers_from, covers_through, "
        "amount, method; optional currency, received_on, reference). See docs/dues.md.",
    )
    payments.add_argument("file", type=Path, metavar="FILE")
    payments.add_argument("--dry-run", action="store_true", help="check and preview; write nothing")
    payments.set_defaults(handler=import_payments)

    remittance = kinds.add_parser(
        "remittance",
        help="import an employer's or payment processor's remittance file",
        description="Import a remittance file (one row per member per period: member_number "
        "or employee_id, amount, period). Rows that do not match a member or their plan go "
        "to the exceptions list. See docs/dues.md.",
    )
    remittance.add_argument("file", type=Path, metavar="FILE")
    remittance.add_argument(
        "--employer",
        default="",
        help="the employer, for files that identify members by employee id",
    )
    remittance.add_argument(
        "--dry-run", action="store_true", help="check and preview; write nothing"
    )
    remittance.set_defaults(handler=import_remittance)


def import_payments(args: argparse.Namespace) -> int:
    return _import(args, "payments")


def import_remittance(args: argparse.Namespace) -> int:
    return _import(args, "remittance")


def _import(args: argparse.Namespace, kind: str) -> int:
    path: Path = args.file
    if not path.is_file():
        raise CommandError(f"{path}: no such file")
    setup_django()
    from tqdm import tqdm

    from rankfile.dues.importing import ImportRefused, do_import_payments, do_import_remittance

    size = os.path.getsize(path)
    bar = tqdm(
        total=size,
        unit="B",
        unit_scale=True,
        desc=path.name,
        disable=size < PROGRESS_FROM_BYTES or not sys.stderr.isatty(),
        file=sys.stderr,
    )

    def progress(position: int) -> None:
        bar.update(position - bar.n)

    try:
        with path.open("rb") as stream:
            if kind == "payments":
                summary = do_import_payments(
                    None, stream, filename=path.name, dry_run=args.dry_run, progress=progress
                )
            else:
                summary = do_import_remittance(
                    None,
                    stream,
                    filename=path.name,
                    employer=args.employer,
                    dry_run=args.dry_run,
                    progress=progress,
                )
    except ImportRefused as refused:
        bar.close()
        raise CommandError(
            f"{path}: refused, nothing imported:\n" + "\n".join(refused.messages)
        ) from None
    bar.close()
    for line in summary.lines():
        print(line)
    for exception in summary.sample_exceptions[:10]:
        print(f"  line {exception.line}: {exception.get_kind_display()} ({exception.identifier})")
    return 0
