"""The BLT ballot file (Hill, Wichmann and Woodall, 1987) and the variants found in real files.

Layout: a line `candidates seats`; optionally a line of withdrawn candidates as negative
numbers; one line per ballot or group of identical ballots, `weight pref pref ... 0`; a line
`0`; the candidate names, one per line; the title.

Read as well: names and title unquoted (one per line), quoted, or quoted with doubled quotes
inside (`"Jo ""JJ"" Smith"`); several quoted names on one line; no final newline; `#` comments
(at the start of a line or after white space, outside quotes); blank lines; equal rankings
`1=2` (kept as one level: the counting rule accepts or refuses them); `-` for a skipped rank;
a candidate repeated on a ballot (counted at their first place only, as by every reader).
Refused with the line named: anything else, among it negative weights and numbers written
other than in plain digits (`1_0`, `+1`).

Speed: a file of a million one-ballot lines usually has far fewer distinct lines, so identical
raw lines are counted first (in C, by `collections.Counter`) and each distinct line is parsed
once.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
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


_WHOLE = re.compile(r"[0-9]+")


def _int(token: str, line: int, what: str) -> int:
    """A whole number written in ASCII digits (Python's int also takes `1_0`, `+1`, `١`)."""
    text = token[1:] if token.startswith("-") else token
    if not _WHOLE.fullmatch(text):
        raise BallotFileError(f"{what} {token!r} is not a whole number", line)
    return int(token)


def _text(raw: bytes, line: int) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BallotFileError("the line is not UTF-8 text", line) from None


def _blank(raw: bytes, line: int) -> bool:
    return not _strip_comment(_text(raw, line)).strip()


# Identical ballot lines are counted a block of this many bytes at a time, so that the lines of
# a large file never exist as Python objects all at once.
_BLOCK = 1 << 18


def parse_blt(data: str | bytes) -> BallotSet:
    """Parse the contents of a BLT file into weighted unique rankings."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if b"\r" in data:
        data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    if not data.endswith(b"\n"):
        data += b"\n"
    size = len(data)
    pos, number = 0, 1  # the offset and number of the next line
    # The header and the withdrawn candidates: the first lines that are not blank.
    while pos < size:
        cut = data.index(b"\n", pos)
        if not _blank(data[pos:cut], number):
            break
        pos, number = cut + 1, number + 1
    if pos >= size:
        raise BallotFileError("the file is empty", 1)
    cut = data.index(b"\n", pos)
    header_text = _text(data[pos:cut], number)
    header = _strip_comment(header_text).split()
    if len(header) != 2:
        raise BallotFileError(
            f"the first line must be 'candidates seats', found {header_text.strip()!r}", number
        )
    ncand = _int(header[0], number, "the number of candidates")
    seats = _int(header[1], number, "the number of seats")
    if ncand < 1:
        raise BallotFileError("the number of candidates must be at least 1", number)
    if not 1 <= seats <= ncand:
        raise BallotFileError(f"{seats} seats for {ncand} candidates", number)
    pos, number = cut + 1, number + 1
    withdrawn: set[int] = set()
    while pos < size:
        cut = data.index(b"\n", pos)
        if not _blank(data[pos:cut], number):
            break
        pos, number = cut + 1, number + 1
    if pos < size:
        cut = data.index(b"\n", pos)
        tokens = _strip_comment(_text(data[pos:cut], number)).split()
        if tokens and all(t.startswith("-") and t[1:].isdigit() for t in tokens):
            for token in tokens:
                candidate = -int(token)
                if not 1 <= candidate <= ncand:
                    raise BallotFileError(f"withdrawn candidate {token} does not exist", number)
                withdrawn.add(candidate - 1)
            pos, number = cut + 1, number + 1
    start, first_ballot_line = pos, number
    # The ballots end at the first line `0`; the exact line is found in C, any other spelling
    # of it (' 0', '0 # end') by the careful reading of the lines that are not plain ballots.
    if data.startswith(b"0\n", start):
        end = start
    else:
        found = data.find(b"\n0\n", start - 1)
        end = found + 1 if found >= 0 else size
    ballots = BallotSet(candidates=[], seats=seats, withdrawn=frozenset(withdrawn))
    ends, errors = _read_ballots(_count_lines(data, start, end), ncand, ballots)
    if ends:
        # The ballots end at a '0' line written differently: read them again up to it.
        end = min(_offset_of(data, start, raw) for raw in ends)
        ballots = BallotSet(candidates=[], seats=seats, withdrawn=frozenset(withdrawn))
        _, errors = _read_ballots(_count_lines(data, start, end), ncand, ballots)
    if end >= size:
        # No end marker: the names were read as ballot lines. Say so at the first line that is
        # not a ballot (the first name, as a rule), not that this line is a bad ballot.
        if errors:
            offset = min(_offset_of(data, start, raw) for raw, _ in errors)
            raise BallotFileError(
                "this is not a ballot line, and no line '0' ends the ballots before it: "
                "the end marker '0' is missing",
                _line_number(data, offset, start, first_ballot_line),
            )
        raise BallotFileError(
            "no line '0' ends the ballots: the end marker is missing",
            _line_number(data, size - 1, start, first_ballot_line),
        )
    if errors:
        # Report the first bad line in the file.
        offset, message = min((_offset_of(data, start, raw), message) for raw, message in errors)
        raise BallotFileError(message, _line_number(data, offset, start, first_ballot_line))
    end_line = _line_number(data, end, start, first_ballot_line)
    tail = data[data.index(b"\n", end) + 1 :].split(b"\n")
    if tail and not tail[-1]:
        tail.pop()
    names = _read_names(
        [(_text(raw, end_line + 1 + i), end_line + 1 + i) for i, raw in enumerate(tail)]
    )
    if len(names) < ncand:
        last = names[-1][1] if names else end_line
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


def _count_lines(data: bytes, start: int, end: int) -> Counter[bytes]:
    """How many times each distinct line occurs in data[start:end] (lines end with \\n)."""
    counted: Counter[bytes] = Counter()
    pos = start
    while pos < end:
        cut = data.find(b"\n", min(pos + _BLOCK, end - 1))
        if cut < 0 or cut >= end:
            cut = end - 1
        counted.update(data[pos:cut].split(b"\n"))
        pos = cut + 1
    return counted


def _offset_of(data: bytes, start: int, raw: bytes) -> int:
    """The offset of the first line reading exactly `raw` at or after `start`."""
    if data.startswith(raw + b"\n", start):
        return start
    return data.index(b"\n" + raw + b"\n", start - 1) + 1


def _line_number(data: bytes, offset: int, start: int, start_line: int) -> int:
    """The number of the line at `offset`, knowing that the line at `start` is `start_line`."""
    return start_line + data.count(b"\n", start, offset)


def _read_ballots(
    counted: Counter[bytes], ncand: int, ballots: BallotSet
) -> tuple[list[bytes], list[tuple[bytes, str]]]:
    """Parse each distinct ballot line once into `ballots`.

    Returns the lines that read `0` in another form (the first of them ends the ballots
    early), and the bad lines with what is wrong with each.
    """
    lines = list(counted)
    counts = list(counted.values())
    counted.clear()  # the lines live on in `lines`, which is emptied as they are read
    rest: list[tuple[bytes, int]] = []
    if ncand < _SEPARATOR:
        packer = _Packer(ncand)
        plain: Callable[[bytes], object] | None = None
        all_orders: list[bytes] = []
        all_weights: list[int] = []
        while lines:
            chunk, chunk_counts = lines[-_CHUNK_LINES:], counts[-_CHUNK_LINES:]
            del lines[-_CHUNK_LINES:], counts[-_CHUNK_LINES:]
            packed = packer.pack(chunk, chunk_counts)
            if packed is None:
                # Something is unusual in this chunk: its plain lines are still read in bulk,
                # the others one by one.
                plain = plain or _plain_line(ncand)
                good = [i for i, raw in enumerate(chunk) if plain(raw)]
                if len(good) < len(chunk):
                    is_good = set(good)
                    rest.extend(
                        (raw, chunk_counts[i]) for i, raw in enumerate(chunk) if i not in is_good
                    )
                    chunk = [chunk[i] for i in good]
                    chunk_counts = [chunk_counts[i] for i in good]
                packed = packer.pack(chunk, chunk_counts) if chunk else ([], [])
                if packed is None:  # cannot happen when the pattern is right: read carefully
                    rest.extend(zip(chunk, chunk_counts, strict=True))
                    continue
            all_orders += packed[0]
            all_weights += packed[1]
        merged = dict(zip(all_orders, all_weights, strict=True))
        if len(merged) != len(all_orders):
            # Lines written differently (weights, spaces) with the same ranking: add them up.
            merged = {}
            for order, weight in zip(all_orders, all_weights, strict=True):
                merged[order] = merged.get(order, 0) + weight
        del all_orders, all_weights
        ballots.set_packed_orders(merged)
    else:
        rest = list(zip(lines, counts, strict=True))
    errors: list[tuple[bytes, str]] = []
    ends: list[bytes] = []
    for raw, count in rest:
        line = _strip_comment(raw.decode("utf-8", errors="replace"))
        if line.split() == ["0"]:
            ends.append(raw)
            continue
        parsed = _parse_ballot(line, ncand)
        if isinstance(parsed, str):
            errors.append((raw, parsed))
        elif parsed is not None:
            ranking, weight = parsed
            ballots.add(ranking, weight * count)
    return ends, errors


def _plain_line(ncand: int) -> Callable[[bytes], object]:
    """A test for a plain ballot line: `weight pref ... 0`, single spaces, valid candidates."""
    numbers = b"|".join(str(c).encode() for c in range(ncand, 0, -1))
    return re.compile(rb"[0-9]+(?: (?:" + numbers + rb"))* 0").fullmatch


# The fast path packs a ranking one byte per candidate (fewer than 254 candidates): a byte
# marks the end of each line's tokens, another the end of a line (its final 0).
_SEPARATOR, _END = 0xFE, 0xFF
_CHUNK_LINES = 1 << 15


class _Packer:
    """Packs plain ballot lines `weight pref ... 0` into rankings, a chunk of lines at once.

    The chunk is joined into one text, split into tokens and each token looked up in a
    dictionary by a C-level `map`: a line costs a few C operations, no Python loop.
    """

    def __init__(self, ncand: int) -> None:
        self.table = {str(c + 1).encode(): bytes((c,)) for c in range(ncand)}
        # For lines of weight 1: a line's last preference, with a ';' that ends its ranking.
        self.last = dict(self.table)
        self.last.update({f"{c + 1};".encode(): bytes((c, _SEPARATOR)) for c in range(ncand)})
        self.table[b";"] = bytes((_SEPARATOR,))
        self.table[b"0"] = bytes((_END,))

    def pack(self, lines: list[bytes], counts: list[int]) -> tuple[list[bytes], list[int]] | None:
        """The packed rankings and weights of plain `lines`, or None if any is not plain."""
        n = len(lines)
        blob = b"\n" + b"\n".join(lines) + b"\n"
        if blob.count(b"\n1 ") == n and blob.count(b" 0\n") == n and b"\n1 0\n" not in blob:
            orders = self._pack_weight_one(blob, n)
            return None if orders is None else (orders, counts)
        heads = [line.partition(b" ") for line in lines]
        weight_tokens = [head[0] for head in heads]
        if not all(map(bytes.isdigit, weight_tokens)):
            return None  # '1_0', '+1', '-1': Python's int would take them
        weights = [int(w) * c for w, c in zip(weight_tokens, counts, strict=True)]
        blob = b"\n".join([head[2] for head in heads])
        try:
            packed = b"".join(map(self.table.__getitem__, blob.replace(b"\n", b" ; ").split()))
        except KeyError:
            return None  # a number that is no candidate's, a comment, '1=2', ...
        end, separator = bytes((_END,)), bytes((_SEPARATOR,))
        if (
            packed.count(end) != n
            or packed.count(end + separator) != n - 1
            or not packed.endswith(end)
        ):
            return None  # a line that does not end with its only 0
        return [part[:-1] for part in packed.split(separator)], weights

    def _pack_weight_one(self, blob: bytes, n: int) -> list[bytes] | None:
        """Lines `1 pref ... 0` with at least one preference (the usual case), each starting
        and ending with a newline in `blob`: the weights and the final 0s go in two passes
        over the text, and only the preferences are looked up."""
        body = blob.replace(b"\n1 ", b"\n").replace(b" 0\n", b";\n")
        try:
            packed = b"".join(map(self.last.__getitem__, body.split()))
        except KeyError:
            return None  # a number that is no candidate's, a comment, '1=2', a 0 inside...
        separator = bytes((_SEPARATOR,))
        if packed.count(separator) != n:
            return None
        orders = packed.split(separator)
        orders.pop()  # after the last separator
        return orders


def _parse_ballot(line: str, ncand: int) -> tuple[Ranking, int] | str | None:
    """One ballot line as (ranking, weight); None for a blank line; a message when wrong."""
    tokens = line.split()
    if not tokens:
        return None
    if tokens[-1] != "0":
        return "a ballot line must end with 0"
    if tokens[0].startswith("("):
        return "ballot identifiers in parentheses are not supported"
    if tokens[0].startswith("-") and _WHOLE.fullmatch(tokens[0][1:]):
        return f"the weight {tokens[0]} is negative"
    if not _WHOLE.fullmatch(tokens[0]):
        return f"the weight {tokens[0]!r} is not a whole number"
    weight = int(tokens[0])
    if len(tokens) == 1:
        return "a ballot line needs a weight, its preferences and a final 0"
    levels: list[Level] = []
    for token in tokens[1:-1]:
        if token == "-":
            continue
        parts = token.split("=")
        if not all(_WHOLE.fullmatch(part) for part in parts):
            return f"the preference {token!r} is not a candidate number"
        level = tuple(int(part) - 1 for part in parts)
        for candidate in level:
            if not 0 <= candidate < ncand:
                if candidate == -1:
                    return "0 inside a ballot line (it may only end the line)"
                return f"candidate {candidate + 1} does not exist (there are {ncand})"
        # A candidate repeated counts at their first place only (BallotSet.add drops repeats).
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
