"""Divisor methods: Jefferson/D'Hondt, Webster/Sainte-Laguë, Adams, Huntington–Hill.

Each unit gets its count divided by a common divisor, rounded by the method's rule; the
divisor is chosen so the seats add up. Equivalently, seats go one at a time to the unit with
the highest priority count / d(seats held), where d is the method's divisor sequence.

Speed: starting from nothing and handing out 100,000 seats one at a time is too slow in
Python, so the seats are first rounded at a good estimate of the divisor (every unit rounded
by the method at one divisor, so the allocation is one the method could reach) and then
corrected a seat at a time with a heap: usually a few dozen seats. Priorities are compared as
exact fractions by cross-multiplication (Huntington–Hill compares squares), never as floats.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from rankfile.core.apportionment.result import (
    ABOVE_UPPER_QUOTA,
    BELOW_LOWER_QUOTA,
    Notice,
    Tie,
    decimal_text,
)
from rankfile.core.apportionment.ties import TieBreak, settle

# A priority is num/den; den == 0 stands for an infinite priority (a first seat under
# Adams or Huntington–Hill, which every unit with members gets before any unit gets a second).
Priority = tuple[int, int]


@dataclass(frozen=True)
class DivisorRule:
    """A divisor method: its name, rounding rule and the priority of a unit's next seat."""

    key: str
    title: str

    def priority(self, count: int, held: int) -> Priority:
        """The priority of the seat after the `held` seats a unit of `count` members has."""
        if not count:
            return (0, 1)
        if self.key == "jefferson":  # d(k) = k + 1
            return (count, held + 1)
        if self.key == "webster":  # d(k) = k + 1/2, doubled to stay in integers
            return (2 * count, 2 * held + 1)
        if self.key == "adams":  # d(k) = k
            return (count, held)
        # Huntington–Hill: d(k) = √(k(k+1)); compare the squares.
        return (count * count, held * (held + 1))

    def rounded(self, count: int, p: int, q: int) -> int:
        """The seats of a unit at the divisor q/p: count × p/q rounded by the method."""
        if not count:
            return 0
        share = count * p
        if self.key == "jefferson":
            return share // q
        if self.key == "webster":
            return (2 * share + q) // (2 * q)
        if self.key == "adams":
            return -(-share // q)
        whole = share // q  # Huntington–Hill rounds up at the geometric mean √(k(k+1))
        return whole + 1 if share * share >= whole * (whole + 1) * q * q else whole


JEFFERSON = DivisorRule("jefferson", "Jefferson / D'Hondt (greatest divisors, rounding down)")
WEBSTER = DivisorRule("webster", "Webster / Sainte-Laguë (major fractions, rounding to nearest)")
ADAMS = DivisorRule("adams", "Adams (smallest divisors, rounding up)")
HUNTINGTON_HILL = DivisorRule(
    "huntington-hill", "Huntington–Hill (equal proportions, rounding at the geometric mean)"
)


def _higher(a: Priority, b: Priority) -> bool:
    return a[0] * b[1] > b[0] * a[1]


class _Next:
    """Heap entry: the unit whose next seat has the highest priority comes first."""

    __slots__ = ("num", "den", "index")

    def __init__(self, priority: Priority, index: int) -> None:
        self.num, self.den = priority
        self.index = index

    def __lt__(self, other: _Next) -> bool:
        left, right = self.num * other.den, other.num * self.den
        return left > right or (left == right and self.index < other.index)


class _Last(_Next):
    """Heap entry: the unit whose last seat has the lowest priority comes first."""

    __slots__ = ()

    def __lt__(self, other: _Next) -> bool:
        left, right = self.num * other.den, other.num * self.den
        return left < right or (left == right and self.index > other.index)


def divisor_method(
    rule: DivisorRule,
    names: Sequence[str],
    counts: Sequence[int],
    seats: int,
    minimum: int,
    maximum: int | None,
    scale: Fraction,
    tie_break: TieBreak | None,
) -> tuple[list[int], list[Tie]]:
    """Seats per unit by the divisor method `rule`, between `minimum` and `maximum`.

    `scale` is the fair share per member (see shares.fair_scale): it gives the first estimate.
    """
    high = maximum if maximum is not None else seats
    result = _estimate(rule, counts, seats, minimum, high, scale)
    _correct(rule, counts, seats, minimum, high, result)
    return _settle_tie(rule, names, counts, minimum, high, result, tie_break)


def _estimate(
    rule: DivisorRule,
    counts: Sequence[int],
    seats: int,
    minimum: int,
    high: int,
    scale: Fraction,
) -> list[int]:
    # Rounding down loses about half a seat per unit and rounding up gains about as much,
    # so aim the estimate that much higher or lower.
    with_members = sum(1 for count in counts if count > 0)
    if seats and rule.key == "jefferson":
        scale *= Fraction(2 * seats + with_members, 2 * seats)
    elif seats and rule.key == "adams" and 2 * seats > with_members:
        scale *= Fraction(2 * seats - with_members, 2 * seats)
    p, q = scale.numerator, scale.denominator
    return [min(max(rule.rounded(count, p, q), minimum), high) for count in counts]


def _correct(
    rule: DivisorRule,
    counts: Sequence[int],
    seats: int,
    minimum: int,
    high: int,
    result: list[int],
) -> None:
    """Add or remove seats one at a time, by priority, until they add up to `seats`."""
    missing = seats - sum(result)
    if missing > 0:
        heap: list[_Next] = [
            _Next(rule.priority(count, result[index]), index)
            for index, count in enumerate(counts)
            if count and result[index] < high
        ]
        heapq.heapify(heap)
        for _ in range(missing):
            entry = heapq.heappop(heap)
            index = entry.index
            result[index] += 1
            if result[index] < high:
                heapq.heappush(heap, _Next(rule.priority(counts[index], result[index]), index))
    elif missing < 0:
        last: list[_Last] = [
            _Last(rule.priority(count, result[index] - 1), index)
            for index, count in enumerate(counts)
            if count and result[index] > minimum
        ]
        heapq.heapify(last)
        for _ in range(-missing):
            entry = heapq.heappop(last)
            index = entry.index
            result[index] -= 1
            if result[index] > minimum:
                heapq.heappush(last, _Last(rule.priority(counts[index], result[index] - 1), index))


def _settle_tie(
    rule: DivisorRule,
    names: Sequence[str],
    counts: Sequence[int],
    minimum: int,
    high: int,
    result: list[int],
    tie_break: TieBreak | None,
) -> tuple[list[int], list[Tie]]:
    """Find a tie between the last seat given and the next seat not given, and settle it."""
    lowest_given: Priority | None = None
    highest_not_given: Priority | None = None
    for index, count in enumerate(counts):
        if not count:
            continue
        held = result[index]
        if held > minimum:
            given = rule.priority(count, held - 1)
            if lowest_given is None or _higher(lowest_given, given):
                lowest_given = given
        if held < high:
            not_given = rule.priority(count, held)
            if highest_not_given is None or _higher(not_given, highest_not_given):
                highest_not_given = not_given
    if lowest_given is None or highest_not_given is None:
        return result, []
    if _higher(lowest_given, highest_not_given):
        return result, []
    # Equal priorities: the units holding a seat at this priority and those next in line
    # for one are tied for those seats.
    holding = [
        index
        for index, count in enumerate(counts)
        if count
        and result[index] > minimum
        and _same(rule.priority(count, result[index] - 1), lowest_given)
    ]
    waiting = [
        index
        for index, count in enumerate(counts)
        if count
        and result[index] < high
        and _same(rule.priority(count, result[index]), lowest_given)
    ]
    for index in holding:
        result[index] -= 1
    winners, tie = settle(holding + waiting, len(holding), names, counts, tie_break)
    for index in winners:
        result[index] += 1
    return result, [tie]


def _same(a: Priority, b: Priority) -> bool:
    return a[0] * b[1] == b[0] * a[1]


def quota_warnings(
    names: Sequence[str], quotas: Sequence[Fraction], result: Sequence[int]
) -> list[Notice]:
    """Units whose seats fall below their lower quota or above their upper quota."""
    warnings = []
    for name, quota, held in zip(names, quotas, result, strict=True):
        if held + 1 <= quota:
            warnings.append(
                Notice(
                    BELOW_LOWER_QUOTA,
                    name,
                    f"{name} has {held} seats, below its lower quota "
                    f"{quota.numerator // quota.denominator} (quota {decimal_text(quota)})",
                )
            )
        elif held - 1 >= quota:
            warnings.append(
                Notice(
                    ABOVE_UPPER_QUOTA,
                    name,
                    f"{name} has {held} seats, above its upper quota "
                    f"{-(-quota.numerator // quota.denominator)} (quota {decimal_text(quota)})",
                )
            )
    return warnings
