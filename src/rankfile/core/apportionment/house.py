"""Apportioning a fixed number of seats by a named method, with bounds and base seats."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rankfile.core.apportionment import divisor
from rankfile.core.apportionment.largest_remainder import hamilton
from rankfile.core.apportionment.result import Apportionment, ApportionmentError, UnitSeats
from rankfile.core.apportionment.shares import check_bounds, check_units, fair_scale, quotas
from rankfile.core.apportionment.ties import TieBreak

HAMILTON_TITLE = "Hamilton (largest remainders)"

# Every name a rule book might use, and the method it means.
METHODS: dict[str, str] = {
    "hamilton": "hamilton",
    "jefferson": "jefferson",
    "dhondt": "jefferson",
    "webster": "webster",
    "sainte-lague": "webster",
    "adams": "adams",
    "huntington-hill": "huntington-hill",
}

_RULES = {
    rule.key: rule
    for rule in (divisor.JEFFERSON, divisor.WEBSTER, divisor.ADAMS, divisor.HUNTINGTON_HILL)
}


def method_key(method: str) -> str:
    """The method a name stands for; an unknown name is refused with the list of known ones."""
    try:
        return METHODS[method]
    except KeyError:
        raise ApportionmentError(
            f"unknown method {method!r}; known methods: {', '.join(METHODS)}"
        ) from None


def apportion(
    units: Sequence[tuple[str, int]],
    seats: int,
    method: str,
    *,
    minimum: int = 0,
    maximum: int | None = None,
    base: int = 0,
    tie_break: TieBreak | None = None,
) -> Apportionment:
    """Apportion `seats` among (name, count) units by `method` (a key of METHODS).

    Every unit first gets `base` seats; the rest are apportioned by the method in proportion to
    the counts, so that each unit ends with between `minimum` and `maximum` seats in all.
    A tie is settled by `tie_break` and recorded; without one, a tie raises TieError.
    """
    key = method_key(method)
    names, counts = check_units(units)
    if base < 0:
        raise ApportionmentError(f"the base seats per unit cannot be negative: {base}")
    if base * len(names) > seats:
        raise ApportionmentError(
            f"{base} base seats for each of {len(names)} units need {base * len(names)} seats, "
            f"more than the {seats} to apportion"
        )
    if maximum is not None and maximum < base:
        raise ApportionmentError(f"the maximum per unit ({maximum}) is below the base ({base})")
    check_bounds(counts, seats, max(minimum, base), maximum)
    rest = seats - base * len(names)
    low = max(minimum - base, 0)
    high = None if maximum is None else maximum - base
    scale = fair_scale(counts, rest, low, high)
    shares = [base + quota for quota in quotas(counts, scale, low, high)]
    if key == "hamilton":
        title = HAMILTON_TITLE
        result, ties, warnings = hamilton(names, counts, rest, low, high, tie_break, base)
        result = [base + held for held in result]
    else:
        rule = _RULES[key]
        title = rule.title
        result, ties = divisor.divisor_method(
            rule, names, counts, rest, low, high, scale, tie_break
        )
        result = [base + held for held in result]
        warnings = divisor.quota_warnings(names, shares, result)
    parameters: dict[str, Any] = {
        "method": key,
        "seats": seats,
        "minimum": minimum,
        "maximum": maximum,
        "base": base,
        "tie_break": None if tie_break is None else tie_break.rule,
        "seed": None if tie_break is None else tie_break.seed,
    }
    return Apportionment(
        method=key,
        description=_describe(title, seats, minimum, maximum, base, tie_break),
        seats=seats,
        units=tuple(
            UnitSeats(name=name, count=count, seats=held, quota=share)
            for name, count, held, share in zip(names, counts, result, shares, strict=True)
        ),
        warnings=tuple(warnings),
        ties=tuple(ties),
        parameters=parameters,
    )


def _describe(
    title: str,
    seats: int,
    minimum: int,
    maximum: int | None,
    base: int,
    tie_break: TieBreak | None,
) -> str:
    text = f"{title}, {seats} seats"
    if base:
        text += f", {base} to each unit first"
    if minimum:
        text += f", at least {minimum} per unit"
    if maximum is not None:
        text += f", at most {maximum} per unit"
    if tie_break is not None:
        text += f"; ties settled by {tie_break.describe()}"
    return text
