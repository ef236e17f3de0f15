"""`rankfile count`: count a ballot file and print the result.

Pure: it never imports Django, so it starts fast.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from rankfile.cli import CommandError

OUTPUTS = ("text", "json", "rctab", "svg")
FORMATS = ("blt", "soi", "toc", "cvr", "csv")
# The same names as rankfile.core.counting.methods.METHODS (a test checks), repeated so that
# registering the command does not import the counting code for every other command.
METHODS = (
    "scottish-stv",
    "meek",
    "wigm",
    "irv",
    "plurality",
    "block-plurality",
    "approval",
    "schulze",
)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "count",
        help="count a ballot file (STV, instant runoff, plurality, approval, Schulze)",
        description="Count the ballots in FILE and print the result round by round. "
        "The format is detected from the file when not given. The default method is "
        "Scottish STV, or instant runoff for cast-vote records.",
    )
    parser.add_argument("file", metavar="FILE")
    parser.add_argument("--format", choices=FORMATS, help="the ballot file format")
    parser.add_argument("--method", choices=METHODS, help="the counting method")
    parser.add_argument("--seats", type=int, help="seats to fill (default: from the file)")
    parser.add_argument(
        "--seed", type=int, help="seed for breaking ties by lot (recorded in the result)"
    )
    parser.add_argument("--output", choices=OUTPUTS, default="text")
    parser.add_argument(
        "--batch-elimination",
        action="store_true",
        help="instant runoff: eliminate together all candidates who cannot win",
    )
    parser.set_defaults(handler=handle_count)


def handle_count(args: argparse.Namespace) -> int:
    import gc

    # A short-lived process that builds a few hundred thousand tuples and frees nothing until
    # it exits: the cyclic garbage collector would only spend time scanning them.
    gc.disable()
    from rankfile.core.ballots.files import detect_format, read_ballot_file
    from rankfile.core.ballots.model import BallotFileError, EqualRankingError
    from rankfile.core.counting.ties import TieNeedsLot

    try:
        fmt = args.format or detect_format(args.file)
        ballots = read_ballot_file(args.file, fmt)
    except OSError as error:
        raise CommandError(f"{args.file}: {error.strerror or error}") from None
    except BallotFileError as error:
        raise CommandError(f"{args.file}: {error}") from None
    except UnicodeDecodeError:
        raise CommandError(f"{args.file}: not a UTF-8 text file") from None
    method = args.method or ("irv" if fmt in ("cvr", "csv") else "scottish-stv")
    if args.batch_elimination and method != "irv":
        raise CommandError("--batch-elimination is for instant runoff (--method irv) only")
    try:
        from rankfile.core.counting.methods import count

        result = count(
            ballots, method, args.seats, args.seed, batch_elimination=args.batch_elimination
        )
    except TieNeedsLot as error:
        raise CommandError(f"{error} (--seed N)") from None
    except (EqualRankingError, ValueError) as error:
        raise CommandError(str(error)) from None
    if args.output == "json":
        from rankfile.core.counting.report import to_json

        text = json.dumps(to_json(result), indent=2, ensure_ascii=False) + "\n"
    elif args.output == "rctab":
        from rankfile.core.counting.report import to_rctab

        try:
            text = json.dumps(to_rctab(result), indent=2, ensure_ascii=False) + "\n"
        except ValueError as error:
            raise CommandError(str(error)) from None
    elif args.output == "svg":
        from rankfile.core.counting.chart import rounds_chart_svg

        text = rounds_chart_svg(result)
    else:
        from rankfile.core.counting.report import to_text

        text = to_text(result)
    sys.stdout.write(text)
    return 0
