"""`rankfile apportion`: delegates per unit from a CSV of member counts (no database).

Pure command: it imports no Django, so it starts fast and runs anywhere.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
import sys
from fractions import Fraction
from typing import Any

from rankfile.cli import CommandError
from rankfile.core.apportionment import (
    METHODS,
    ROUNDINGS,
    TIE_BREAK_RULES,
    Apportionment,
    ApportionmentError,
    RatioFormula,
    TieBreak,
    apportion,
    apportion_by_formula,
    method_key,
)
from rankfile.core.apportionment.result import decimal_text
from rankfile.core.spreadsheet import csv_record

OUTPUTS = ("text", "csv", "json")
_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]+")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "apportion",
        help="apportion delegates among units from a CSV of member counts",
        description="Apportion delegates among units (branches, locals) from a CSV file "
        "with a header row, the unit's name in the first column and its count in the "
        "second. Either share a fixed number of seats by a method (--seats, --method) or "
        "give each unit seats by a ratio formula (--per ...). See docs/apportionment.md.",
    )
    parser.add_argument("file", metavar="FILE.csv", help="the counts ('-' reads stdin)")
    fixed = parser.add_argument_group("a fixed number of seats")
    fixed.add_argument("--seats", type=int, metavar="N", help="seats to apportion in all")
    fixed.add_argument(
        "--method", metavar="METHOD", help=f"one of: {', '.join(METHODS)} (needed with --seats)"
    )
    fixed.add_argument(
        "--base", type=int, default=0, metavar="B", help="seats each unit gets first (default 0)"
    )
    formula = parser.add_argument_group("a ratio formula")
    formula.add_argument(
        "--per",
        "--then-per",
        dest="per",
        type=int,
        metavar="N",
        help="one seat per N members (with --first: per further N members)",
    )
    formula.add_argument(
        "--rounding",
        choices=ROUNDINGS,
        help="nearest (halves up), up (N or part thereof), down (full N only); "
        "default nearest, or up with --first",
    )
    formula.add_argument(
        "--first", type=int, metavar="F", help="one seat for the first F members, then --per"
    )
    bounds = parser.add_argument_group("bounds per unit (both kinds of rule)")
    bounds.add_argument("--minimum", "--at-least", dest="minimum", type=int, default=0, metavar="K")
    bounds.add_argument("--maximum", "--at-most", dest="maximum", type=int, metavar="K")
    ties = parser.add_argument_group("ties (never broken silently)")
    ties.add_argument(
        "--seed", type=int, metavar="S", help="settle a tie by lot with this recorded seed"
    )
    ties.add_argument(
        "--tie-break",
        choices=TIE_BREAK_RULES,
        help="the rules' tie-break (lot needs --seed); without one, a tie is an error",
    )
    parser.add_argument("--output", choices=OUTPUTS, default="text", help="default text")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    units = read_counts(args.file)
    try:
        result = _apportion(args, units)
    except ApportionmentError as error:
        raise CommandError(str(error)) from None
    sys.stdout.write(render(result, args.output))
    return 0


def _apportion(args: argparse.Namespace, units: list[tuple[str, int]]) -> Apportionment:
    if args.seats is not None and args.per is not None:
        raise CommandError("give either --seats (and --method) or a formula (--per), not both")
    if args.seats is None and args.per is None:
        raise CommandError("say what to apportion: --seats N --method M, or a formula --per N")
    if args.per is not None:
        for flag, value in (("--method", args.method), ("--base", args.base or None)):
            if value is not None:
                raise CommandError(f"{flag} goes with --seats, not with a formula")
        if args.seed is not None or args.tie_break is not None:
            raise CommandError("a formula gives each unit its seats alone: it has no ties to break")
        rounding = args.rounding or ("up" if args.first is not None else "nearest")
        formula = RatioFormula(
            per=args.per,
            rounding=rounding,
            first=args.first,
            at_least=args.minimum,
            at_most=args.maximum,
        )
        return apportion_by_formula(units, formula)
    if args.rounding is not None or args.first is not None:
        raise CommandError("--rounding and --first belong to a formula (--per), not to --seats")
    if args.method is None:
        raise CommandError(f"--seats needs --method, one of: {', '.join(METHODS)}")
    method_key(args.method)  # an unknown method is refused before anything else
    return apportion(
        units,
        args.seats,
        args.method,
        minimum=args.minimum,
        maximum=args.maximum,
        base=args.base,
        tie_break=_tie_break(args),
    )


def _tie_break(args: argparse.Namespace) -> TieBreak | None:
    rule = args.tie_break or ("lot" if args.seed is not None else None)
    if rule is None:
        return None
    if rule == "lot" and args.seed is None:
        raise CommandError("--tie-break lot needs --seed S, so that anyone can redo the draw")
    if rule != "lot" and args.seed is not None:
        raise CommandError(f"--seed is for a draw by lot, not for --tie-break {rule}")
    return TieBreak(rule, args.seed)


def read_counts(path: str) -> list[tuple[str, int]]:
    """(name, count) rows from the CSV file; errors name the line of the file."""
    try:
        if path == "-":
            text = sys.stdin.read()
        else:
            with open(path, encoding="utf-8-sig", newline="") as handle:
                text = handle.read()
    except OSError as error:
        raise CommandError(f"cannot read {path}: {error.strerror}") from None
    except UnicodeDecodeError:
        raise CommandError(f"{path} is not UTF-8 text") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    units: list[tuple[str, int]] = []
    first_line: dict[str, int] = {}
    header = next(reader, None)
    if header is None:
        raise CommandError(f"{path} is empty: expected a header row, then one row per unit")
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        name = row[0].strip()
        where = f"{path}, line {line}"
        if not name:
            raise CommandError(f"{where}: the unit has no name")
        if len(row) < 2 or not row[1].strip():
            raise CommandError(f"{where}: no count for {name!r}")
        raw = row[1].strip()
        if not _WHOLE_NUMBER.fullmatch(raw):
            raise CommandError(f"{where}: the count for {name!r} is not a whole number: {raw!r}")
        count = int(raw)
        if count < 0:
            raise CommandError(f"{where}: the count for {name!r} is negative: {count}")
        if name in first_line:
            raise CommandError(
                f"{where}: {name!r} is listed twice (first on line {first_line[name]})"
            )
        first_line[name] = line
        units.append((name, count))
    if not units:
        raise CommandError(f"{path} has no units: expected one row per unit after the header")
    return units


def render(result: Apportionment, output: str) -> str:
    """The result as text (a table), csv (name,seats in input order) or json."""
    if output == "json":
        return json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n"
    if output == "csv":
        return csv_record(["name", "seats"], terminator="\n") + "".join(
            csv_record([unit.name, unit.seats], terminator="\n") for unit in result.units
        )
    return render_text(result)


def render_text(result: Apportionment) -> str:
    rows = [("Unit", "Count", "Quota", "Seats")]
    for unit in result.units:
        quota = "" if unit.quota is None else decimal_text(unit.quota)
        rows.append((unit.name, str(unit.count), quota, str(unit.seats)))
    quotas = [unit.quota for unit in result.units if unit.quota is not None]
    total_quota = decimal_text(sum(quotas, start=Fraction(0))) if quotas else ""
    rows.append(("Total", str(result.total_count), total_quota, str(result.seats)))
    widths = [max(len(row[column]) for row in rows) for column in range(4)]
    lines = [result.description, ""]
    for position, row in enumerate(rows):
        if position == len(rows) - 1:
            lines.append("  ".join("-" * width for width in widths))
        cells = [row[0].ljust(widths[0])] + [
            cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True)
        ]
        lines.append("  ".join(cells).rstrip())
    if result.ties:
        lines += ["", "Ties:"] + [f"  {tie.message}" for tie in result.ties]
    if result.warnings:
        lines += ["", "Warnings:"] + [f"  {warning.message}" for warning in result.warnings]
    return "\n".join(lines) + "\n"
