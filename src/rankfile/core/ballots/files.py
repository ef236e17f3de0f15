"""Reading any supported ballot file, the format given or detected."""

from __future__ import annotations

from pathlib import Path

from rankfile.core.ballots.model import BallotFileError, BallotSet

FORMATS = ("blt", "soi", "toc", "cvr", "csv")


def detect_format(path: str | Path) -> str:
    """The format of the file at `path`, from its name and, for CSV, its header."""
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix in ("blt", "soi", "toc"):
        return suffix
    with open(path, encoding="utf-8-sig", errors="replace") as handle:
        first = handle.readline().strip()
    if first.replace(" ", "").lower() == "ballot_id,rank,choice":
        return "cvr"
    if suffix == "csv":
        return "csv"
    tokens = first.split("#")[0].split()
    if len(tokens) == 2 and all(t.isdigit() for t in tokens):
        return "blt"
    if first.startswith("# FILE NAME") or first.startswith("# DATA TYPE"):
        return "toc"
    raise BallotFileError(
        "cannot tell the format of the file: give it (" + ", ".join(FORMATS) + ")"
    )


def read_ballot_file(path: str | Path, fmt: str | None = None) -> BallotSet:
    """Read the ballot file at `path` in format `fmt` (detected when None)."""
    fmt = fmt or detect_format(path)
    if fmt == "blt":
        from rankfile.core.ballots.blt import read_blt

        return read_blt(path)
    if fmt in ("soi", "toc"):
        from rankfile.core.ballots.preflib import read_preflib

        return read_preflib(path)
    if fmt == "cvr":
        from rankfile.core.ballots.cvr import read_cvr

        return read_cvr(path)
    if fmt == "csv":
        from rankfile.core.ballots.cvr import read_wide_csv

        return read_wide_csv(path)
    raise ValueError(f"unknown ballot file format {fmt!r}")
