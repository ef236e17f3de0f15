"""The shared `rankfile import ...` and `rankfile export ...` commands: each module adds its
kind of file (`import members`, `import payments`, ...) under the same parent command."""

from __future__ import annotations

import argparse
from typing import Any


def _nested(subparsers: Any, name: str, help_text: str, description: str) -> Any:
    cache_name = f"_rankfile_{name}_subparsers"
    cached = getattr(subparsers, cache_name, None)
    if cached is not None:
        return cached
    parser = subparsers.add_parser(name, help=help_text, description=description)
    nested = parser.add_subparsers(dest=f"{name}_what", metavar="WHAT")

    def show_help(args: argparse.Namespace) -> int:
        parser.print_help()
        return 2

    parser.set_defaults(handler=show_help)
    setattr(subparsers, cache_name, nested)
    return nested


def import_subparsers(subparsers: Any) -> Any:
    """The sub-commands of `rankfile import` (created once, whoever asks first)."""
    return _nested(
        subparsers,
        "import",
        "import members, payments, remittance files ...",
        "Import a file. Every import shows what it would change and is all-or-nothing.",
    )


def export_subparsers(subparsers: Any) -> Any:
    """The sub-commands of `rankfile export` (created once, whoever asks first)."""
    return _nested(subparsers, "export", "export members ...", "Export data as CSV.")
