"""`rankfile rules adopt|show`, `rankfile standing`, `rankfile snapshot create` and
`rankfile arrears-notices` (docs/standing.md)."""

from __future__ import annotations

import argparse
import datetime
import sys
from pathlib import Path
from typing import Any

from rankfile.cli import CommandError, setup_django
from rankfile.core.spreadsheet import csv_record


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2024-01-31") from None


def register(subparsers: Any) -> None:
    rules = subparsers.add_parser("rules", help="adopt or show the good-standing rule set")
    actions = rules.add_subparsers(dest="rules_command", metavar="ACTION", required=True)
    adopt = actions.add_parser(
        "adopt",
        help="adopt a rule file (TOML) as a new version",
        description="Validate a rule file (docs/rules.md) and adopt it as a new version, "
        "effective from its rule_set.effective_on or --effective-on.",
    )
    adopt.add_argument("file", type=Path, metavar="FILE")
    adopt.add_argument("--decision", required=True, help="the decision that adopted it")
    adopt.add_argument("--effective-on", type=_date, default=None, metavar="DATE")
    adopt.set_defaults(handler=adopt_rules)
    show = actions.add_parser("show", help="list the adopted versions")
    show.set_defaults(handler=show_rules)

    standing = subparsers.add_parser(
        "standing",
        help="every member's good standing as of a date",
        description="Evaluate the rules in force on the date for every member (set-based).",
    )
    standing.add_argument("--as-of", type=_date, required=True, metavar="DATE")
    standing.add_argument("--branch", default=None, metavar="SLUG", help="this branch and below")
    standing.add_argument("--rules", default=None, metavar="VERSION", help="a named version")
    standing.add_argument("--output", choices=["csv"], default="csv")
    standing.set_defaults(handler=standing_csv)

    snapshot = subparsers.add_parser("snapshot", help="freeze standing as of a cut-off date")
    snapshot_actions = snapshot.add_subparsers(dest="snapshot_command", metavar="ACTION")
    snapshot_actions.required = True
    create = snapshot_actions.add_parser("create", help="create a snapshot (immutable)")
    create.add_argument("--as-of", type=_date, required=True, metavar="DATE")
    create.add_argument("--label", default="", help="e.g. the convention it is for")
    create.add_argument("--publish", action="store_true", help="publish it at once")
    create.set_defaults(handler=snapshot_create)

    notices = subparsers.add_parser(
        "arrears-notices",
        help="email every member out of standing or losing it within 30 days",
    )
    notices.add_argument("--as-of", type=_date, default=None, metavar="DATE")
    notices.set_defaults(handler=arrears_notices)


def adopt_rules(args: argparse.Namespace) -> int:
    path: Path = args.file
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise CommandError(f"{path}: cannot read the rule file ({error})") from None
    setup_django()
    from django.core.exceptions import ValidationError

    from rankfile.standing.rulesets import do_adopt_rules

    try:
        version = do_adopt_rules(
            None,
            text=text,
            decision=args.decision,
            effective_on=args.effective_on,
            source_name=str(path),
        )
    except ValidationError as error:
        raise CommandError("; ".join(error.messages)) from None
    print(
        f"adopted {version.name} version {version.version}, in force from "
        f"{version.effective_on} (sha256 {version.content_hash})"
    )
    return 0


def show_rules(args: argparse.Namespace) -> int:
    setup_django()
    from rankfile.standing.models import RuleSetVersion

    for version in RuleSetVersion.objects.order_by("effective_on", "pk"):
        print(f"{version.pk}\t{version.effective_on}\t{version.name}\t{version.version}")
    return 0


def standing_csv(args: argparse.Namespace) -> int:
    setup_django()
    from rankfile.members.models import Branch
    from rankfile.standing.bulk import evaluate
    from rankfile.standing.rulesets import NoRulesInForce, find_version, rules_of

    try:
        rules = rules_of(find_version(args.as_of, args.rules))
    except NoRulesInForce as error:
        raise CommandError(str(error)) from None
    branch_ids = None
    if args.branch:
        branch = Branch.objects.filter(slug=args.branch).first()
        if branch is None:
            raise CommandError(f"no branch {args.branch!r}")
        branch_ids = branch.subtree_ids()
    write = sys.stdout.write
    write(csv_record(["member_number", "in_good_standing", "reasons"], terminator="\n"))
    for row in evaluate(rules, args.as_of, branch_ids=branch_ids):
        standing = "yes" if row.in_good_standing else "no"
        write(csv_record([row.member_number, standing, row.reasons], terminator="\n"))
    return 0


def snapshot_create(args: argparse.Namespace) -> int:
    setup_django()
    from django.core.exceptions import ValidationError

    from rankfile.standing.rulesets import NoRulesInForce
    from rankfile.standing.snapshots import do_create_snapshot, do_publish_snapshot

    label = args.label or f"Standing as of {args.as_of}"
    try:
        snapshot = do_create_snapshot(None, args.as_of, label)
        if args.publish:
            do_publish_snapshot(None, snapshot)
    except (NoRulesInForce, ValidationError) as error:
        raise CommandError(str(error)) from None
    print(
        f"snapshot {snapshot.pk} '{snapshot.label}' as of {snapshot.as_of}: "
        f"{snapshot.in_good_standing} of {snapshot.members_counted} members in good standing; "
        f"sha256 {snapshot.content_hash}"
    )
    return 0


def arrears_notices(args: argparse.Namespace) -> int:
    setup_django()
    from django.utils import timezone

    from rankfile.standing.notices import do_send_arrears_notices
    from rankfile.standing.rulesets import NoRulesInForce

    try:
        batch = do_send_arrears_notices(None, args.as_of or timezone.localdate())
    except NoRulesInForce as error:
        raise CommandError(str(error)) from None
    print(f"sent {len(batch.sent)} notices; {len(batch.without_email)} members have no email")
    return 0
