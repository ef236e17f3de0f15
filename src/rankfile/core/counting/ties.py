"""Breaking ties: by the most recent earlier round at which the tied candidates differed, then
by lot with a seed the caller gives and the result records. There is never a silent choice: a
tie that needs a lot when no seed was given stops the count with `TieNeedsLot`."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any


class TieNeedsLot(Exception):
    """A tie that only a lot can break, and no seed was given."""


class TieBreaker:
    """Breaks ties for one count; all lots come from one seeded generator, in order."""

    def __init__(self, names: Sequence[str], seed: int | None) -> None:
        self.names = names
        self.seed = seed
        self._random = random.Random(seed) if seed is not None else None
        self.lots: list[str] = []

    def pick(
        self,
        tied: Sequence[int],
        history: Sequence[Mapping[int, Any]],
        lowest: bool,
        what: str,
    ) -> tuple[int, str]:
        """Choose one of `tied` (the lowest when `lowest`, else the highest).

        `history` is the tallies of the earlier rounds, oldest first (not the round in which
        the tie happened). Returns the candidate and a sentence saying how the tie was broken.
        """
        group = sorted(tied)
        for index in range(len(history) - 1, -1, -1):
            tallies = history[index]
            values = {c: tallies.get(c, 0) for c in group}
            if len(set(values.values())) == 1:
                continue
            extreme = min(values.values()) if lowest else max(values.values())
            group = [c for c in group if values[c] == extreme]
            if len(group) == 1:
                return group[0], (
                    f"tie for {what} broken at round {index + 1}, the most recent earlier "
                    "round at which the tied candidates differed"
                )
        names = ", ".join(self.names[c] for c in group)
        if self._random is None:
            raise TieNeedsLot(
                f"{names} are tied for {what} at every round; the tie must be broken by lot: "
                "give a seed"
            )
        chosen = self._random.choice(group)
        text = f"tie for {what} between {names} broken by lot (seed {self.seed})"
        self.lots.append(text)
        return chosen, text

    def order(
        self,
        candidates: Sequence[int],
        tallies: Mapping[int, Fraction | int],
        history: Sequence[Mapping[int, Any]],
        what: str,
        lot: bool = True,
    ) -> list[tuple[int, str | None]]:
        """`candidates` from the highest tally down, ties broken; with the tie reason if any.

        With `lot=False` (an order that decides nothing, such as candidates all elected
        together) a tie left after the earlier rounds keeps the ballot-file order instead.
        """
        remaining = list(candidates)
        ordered: list[tuple[int, str | None]] = []
        while remaining:
            top = max(tallies[c] for c in remaining)
            tied = [c for c in remaining if tallies[c] == top]
            if len(tied) == 1:
                chosen, reason = tied[0], None
            elif not lot and all(len({h.get(c, 0) for c in tied}) == 1 for h in history):
                chosen, reason = min(tied), "equal votes at every round: listed in ballot order"
            else:
                chosen, reason = self.pick(tied, history, lowest=False, what=what)
            ordered.append((chosen, reason))
            remaining.remove(chosen)
        return ordered
