"""Cast-vote-record CSV files, as US jurisdictions publish them.

Long form: a header `ballot_id,rank,choice` and one row per mark; `$UNDERVOTE` is a skipped
rank (passed over), `$OVERVOTE` an overvote (kept as a level with no candidate, so the rule
can exhaust the ballot there); two rows with the same ballot and rank are an overvote of
those candidates. Candidates are numbered in order of first appearance.

Wide form: a header row and one row per ballot; the columns whose header holds a number
(`rank1`, `Choice 2`, `3`) are the ranks in that order; a `weight` or `count` column gives the
number of ballots; other columns (ballot ids, precincts) are ignored. Empty cells and
`$UNDERVOTE` are skipped ranks; `$OVERVOTE` is an overvote.

In both, a candidate marked again at a later rank counts at their first rank only (the one
normalisation of every reader, made by `BallotSet.add`).
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from rankfile.core.ballots.model import BallotFileError, BallotSet, Level

UNDERVOTE = {"", "$undervote", "undervote"}
OVERVOTE = {"$overvote", "overvote"}


class _Candidates:
    def __init__(self) -> None:
        self.names: list[str] = []
        self.index: dict[str, int] = {}

    def __call__(self, name: str) -> int:
        found = self.index.get(name)
        if found is None:
            found = self.index[name] = len(self.names)
            self.names.append(name)
        return found


def read_cvr(path: str | Path) -> BallotSet:
    """Read a long cast-vote-record CSV (`ballot_id,rank,choice`)."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = csv.reader(handle)
        header = next(rows, None)
        if header is None:
            raise BallotFileError("the file is empty", 1)
        if [h.strip().lower() for h in header] != ["ballot_id", "rank", "choice"]:
            raise BallotFileError(
                f"the header must be 'ballot_id,rank,choice', found {','.join(header)!r}", 1
            )
        candidate = _Candidates()
        marks: dict[str, dict[int, list[int | None]]] = {}
        for line, row in enumerate(rows, start=2):
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            if len(row) != 3:
                raise BallotFileError(f"expected 3 fields, found {len(row)}", line)
            ballot_id, rank_text, choice = (field.strip() for field in row)
            if not _WHOLE.fullmatch(rank_text.lstrip("-")):
                raise BallotFileError(f"the rank {rank_text!r} is not a whole number", line)
            rank = int(rank_text)
            if rank < 1:
                raise BallotFileError(f"the rank {rank} must be 1 or more", line)
            ballot = marks.setdefault(ballot_id, {})
            lowered = choice.lower()
            if lowered in UNDERVOTE:
                ballot.setdefault(rank, [])
                continue
            ballot.setdefault(rank, []).append(None if lowered in OVERVOTE else candidate(choice))
    ballots = BallotSet(candidates=candidate.names)
    for ballot in marks.values():
        levels: list[Level] = []
        for rank in sorted(ballot):
            chosen = ballot[rank]
            if not chosen:
                continue  # a skipped rank
            if None in chosen:
                levels.append(())
            else:
                levels.append(tuple(sorted({c for c in chosen if c is not None})))
        ballots.add(tuple(levels))
    return ballots


_RANK_COLUMN = re.compile(r"(\d+)")
_WHOLE = re.compile(r"[0-9]+")


def read_wide_csv(path: str | Path) -> BallotSet:
    """Read a wide CSV: one row per ballot, one column per rank."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = csv.reader(handle)
        header = next(rows, None)
        if header is None:
            raise BallotFileError("the file is empty", 1)
        rank_columns: list[tuple[int, int]] = []
        weight_column = None
        for position, title in enumerate(header):
            lowered = title.strip().lower()
            if lowered in ("weight", "count"):
                weight_column = position
                continue
            if "id" in lowered.split("_") or lowered in ("id", "ballot", "precinct"):
                continue
            number = _RANK_COLUMN.search(lowered)
            if number:
                rank_columns.append((int(number.group(1)), position))
        if not rank_columns:
            raise BallotFileError("no rank columns (headers with a number, e.g. rank1)", 1)
        rank_columns.sort()
        candidate = _Candidates()
        ballots = BallotSet(candidates=candidate.names)
        for line, row in enumerate(rows, start=2):
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                raise BallotFileError(f"expected {len(header)} fields, found {len(row)}", line)
            weight = 1
            if weight_column is not None:
                text = row[weight_column].strip()
                if not _WHOLE.fullmatch(text):
                    if text.startswith("-") and _WHOLE.fullmatch(text[1:]):
                        raise BallotFileError(f"the weight {text} is negative", line)
                    raise BallotFileError(f"the weight {text!r} is not a whole number", line)
                weight = int(text)
            levels: list[Level] = []
            for _, position in rank_columns:
                cell = row[position].strip()
                lowered = cell.lower()
                if lowered in UNDERVOTE:
                    continue
                levels.append(() if lowered in OVERVOTE else (candidate(cell),))
            ballots.add(tuple(levels), weight)
    return ballots
