"""The shared `rankfile import KIND FILE` command: each area adds its kind of file.

`import_subparsers(subparsers)` creates the `import` command the first time any module asks
for it and returns its sub-parsers, so `cli/members.py` (members) and `cli/dues.py`
(payments, remittance) each add their own kinds without knowing about the other.
"""

from __future__ import annotations

from typing import Any

_ATTRIBUTE = "_rankfile_import_subparsers"


def import_subparsers(subparsers: Any) -> Any:
    """The sub-parsers of `rankfile import`, created once per parent ``subparsers``."""
    existing = getattr(subparsers, _ATTRIBUTE, None)
    if existing is None:
        parser = subparsers.add_parser(
            "import",
            help="import a file (members, payments, remittance)",
            description="Import a file. Every import is all-or-nothing: a bad row refuses "
            "the whole file, naming the line and column.",
        )
        existing = parser.add_subparsers(dest="import_kind", metavar="KIND", required=True)
        setattr(subparsers, _ATTRIBUTE, existing)
    return existing
