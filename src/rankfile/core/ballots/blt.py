"""The BLT ballot file (Hill, Wichmann and Woodall, 1987) and the variants found in real files.

Layout: a line `candidates seats`; optionally a line of withdrawn candidates as negative
numbers; one line per ballot or group of identical ballots, `weight pref pref ... 0`; a line
`0`; the candidate names, one per line; the title.

Read as well: names and title unquoted (one per line), quoted, or quoted with doubled quotes
inside (`"Jo ""JJ"" Smith"`); several quoted names on one line; no final newline; `#` comments
(at the start of a line or after white space, outside quotes); blank lines; equal rankings
`1=2` (kept as one level: the counting rule accepts or refuses them); `-` for a skipped rank.
Refused with the line named: anything else.

Speed: a file of a million one-ballot lines usually has far fewer distinct lines, so identical
raw lines are counted first (in C, by `collections.Counter`) and each distinct line is parsed
once.
"""

from __future__ import annotations

import re
from collections import Counter
from itertools import islice
from pathlib import Path

from rankfile.core.ballots.model import BallotFileError, BallotSet, Level, Ranking

_QUOTED = re.compile(r'\s*"((?:[^"]|"")*)"')
_COMMENT = re.compile(r"(^|\s)#")


def read_blt(path: str | Path) -> BallotSet:
    """Read a BLT file (UTF-8, a byte-order mark allowed)."""
    with open(path, encoding="utf-8-sig") as handle:
        return parse_blt(handle.read())


def _strip_comment(line: str) -> str:
    if "#" not in line:
        return line
    if '"' in line:
        # A '#' inside a quoted name is part of the name.
        in_quotes = False
        for pos, char in enumerate(line):
            if char == '"':
                in_quotes = not in_quotes
            elif char == "#" and not in_quotes and (pos == 0 or line[pos - 1].isspace()):
                return line[:pos]
        return line
    match = _COMMENT.search(line)
    return line[: match.start()] if match else line


def _int(token: str, line: int, what: str) -> int:
    try:
        return int(token)
    except ValueError:
        raise BallotFileError(f"{what} {token!r} is not a whole number", line) from None


def parse_blt(text: str) -> BallotSet:
    """Parse the text of a BLT file into weighted unique rankings."""
    lines = text.splitlines()
    n = len(lines)
    pos = 0
    while pos < n and not _strip_comment(lines[pos]).strip():
        pos += 1
    if pos == n:
        raise BallotFileError("the file is empty", 1)
    header = _strip_comment(lines[pos]).split()
    if len(header) != 2:
        raise BallotFileError(
            f"the first line must be 'candidates seats', found {lines[pos].strip()!r}", pos + 1
        )
    ncand = _int(header[0], pos + 1, "the number of candidates")
    seats = _int(header[1], pos + 1, "the number of seats")
    if ncand < 1:
        raise BallotFileError("the number of candidates must be at least 1", pos + 1)
    if not 1 <= seats <= ncand:
        raise BallotFileError(f"{seats} seats for {ncand} candidates", pos + 1)
    pos += 1
    withdrawn: set[int] = set()
    while pos < n and not _strip_comment(lines[pos]).strip():
        pos += 1
    if pos < n:
        tokens = _strip_comment(lines[pos]).split()
        if tokens and all(t.startswith("-") and t[1:].isdigit() for t in tokens):
            for token in tokens:
                number = -int(token)
                if not 1 <= number <= ncand:
                    raise BallotFileError(f"withdrawn candidate {token} does not exist", pos + 1)
                withdrawn.add(number - 1)
            pos += 1
    start = pos
    end = _find_end(lines, start)
    ballots = BallotSet(candidates=[], seats=seats, withdrawn=frozenset(withdrawn))
    rankings = ballots.rankings
    for raw, count in Counter(islice(lines, start, end)).items():
        parsed = _parse_ballot(raw, ncand)
        if isinstance(parsed, str):
            raise BallotFileError(parsed, lines.index(raw, start) + 1)
        if parsed is None:
            continue
        ranking, weight = parsed
        rankings[ranking] = rankings.get(ranking, 0) + weight * count
    names = _read_names(lines, end + 1)
    if len(names) < ncand:
        last = names[-1][1] if names else end + 1
        raise BallotFileError(
            f"the header announces {ncand} candidates but {len(names)} names follow the ballots",
            last,
        )
    if len(names) > ncand + 1:
        raise BallotFileError("unexpected text after the title", names[ncand + 1][1])
    ballots.candidates = [name for name, _ in names[:ncand]]
    ballots.title = names[ncand][0] if len(names) > ncand else ""
    if len(set(ballots.candidates)) != ncand:
        seen: set[str] = set()
        for name, line in names[:ncand]:
            if name in seen:
                raise BallotFileError(f"candidate name {name!r} appears twice", line)
            seen.add(name)
    return ballots


