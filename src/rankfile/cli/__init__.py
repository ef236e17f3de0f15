"""The `rankfile` command for administrators.

Each module in COMMAND_MODULES adds its sub-commands with `register(subparsers)`. Commands
that need the database call `setup_django()` themselves, so that pure commands (`count`,
`apportion`) start without loading Django. Any other first word is handed to Django's
management commands (`rankfile migrate`, `rankfile createsuperuser`, ...).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

COMMAND_MODULES = [
    "rankfile.cli.server",
    "rankfile.cli.members",
    "rankfile.cli.branches",
    "rankfile.cli.audit",
    "rankfile.cli.apportion",
    "rankfile.cli.count",
    "rankfile.cli.dues",
    "rankfile.cli.standing",
    "rankfile.cli.accounts",
    "rankfile.cli.appeals",
]


class CommandError(Exception):
    """A failure to report on stderr with a non-zero exit status (no traceback)."""

    def __init__(self, message: str, status: int = 1) -> None:
        super().__init__(message)
        self.status = status


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rankfile.settings")
    import django

    django.setup()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rankfile",
        description="Rank and File administration. Any other word is passed to Django's "
        "management commands (e.g. `rankfile migrate`).",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def _subcommand_names(parser: argparse.ArgumentParser) -> list[str]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return list(action.choices)
    return []


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    known = set(_subcommand_names(parser))
    if args_list and not args_list[0].startswith("-") and args_list[0] not in known:
        setup_django()
        from django.core.management import execute_from_command_line

        execute_from_command_line(["rankfile", *args_list])
        return 0
    args = parser.parse_args(args_list)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    try:
        return int(args.handler(args) or 0)
    except CommandError as error:
        print(f"rankfile: {error}", file=sys.stderr)
        return error.status
    except KeyboardInterrupt:
        print("rankfile: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as error:
        # A database that was never migrated (or is behind the code) fails deep inside Django:
        # say what to do instead of a traceback. Anything else is a bug: let it show.
        message = _unmigrated(error)
        if message is None:
            raise
        print(f"rankfile: {message}", file=sys.stderr)
        return 1


def _unmigrated(error: Exception) -> str | None:
    if not type(error).__module__.startswith(("django.db", "sqlite3", "psycopg")):
        return None
    from django.db import DatabaseError, connection
    from django.db.migrations.executor import MigrationExecutor

    if not isinstance(error, DatabaseError):
        return None
    try:
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError:
        return None
    if not pending:
        return None
    where = connection.settings_dict.get("NAME")
    return (
        f"the database ({where}) is not set up or not up to date: "
        f"{len(pending)} migrations to apply. Run `rankfile migrate` first."
    )


if __name__ == "__main__":
    sys.exit(main())
