"""Ratio formulas, as organizations' rules write them: each unit's seats from its own count.

- "one delegate per N members, rounded to nearest / up / down, at least M":
  RatioFormula(per=75, rounding="nearest", at_least=1) gives 270 → 4, 400 → 5, 10 → 1;
- "one per started N members": RatioFormula(per=N, rounding="up") gives ⌈m/N⌉;
- "one for the first F members, then one per further N or part thereof, at most K":
  RatioFormula(first=749, per=250, rounding="up", at_most=6) gives 749 → 1, 750 → 2,
  999 → 2, 1000 → 3.

A unit without members gets no seats unless `at_least` says otherwise. The total is whatever
the formula gives: it is not fixed in advance.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from rankfile.core.apportionment.result import (
    Apportionment,
    ApportionmentError,
    Tie,
    UnitSeats,
    fraction_text,
)
from rankfile.core.apportionment.shares import check_units

NEAREST = "nearest"
UP = "up"
DOWN = "down"
ROUNDINGS = (NEAREST, UP, DOWN)


@dataclass(frozen=True)
class RatioFormula:
    """One seat per `per` members (after the first `first`, if given), rounded, bounded."""

    per: int
    rounding: str = NEAREST
    first: int | None = None
    at_least: int = 0
    at_most: int | None = None

    def __post_init__(self) -> None:
        if isinstance(self.per, bool) or not isinstance(self.per, int) or self.per < 1:
            raise ApportionmentError(f"one seat per N members needs N ≥ 1, not {self.per!r}")
        if self.rounding not in ROUNDINGS:
            raise ApportionmentError(
                f"unknown rounding {self.rounding!r}; known: {', '.join(ROUNDINGS)}"
            )
        if self.first is not None and self.first < 1:
            raise ApportionmentError(
                f"the first seat needs a number of members ≥ 1, not {self.first}"
            )
        if self.at_least < 0:
            raise ApportionmentError(f"'at least' cannot be negative: {self.at_least}")
        if self.at_most is not None and self.at_most < self.at_least:
            raise ApportionmentError(
                f"'at most' ({self.at_most}) is below 'at least' ({self.at_least})"
            )

    def describe(self) -> str:
        rounding = {
            NEAREST: "rounded to nearest (halves up)",
            UP: "rounded up (or part thereof)",
            DOWN: "rounded down (full groups only)",
        }[self.rounding]
        if self.first is None:
            text = f"one per {self.per} members, {rounding}"
        else:
            text = (
                f"one for the first {self.first} members, then one per further {self.per}, "
                f"{rounding}"
            )
        if self.at_least:
            text += f", at least {self.at_least}"
        if self.at_most is not None:
            text += f", at most {self.at_most}"
        return text

    def entitlement(self, count: int) -> Fraction:
        """The unrounded number of seats the formula gives for `count` members."""
        if self.first is None:
            return Fraction(count, self.per)
        if count == 0:
            return Fraction(0)
        if count <= self.first:
            return Fraction(1)
        return 1 + Fraction(count - self.first, self.per)

    def seats_for(self, count: int) -> tuple[int, bool]:
        """Seats for `count` members, and whether the rounding landed exactly on a half."""
        share = self.entitlement(count)
        whole, rest = divmod(share.numerator, share.denominator)
        half = self.rounding == NEAREST and 2 * rest == share.denominator
        if rest and (
            self.rounding == UP or (self.rounding == NEAREST and 2 * rest >= share.denominator)
        ):
            whole += 1
        seats = max(whole, self.at_least)
        if self.at_most is not None:
            seats = min(seats, self.at_most)
        return seats, half and seats == whole

    def parameters(self) -> dict[str, object]:
        return {
            "per": self.per,
            "rounding": self.rounding,
            "first": self.first,
            "at_least": self.at_least,
            "at_most": self.at_most,
        }


def apportion_by_formula(units: Sequence[tuple[str, int]], formula: RatioFormula) -> Apportionment:
    """Seats for each (name, count) unit by a ratio formula; halves are named, not hidden."""
    names, counts = check_units(units)
    results = []
    ties = []
    for name, count in zip(names, counts, strict=True):
        seats, half = formula.seats_for(count)
        quota = formula.entitlement(count)
        results.append(UnitSeats(name=name, count=count, seats=seats, quota=quota))
        if half:
            ties.append(
                Tie(
                    units=(name,),
                    seats=seats,
                    rule=f"{fraction_text(quota)} rounded up to {seats} (the formula rounds halves up)",
                    winners=(name,),
                    kind="rounding",
                )
            )
    return Apportionment(
        method="ratio",
        description=formula.describe(),
        seats=sum(unit.seats for unit in results),
        units=tuple(results),
        ties=tuple(ties),
        parameters={"formula": formula.parameters()},
    )
