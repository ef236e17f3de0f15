"""Tie-breaks: how the rules settle seats that the method itself cannot give.

A tie is never broken silently. Without a stated tie-break, a tie raises `TieError`, which
names the tied units; with one, the result records the tie, the rule and the winners.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from rankfile.core.apportionment.result import ApportionmentError, Tie

LOT = "lot"
INPUT_ORDER = "input-order"
LARGER_COUNT = "larger-count"
TIE_BREAK_RULES = (LOT, INPUT_ORDER, LARGER_COUNT)


class TieError(ApportionmentError):
    """A tie with no tie-break to settle it; `tie` names the units and the seats at stake."""

    def __init__(self, tie: Tie) -> None:
        self.tie = tie
        super().__init__(
            f"{tie.message}. The rules must say how to settle it: draw lots with a "
            "recorded seed, or name a rule (input order, larger count)."
        )


@dataclass(frozen=True)
class TieBreak:
    """A stated tie-break.

    - `lot`: a draw by lot, reproducible from its recorded seed (Python's
      `random.Random(seed).sample` over the tied units in input order);
    - `input-order`: units listed earlier win (list them by the order the rules give, for
      instance by charter date);
    - `larger-count`: the unit with more members wins, then the one listed earlier.
    """

    rule: str
    seed: int | None = None

    def __post_init__(self) -> None:
        if self.rule not in TIE_BREAK_RULES:
            raise ApportionmentError(
                f"unknown tie-break {self.rule!r}; known: {', '.join(TIE_BREAK_RULES)}"
            )
        if self.rule == LOT and self.seed is None:
            raise ApportionmentError("a tie-break by lot needs a seed, so anyone can redo it")

    @classmethod
    def lot(cls, seed: int) -> TieBreak:
        return cls(LOT, seed)

    @classmethod
    def input_order(cls) -> TieBreak:
        return cls(INPUT_ORDER)

    @classmethod
    def larger_count(cls) -> TieBreak:
        return cls(LARGER_COUNT)

    def describe(self) -> str:
        if self.rule == LOT:
            return f"lot (seed {self.seed})"
        if self.rule == INPUT_ORDER:
            return "input order (units listed first win)"
        return "larger count (then input order)"

    def choose(self, tied: Sequence[int], seats: int, counts: Sequence[int]) -> list[int]:
        """Pick `seats` of the `tied` unit indices (given in input order)."""
        ordered = sorted(tied)
        if self.rule == LOT:
            return sorted(random.Random(self.seed).sample(ordered, seats))
        if self.rule == LARGER_COUNT:
            ordered.sort(key=lambda index: (-counts[index], index))
        return sorted(ordered[:seats])


def settle(
    tied: Sequence[int],
    seats: int,
    names: Sequence[str],
    counts: Sequence[int],
    tie_break: TieBreak | None,
) -> tuple[list[int], Tie]:
    """Settle a tie of `seats` seats among `tied` unit indices; raise TieError without a rule."""
    ordered = sorted(tied)
    units = tuple(names[index] for index in ordered)
    if tie_break is None:
        raise TieError(Tie(units=units, seats=seats, rule="none"))
    winners = tie_break.choose(ordered, seats, counts)
    tie = Tie(
        units=units,
        seats=seats,
        rule=tie_break.describe(),
        winners=tuple(names[index] for index in winners),
        seed=tie_break.seed,
    )
    return winners, tie
