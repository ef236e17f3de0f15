"""`rankfile audit`: verify the tamper-evident audit log, print its head for anchoring."""

from __future__ import annotations

import argparse
from typing import Any

from rankfile.cli import CommandError, setup_django


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "audit",
        help="verify the audit log or print its head",
        description="The audit log is a hash chain: each event's SHA-256 hash covers the "
        "event and the hash before it. See docs/audit.md.",
    )
    commands = parser.add_subparsers(dest="audit_command", metavar="ACTION")
    parser.set_defaults(handler=lambda args: _usage(parser))

    verify = commands.add_parser(
        "verify",
        help="recompute the chain and name the first broken link",
        description="Recompute the hash of every event in sequence order. Prints 'N events "
        "verified; head HASH' and exits 0 when the chain holds; otherwise names the first "
        "broken event on stderr and exits 1. Someone with write access to the database can "
        "still cut the log short or rewrite it from some event on, recomputing every later "
        "hash and the head record; only a head kept outside the database shows that: keep "
        "the output of `rankfile audit head` somewhere else and pass it here.",
    )
    verify.add_argument(
        "--anchor",
        action="append",
        default=[],
        metavar="SEQ:HASH",
        help="a head printed earlier by `rankfile audit head`: the log must still contain "
        "that event with that hash (may be given several times)",
    )
    verify.set_defaults(handler=verify_log)

    head = commands.add_parser(
        "head",
        help="print the last event's SEQ:HASH, to keep outside the database",
        description="Print the sequence number and hash of the last event as SEQ:HASH. "
        "Record it somewhere the database's administrators cannot rewrite (minutes, an "
        "email to the membership, a public post); `rankfile audit verify --anchor SEQ:HASH` "
        "later proves the log still holds everything up to it, unchanged.",
    )
    head.set_defaults(handler=print_head)


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def verify_log(args: argparse.Namespace) -> int:
    from rankfile.core.chain import Anchor

    try:
        anchors = [Anchor.parse(text) for text in args.anchor]
    except ValueError as error:
        raise CommandError(str(error), status=2) from None
    setup_django()
    from rankfile.audit.verify import verify_audit_log

    result = verify_audit_log(anchors)
    if result.broken is not None:
        raise CommandError(
            f"the audit log is broken at {result.broken} "
            f"({result.checked} events before it verified)"
        )
    print(f"{result.checked} events verified; head {result.head_hash}")
    return 0


def print_head(args: argparse.Namespace) -> int:
    setup_django()
    from rankfile.audit.verify import latest_event

    head = latest_event()
    print(f"{head.seq}:{head.hash}")
    return 0
