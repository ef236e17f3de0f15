"""PrefLib files: `.soi` (strict orders, incomplete) and `.toc` (orders with ties, complete).

Both the current format (`# ALTERNATIVE NAME 1: A` headers, lines `count: 1,2,{3,4}`) and the
older one (a line with the number of alternatives, lines `1,A`, a line `voters,sum,unique`,
lines `count,1,2,{3,4}`) are read. The seats are not in the file.
"""

from __future__ import annotations

import re
from pathlib import Path

from rankfile.core.ballots.model import BallotFileError, BallotSet, Level

_NAME = re.compile(r"#\s*ALTERNATIVE NAME (\d+):\s?(.*)$")
_TITLE = re.compile(r"#\s*TITLE:\s?(.*)$")


def read_preflib(path: str | Path) -> BallotSet:
    """Read a PrefLib `.soi` or `.toc` file."""
    with open(path, encoding="utf-8-sig") as handle:
        return parse_preflib(handle.read())


_NUMBER = re.compile(r"[0-9]+")


def _levels(text: str, count: int, line: int) -> tuple[Level, ...]:
    """An order `1,2,{3,4}`: alternatives apart by commas, braces around equal ones.

    A repeated alternative counts at its first place only (as in every ballot reader).
    """
    levels: list[Level] = []
    rest = text.strip()
    while rest:
        if rest.startswith("{"):
            close = rest.find("}")
            if close < 0:
                raise BallotFileError(f"the brace in {text.strip()!r} is never closed", line)
            parts = rest[1:close].split(",")
            rest = rest[close + 1 :].strip()
            if not any(part.strip() for part in parts):
                raise BallotFileError(f"empty braces in {text.strip()!r}", line)
        else:
            token, _, rest = rest.partition(",")
            parts = [token]
            rest = "," + rest if _ else ""
        if rest:
            if not rest.startswith(","):
                raise BallotFileError(f"cannot read the order {text.strip()!r}", line)
            rest = rest[1:].strip()
            if not rest:
                raise BallotFileError(f"the order {text.strip()!r} ends with a comma", line)
        level: list[int] = []
        for part in parts:
            part = part.strip()
            if "{" in part or "}" in part or not _NUMBER.fullmatch(part):
                raise BallotFileError(f"cannot read the order {text.strip()!r}", line)
            c = int(part) - 1
            if not 0 <= c < count:
                raise BallotFileError(f"alternative {c + 1} does not exist", line)
            level.append(c)
        levels.append(tuple(level))
    return tuple(levels)


def parse_preflib(text: str) -> BallotSet:
    """Parse the text of a PrefLib soi/toc file."""
    lines = text.splitlines()
    names: dict[int, str] = {}
    title = ""
    body: list[tuple[int, str]] = []
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            if match := _NAME.match(line):
                names[int(match.group(1))] = match.group(2).strip()
            elif match := _TITLE.match(line):
                title = match.group(1).strip()
            continue
        body.append((number, line))
    if names:
        count = max(names)
        orders = body
        separator = ":"
    else:
        # The older format: the number of alternatives, their names, then the counts line.
        if not body:
            raise BallotFileError("the file is empty", 1)
        first_line, first = body[0]
        try:
            count = int(first)
        except ValueError:
            raise BallotFileError("expected the number of alternatives", first_line) from None
        for line_number, line in body[1 : count + 1]:
            index, _, name = line.partition(",")
            try:
                names[int(index)] = name.strip()
            except ValueError:
                raise BallotFileError("expected 'number,name'", line_number) from None
        orders = body[count + 2 :]
        separator = ","
    missing = [i for i in range(1, count + 1) if i not in names]
    if missing:
        raise BallotFileError(f"no name for alternative {missing[0]}", 1)
    ballots = BallotSet([names[i] for i in range(1, count + 1)], title=title)
    for line_number, line in orders:
        weight_text, sep, order = line.partition(separator)
        if not sep:
            raise BallotFileError(f"expected 'count{separator} order'", line_number)
        weight_text = weight_text.strip()
        if not _NUMBER.fullmatch(weight_text):
            if weight_text.startswith("-") and _NUMBER.fullmatch(weight_text[1:]):
                raise BallotFileError(f"the count {weight_text} is negative", line_number)
            raise BallotFileError(
                f"the count {weight_text!r} is not a whole number", line_number
            ) from None
        ballots.add(_levels(order, count, line_number), int(weight_text))
    return ballots
