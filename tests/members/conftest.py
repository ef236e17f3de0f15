"""Fixtures for the import and export tests: CSV files and a place for uploaded files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from rankfile.members.csvfile import COLUMNS


def _members_csv(
    rows: list[list[str]],
    *,
    header: list[str] | tuple[str, ...] = COLUMNS,
    delimiter: str = ",",
    encoding: str = "utf-8",
) -> bytes:
    """A members file as a spreadsheet would save it (cells are not quoted: keep them plain)."""
    lines = [delimiter.join(header)] + [delimiter.join(row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


@pytest.fixture
def members_csv() -> Any:
    """members_csv(rows, header=..., delimiter=..., encoding=...) -> the file's bytes."""
    return _members_csv


@pytest.fixture
def import_pages(settings: Any, tmp_path: Path) -> Path:
    """Keep uploaded files in a temporary directory (returned)."""
    settings.RANKFILE_IMPORTS_DIR = str(tmp_path / "imports")
    return tmp_path / "imports"
