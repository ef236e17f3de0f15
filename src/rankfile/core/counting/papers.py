"""Papers grouped by shared ranking prefixes, so a transfer costs per group, not per ballot.

The distinct rankings are sorted once; all rankings that begin with the same preferences are
then a contiguous slice `[lo, hi)`, and the papers of a slice whose next `depth` preferences
are used up move together. Moving a group to its next usable preference splits the slice by
the preference at position `depth` (a binary search per branch), passing over candidates who
are no longer continuing. With a million ballots and 200,000 distinct rankings, a count moves
a few thousand groups instead of a million papers.
"""

from __future__ import annotations

from bisect import bisect_left
from itertools import accumulate
from typing import Any

Group = tuple[int, int, int]  # lo, hi, depth: the papers of keys[lo:hi], preferences used


# With fewer than 255 candidates a ranking is stored as `bytes` (one byte per preference, 255
# for an overvote): sorting and comparing them is a memory comparison, several times faster
# than comparing tuples of ints.
BYTE_STOP = 255


class RankingTree:
    """The distinct rankings, sorted, with running totals of their weights."""

    def __init__(
        self,
        orders: dict[tuple[int, ...], int] | None,
        candidates: int,
        packed: dict[bytes, int] | None = None,
    ) -> None:
        self.keys: list[Any]
        if packed is not None:
            self.stop = BYTE_STOP
            self.keys = sorted(packed)
            self.cumulative = [0, *accumulate(map(packed.__getitem__, self.keys))]
        elif orders is None:
            raise ValueError("no rankings")
        elif candidates < BYTE_STOP:
            self.stop = BYTE_STOP
            try:
                packed_keys = list(map(bytes, orders))
            except ValueError:  # an overvote marker (-1)
                packed_keys = list(map(_pack, orders))
            packed = dict(zip(packed_keys, orders.values(), strict=True))
            self.keys = sorted(packed)
            self.cumulative = [0, *accumulate(map(packed.__getitem__, self.keys))]
        else:
            self.stop = -1
            self.keys = sorted(orders)
            self.cumulative = [0, *accumulate(map(orders.__getitem__, self.keys))]

    def weight(self, lo: int, hi: int) -> int:
        """The number of papers in keys[lo:hi]."""
        return self.cumulative[hi] - self.cumulative[lo]

    def root(self) -> Group:
        """All the papers, no preference used."""
        return 0, len(self.keys), 0

    def next_usable(self, group: Group, usable: bytearray) -> tuple[list[tuple[int, Group]], int]:
        """Split `group` by each paper's next usable preference.

        Returns [(candidate, group)] for the candidates that are `usable`, and the number of
        papers with no usable preference left (exhausted). A negative candidate index (an
        overvote) ends a paper.
        """
        keys = self.keys
        stop = self.stop
        cumulative = self.cumulative
        # What follows a candidate at one position, to find where their rankings end.
        successor: Any = _BYTE_SUCCESSORS if stop == BYTE_STOP else _TupleSuccessors()
        found: list[tuple[int, Group]] = []
        exhausted = 0
        stack = [group]
        while stack:
            lo, hi, depth = stack.pop()
            if len(keys[lo]) == depth:  # the one ranking that stops here sorts first
                exhausted += cumulative[lo + 1] - cumulative[lo]
                lo += 1
            while lo < hi:
                key = keys[lo]
                candidate = key[depth]
                if lo + 1 == hi or keys[hi - 1][depth] == candidate:
                    nxt = hi
                else:
                    nxt = bisect_left(keys, key[:depth] + successor[candidate], lo, hi)
                if candidate == stop:
                    exhausted += cumulative[nxt] - cumulative[lo]
                elif usable[candidate]:
                    found.append((candidate, (lo, nxt, depth + 1)))
                else:
                    stack.append((lo, nxt, depth + 1))
                lo = nxt
        return found, exhausted


# bytes((c + 1,)) for each candidate c; 255 (an overvote) sorts last and needs none.
_BYTE_SUCCESSORS = [bytes((c + 1,)) for c in range(BYTE_STOP)] + [b""]


class _TupleSuccessors:
    def __getitem__(self, candidate: int) -> tuple[int]:
        return (candidate + 1,)


def _pack(order: tuple[int, ...]) -> bytes:
    return bytes(BYTE_STOP if c < 0 else c for c in order)
