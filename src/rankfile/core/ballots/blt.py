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
    with open(path, "rb") as handle:
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


def _text(raw: bytes, line: int) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BallotFileError("the line is not UTF-8 text", line) from None


def parse_blt(data: str | bytes) -> BallotSet:
    """Parse the contents of a BLT file into weighted unique rankings."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if b"\r" in data:
        data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    lines = data.split(b"\n")
    if lines and not lines[-1]:
        lines.pop()
    n = len(lines)
    pos = 0
    while pos < n and not _strip_comment(_text(lines[pos], pos + 1)).strip():
        pos += 1
    if pos == n:
        raise BallotFileError("the file is empty", 1)
    header_text = _text(lines[pos], pos + 1)
    header = _strip_comment(header_text).split()
    if len(header) != 2:
        raise BallotFileError(
            f"the first line must be 'candidates seats', found {header_text.strip()!r}", pos + 1
        )
    ncand = _int(header[0], pos + 1, "the number of candidates")
    seats = _int(header[1], pos + 1, "the number of seats")
    if ncand < 1:
        raise BallotFileError("the number of candidates must be at least 1", pos + 1)
    if not 1 <= seats <= ncand:
        raise BallotFileError(f"{seats} seats for {ncand} candidates", pos + 1)
    pos += 1
    withdrawn: set[int] = set()
    while pos < n and not _strip_comment(_text(lines[pos], pos + 1)).strip():
        pos += 1
    if pos < n:
        tokens = _strip_comment(_text(lines[pos], pos + 1)).split()
        if tokens and all(t.startswith("-") and t[1:].isdigit() for t in tokens):
            for token in tokens:
                number = -int(token)
                if not 1 <= number <= ncand:
                    raise BallotFileError(f"withdrawn candidate {token} does not exist", pos + 1)
                withdrawn.add(number - 1)
            pos += 1
    start = pos
    ballots = BallotSet(candidates=[], seats=seats, withdrawn=frozenset(withdrawn))
    try:
        end = lines.index(b"0", start)
    except ValueError:
        end = n
    ended, errors = _read_ballots(Counter(islice(lines, start, end)), ncand, ballots)
    if ended:
        # The ballots end at a '0' line written differently (' 0', '0 # end'): find it.
        end = _find_end(lines, start)
        ballots = BallotSet(candidates=[], seats=seats, withdrawn=frozenset(withdrawn))
        ended, errors = _read_ballots(Counter(islice(lines, start, end)), ncand, ballots)
    if errors:
        # Report the first bad line in the file.
        line, message = min((lines.index(raw, start), message) for raw, message in errors)
        raise BallotFileError(message, line + 1)
    if end == n:
        raise BallotFileError("no line '0' ends the ballots", n)
    names = _read_names([(_text(lines[i], i + 1), i + 1) for i in range(end + 1, n)])
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


def _read_ballots(
    counted: Counter[bytes], ncand: int, ballots: BallotSet
) -> tuple[bool, list[tuple[bytes, str]]]:
    """Parse each distinct ballot line once into `ballots`.

    Returns whether a line reading `0` in another form ended the ballots early, and the bad
    lines with what is wrong with each.
    """
    if _read_plain_ballots(counted, ncand, ballots):
        return False, []
    orders = ballots.orders
    less_one = (-1).__add__
    slow: list[bytes] = []
    for raw, count in counted.items():
        try:
            numbers = tuple(map(int, raw.split()))
        except ValueError:
            slow.append(raw)
            continue
        if len(numbers) < 2 or numbers[-1] or numbers[0] < 0:
            slow.append(raw)
            continue
        order = tuple(map(less_one, numbers[1:-1]))
        if order and (min(order) < 0 or max(order) >= ncand or len(set(order)) != len(order)):
            slow.append(raw)
            continue
        orders[order] = orders.get(order, 0) + numbers[0] * count
    errors: list[tuple[bytes, str]] = []
    for raw in slow:
        line = _strip_comment(raw.decode("utf-8", errors="replace"))
        if line.split() == ["0"]:
            return True, []
        parsed = _parse_ballot(line, ncand)
        if isinstance(parsed, str):
            errors.append((raw, parsed))
        elif parsed is not None:
            ranking, weight = parsed
            ballots.add(ranking, weight * counted[raw])
    return False, errors


def _read_plain_ballots(counted: Counter[bytes], ncand: int, ballots: BallotSet) -> bool:
    """The fast path: every line `weight pref ... 0` with valid, distinct candidate numbers.

    Works in whole-list operations (comprehensions and C-level `map`); returns False, having
    added nothing, as soon as anything is unusual, and the careful path takes over.
    """
    if ncand >= 255:
        return False  # rankings are packed one byte per candidate
    number = {str(c + 1).encode(): c for c in range(ncand)}.__getitem__
    try:
        tokens = [raw.split() for raw in counted]
        if [t[-1] for t in tokens].count(b"0") != len(tokens):
            return False
        orders = [bytes(map(number, t[1:-1])) for t in tokens]
        weights = [int(t[0]) * count for t, count in zip(tokens, counted.values(), strict=True)]
    except (KeyError, ValueError, IndexError):
        return False
    if weights and min(weights) < 0:
        return False
    if sum(map(len, orders)) != sum(map(len, map(set, orders))):
        return False  # a candidate ranked twice
    merged = dict(zip(orders, weights, strict=True))
    if len(merged) != len(orders):
        merged = {}
        for order, weight in zip(orders, weights, strict=True):
            merged[order] = merged.get(order, 0) + weight
    ballots.set_packed_orders(merged)
    return True


def _find_end(lines: list[bytes], start: int) -> int:
    """The index of the first line that reads `0` (the end of the ballots)."""
    for index in range(start, len(lines)):
        if _strip_comment(lines[index].decode("utf-8", errors="replace")).split() == ["0"]:
            return index
    return len(lines)


def _parse_ballot(line: str, ncand: int) -> tuple[Ranking, int] | str | None:
    """One ballot line as (ranking, weight); None for a blank line; a message when wrong."""
    tokens = line.split()
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


def _read_names(lines: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """The names and title after the ballots, each with its line number."""
    names: list[tuple[str, int]] = []
    for text, number in lines:
        index = number - 1
        line = _strip_comment(text).strip()
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
