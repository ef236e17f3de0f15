"""`rankfile appeals docket`: the open appeals and their deadlines, missed ones marked."""

from __future__ import annotations

import argparse
from typing import Any

from rankfile.cli import setup_django


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "appeals",
        help="list the appeals body's docket",
        description="Open appeals (and those refused as late) with the date the appeals body "
        "must decide by; a missed deadline is marked MISSED. See docs/appeals.md.",
    )
    commands = parser.add_subparsers(dest="appeals_command", metavar="ACTION")
    parser.set_defaults(handler=lambda args: _usage(parser))
    docket = commands.add_parser("docket", help="print the open appeals, oldest deadline first")
    docket.set_defaults(handler=print_docket)


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def print_docket(args: argparse.Namespace) -> int:
    setup_django()
    from rankfile.appeals.models import Appeal, AppealStatus

    appeals = Appeal.objects.exclude(status=AppealStatus.DECIDED).select_related("member")
    for appeal in appeals.order_by("decide_by", "pk"):
        mark = " MISSED" if appeal.overdue else ""
        print(
            f"{appeal.pk}\t{appeal.member.member_number}\t{appeal.status}\t"
            f"decide by {appeal.decide_by}{mark}\t{appeal.decision_label}"
        )
    print(f"{appeals.count()} open or late appeals")
    return 0