def _find_end(lines: list[str], start: int) -> int:
    """The index of the `0` line that ends the ballots."""
    try:
        end = lines.index("0", start)
    except ValueError:
        end = len(lines)
    # A terminator written differently (' 0', '0 # end') may come before the first bare '0'.
    for raw in set(islice(lines, start, end)):
        if _strip_comment(raw).split() == ["0"]:
            end = lines.index(raw, start)
            break
    else:
        if end == len(lines):
            raise BallotFileError("no line '0' ends the ballots", len(lines))
        return end
    for index in range(start, end + 1):
        if _strip_comment(lines[index]).split() == ["0"]:
            return index
    return end  # pragma: no cover - the loop always finds it


def _parse_ballot(raw: str, ncand: int) -> tuple[Ranking, int] | str | None:
    """One ballot line as (ranking, weight); None for a blank line; a message when wrong."""
    tokens = _strip_comment(raw).split()
    if not tokens:
        return None
    if tokens[-1] != "0":
        return "a ballot line must end with 0"
    if tokens[0].startswith("("):
        return "ballot identifiers in parentheses are not supported"
    try:
        weight = int(tokens[0])
    except ValueError:
        return f"the weight {tokens[0]!r} is not a whole number"
    if weight < 0:
        return f"the weight {weight} is negative"
    if len(tokens) == 1:
        return "a ballot line needs a weight, its preferences and a final 0"
    levels: list[Level] = []
    seen: set[int] = set()
    for token in tokens[1:-1]:
        if token == "-":
            continue
        try:
            level = tuple(int(part) - 1 for part in token.split("="))
        except ValueError:
            return f"the preference {token!r} is not a candidate number"
        for candidate in level:
            if not 0 <= candidate < ncand:
                if candidate == -1:
                    return "0 inside a ballot line (it may only end the line)"
                return f"candidate {candidate + 1} does not exist (there are {ncand})"
            if candidate in seen:
                return f"candidate {candidate + 1} is ranked twice"
            seen.add(candidate)
        levels.append(level)
    return tuple(levels), weight


def _read_names(lines: list[str], start: int) -> list[tuple[str, int]]:
    """The names and title after the ballots, each with its line number."""
    names: list[tuple[str, int]] = []
    for index in range(start, len(lines)):
        line = _strip_comment(lines[index]).strip()
        if not line:
            continue
        if not line.startswith('"'):
            names.append((line, index + 1))
            continue
        rest = line
        while rest:
            match = _QUOTED.match(rest)
            if not match:
                raise BallotFileError(f"cannot read the quoted name in {line!r}", index + 1)
            names.append((match.group(1).replace('""', '"'), index + 1))
            rest = rest[match.end() :].strip()
    return names


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _level_text(level: Level) -> str:
    return "=".join(str(c + 1) for c in level)


def write_blt(ballots: BallotSet, seats: int | None = None) -> str:
    """The BLT text for `ballots` (names and title quoted, inner quotes doubled)."""
    seat_count = seats if seats is not None else ballots.seats
    if seat_count is None:
        raise ValueError("BLT needs the number of seats")
    out = [f"{len(ballots.candidates)} {seat_count}"]
    if ballots.withdrawn:
        out.append(" ".join(f"-{c + 1}" for c in sorted(ballots.withdrawn)))
    for ranking, weight in ballots.rankings.items():
        if any(not level for level in ranking):
            raise ValueError("BLT cannot hold an overvote of unknown candidates")
        prefs = " ".join(_level_text(level) for level in ranking)
        out.append(f"{weight} {prefs} 0" if prefs else f"{weight} 0")
    out.append("0")
    out.extend(_quote(name) for name in ballots.candidates)
    out.append(_quote(ballots.title))
    return "\n".join(out) + "\n"
