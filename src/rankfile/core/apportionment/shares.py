"""Checking the input, and each unit's exact fair share (its quota) of a fixed number of seats.

Without a minimum or maximum a unit's quota is the standard one, count × seats / total.
With them, units whose standard share would fall outside the bounds are held at the bound and
the others share the remaining seats in proportion: the quota is clamp(count × λ, minimum,
maximum) with the one scale λ that makes the quotas add up to the seats.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Iterator, Sequence
from fractions import Fraction

from rankfile.core.apportionment.result import ApportionmentError


def check_units(units: Sequence[tuple[str, int]]) -> tuple[list[str], list[int]]:
    """Split (name, count) pairs, refusing empty or repeated names and non-integer counts."""
    names: list[str] = []
    counts: list[int] = []
    seen: set[str] = set()
    for position, (name, count) in enumerate(units, start=1):
        if not isinstance(name, str) or not name.strip():
            raise ApportionmentError(f"unit {position} has no name")
        if name in seen:
            raise ApportionmentError(f"unit {name!r} is listed twice")
        if isinstance(count, bool) or not isinstance(count, int):
            raise ApportionmentError(f"the count for {name!r} is not a whole number: {count!r}")
        if count < 0:
            raise ApportionmentError(f"the count for {name!r} is negative: {count}")
        seen.add(name)
        names.append(name)
        counts.append(count)
    if not names:
        raise ApportionmentError("there are no units to apportion among")
    return names, counts


def check_bounds(counts: Sequence[int], seats: int, minimum: int, maximum: int | None) -> None:
    """Refuse a number of seats that the minimum and maximum per unit make impossible."""
    if isinstance(seats, bool) or not isinstance(seats, int) or seats < 0:
        raise ApportionmentError(f"the number of seats must be a whole number ≥ 0, not {seats!r}")
    if minimum < 0:
        raise ApportionmentError(f"the minimum per unit cannot be negative: {minimum}")
    if maximum is not None and maximum < minimum:
        raise ApportionmentError(
            f"the maximum per unit ({maximum}) is below the minimum ({minimum})"
        )
    units = len(counts)
    if units * minimum > seats:
        raise ApportionmentError(
            f"a minimum of {minimum} for each of {units} units needs {units * minimum} seats, "
            f"more than the {seats} to apportion"
        )
    with_members = sum(1 for count in counts if count > 0)
    if not with_members and seats > units * minimum:
        raise ApportionmentError("no unit has any members: there is nothing to apportion by")
    if maximum is not None:
        # Units without members only ever get the minimum.
        capacity = with_members * maximum + (units - with_members) * minimum
        if seats > capacity:
            raise ApportionmentError(
                f"a maximum of {maximum} per unit leaves room for only {capacity} seats, "
                f"fewer than the {seats} to apportion"
            )


def fair_scale(counts: Sequence[int], seats: int, minimum: int, maximum: int | None) -> Fraction:
    """The scale λ (seats per member) such that Σ clamp(count × λ, minimum, maximum) = seats.

    Assumes `check_bounds` passed. Exact: walks the points where units leave the minimum or
    reach the maximum in increasing order of λ; between two such points the sum is linear.
    """
    total = sum(counts)
    if not total:
        return Fraction(0)  # every unit gets the minimum; check_bounds made sure that fits
    if minimum == 0 and maximum is None:
        return Fraction(seats, total)
    at_minimum = len(counts)  # every unit starts at the minimum (λ = 0)
    at_maximum = 0
    in_between = 0  # sum of the counts of the units strictly between the bounds
    for point, kind, count, units in _crossings(counts, minimum, maximum):
        value = at_minimum * minimum + at_maximum * (maximum or 0) + point * in_between
        if value >= seats:
            return _solve(seats, at_minimum, minimum, at_maximum, maximum, in_between, point)
        if kind == "leave-minimum":
            at_minimum -= units
            in_between += count * units
        else:
            at_maximum += units
            in_between -= count * units
    if not in_between:
        # Only reachable when every unit with members is at its maximum and that is exactly
        # the number of seats; any larger λ does.
        return Fraction(1)
    return _solve(seats, at_minimum, minimum, at_maximum, maximum, in_between, None)


def _solve(
    seats: int,
    at_minimum: int,
    minimum: int,
    at_maximum: int,
    maximum: int | None,
    in_between: int,
    point: Fraction | None,
) -> Fraction:
    rest = seats - at_minimum * minimum - at_maximum * (maximum or 0)
    if not in_between:
        assert point is not None
        return point
    return Fraction(rest, in_between)


def _crossings(
    counts: Sequence[int], minimum: int, maximum: int | None
) -> Iterator[tuple[Fraction, str, int, int]]:
    """(λ, kind, count, how many units) where units with that count cross a bound, by λ."""
    by_count = sorted(Counter(count for count in counts if count > 0).items(), reverse=True)
    # Larger counts cross first, so each list is already in increasing λ: merge, not sort.
    leaving = ((Fraction(minimum, count), "leave-minimum", count, n) for count, n in by_count)
    if maximum is None:
        yield from leaving
        return
    reaching = ((Fraction(maximum, count), "reach-maximum", count, n) for count, n in by_count)
    # At equal λ a unit leaves the minimum before another reaches the maximum.
    yield from heapq.merge(leaving, reaching, key=lambda crossing: (crossing[0], crossing[1]))


def quotas(
    counts: Sequence[int], scale: Fraction, minimum: int, maximum: int | None
) -> list[Fraction]:
    """Each unit's quota, clamp(count × scale, minimum, maximum)."""
    low = Fraction(minimum)
    high = None if maximum is None else Fraction(maximum)
    result = []
    for count in counts:
        share = count * scale
        if share < low:
            share = low
        elif high is not None and share > high:
            share = high
        result.append(share)
    return result
