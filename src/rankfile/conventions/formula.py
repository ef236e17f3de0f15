"""The delegate formula as stored on a convention (JSON) and applied by the core.

Two kinds, matching rankfile.core.apportionment:

- ratio: {"kind": "ratio", "per": 75, "rounding": "nearest", "first": null,
  "at_least": 1, "at_most": null} — each branch's delegates from its own count;
- house: {"kind": "house", "seats": 120, "method": "hamilton", "minimum": 1,
  "maximum": null, "base": 0, "tie_break": "lot", "seed": 7} — a fixed number of seats
  shared by a method; "tie_break" may be "none" (a tie then stops the computation and names
  the tied branches, so the rules must be completed before anything is published).

No Django here: the same checks serve the forms, the actions and the demo.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rankfile.core.apportionment import (
    ROUNDINGS,
    TIE_BREAK_RULES,
    Apportionment,
    ApportionmentError,
    RatioFormula,
    TieBreak,
    apportion,
    apportion_by_formula,
    method_key,
)

METHOD_TITLES = {
    "hamilton": "Hamilton (largest remainders)",
    "jefferson": "Jefferson / D'Hondt",
    "webster": "Webster / Sainte-Laguë",
    "adams": "Adams",
    "huntington-hill": "Huntington–Hill (equal proportions)",
}
RATIO = "ratio"
HOUSE = "house"
NO_TIE_BREAK = "none"


def _int(data: dict[str, Any], key: str, *, optional: bool = False) -> int | None:
    value = data.get(key)
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ApportionmentError(f"the formula's {key!r} must be a whole number, not {value!r}")
    return value


def ratio_formula(data: dict[str, Any]) -> RatioFormula:
    """The core RatioFormula for stored ratio parameters (raises ApportionmentError)."""
    return RatioFormula(
        per=_int(data, "per") or 0,
        rounding=data.get("rounding", "nearest"),
        first=_int(data, "first", optional=True),
        at_least=_int(data, "at_least", optional=True) or 0,
        at_most=_int(data, "at_most", optional=True),
    )


def tie_break(data: dict[str, Any]) -> TieBreak | None:
    rule = data.get("tie_break") or NO_TIE_BREAK
    if rule == NO_TIE_BREAK:
        return None
    return TieBreak(rule, _int(data, "seed", optional=True))


def check(data: dict[str, Any]) -> dict[str, Any]:
    """The formula with its parameters checked and normalized; ApportionmentError if wrong."""
    kind = data.get("kind")
    if kind == RATIO:
        formula = ratio_formula(data)
        return {"kind": RATIO, **formula.parameters()}
    if kind == HOUSE:
        seats = _int(data, "seats") or 0
        if seats < 1:
            raise ApportionmentError("a convention needs at least one seat")
        minimum = _int(data, "minimum", optional=True) or 0
        maximum = _int(data, "maximum", optional=True)
        base = _int(data, "base", optional=True) or 0
        if minimum < 0 or base < 0:
            raise ApportionmentError("the minimum and base seats cannot be negative")
        if maximum is not None and maximum < max(minimum, base, 1):
            raise ApportionmentError(
                f"the maximum per branch ({maximum}) is below the minimum or base"
            )
        rule = data.get("tie_break") or NO_TIE_BREAK
        if rule not in (NO_TIE_BREAK, *TIE_BREAK_RULES):
            raise ApportionmentError(f"unknown tie-break {rule!r}")
        checked = tie_break(data)
        return {
            "kind": HOUSE,
            "seats": seats,
            "method": method_key(str(data.get("method"))),
            "minimum": minimum,
            "maximum": maximum,
            "base": base,
            "tie_break": rule,
            "seed": checked.seed if checked else None,
        }
    raise ApportionmentError(f"unknown kind of formula {kind!r}; known: {RATIO}, {HOUSE}")


def describe(data: dict[str, Any]) -> str:
    """The formula in words, as the tables print it."""
    data = check(data)
    if data["kind"] == RATIO:
        return ratio_formula(data).describe().capitalize()
    text = f"{data['seats']} delegates shared by {METHOD_TITLES[data['method']]}"
    if data["base"]:
        text += f", {data['base']} to each branch first"
    if data["minimum"]:
        text += f", at least {data['minimum']}"
    if data["maximum"] is not None:
        text += f", at most {data['maximum']}"
    rule = tie_break(data)
    text += f"; ties settled by {rule.describe()}" if rule else "; no tie-break stated"
    return text


def apply(data: dict[str, Any], units: Sequence[tuple[str, int]]) -> Apportionment:
    """Apportion delegates among (branch name, members in good standing) by the formula."""
    data = check(data)
    if data["kind"] == RATIO:
        return apportion_by_formula(units, ratio_formula(data))
    return apportion(
        units,
        data["seats"],
        data["method"],
        minimum=data["minimum"],
        maximum=data["maximum"],
        base=data["base"],
        tie_break=tie_break(data),
    )


def alternates_rule(per: int, rounding: str, at_least: int) -> dict[str, Any]:
    if rounding not in ROUNDINGS:
        raise ApportionmentError(f"unknown rounding {rounding!r}; known: {', '.join(ROUNDINGS)}")
    RatioFormula(per=per, rounding=rounding, at_least=at_least)  # checks the numbers
    return {"per": per, "rounding": rounding, "at_least": at_least}


def alternates_for(rule: dict[str, Any], delegates: int) -> int:
    """Alternates for a branch with `delegates` delegates ("1 per 10, at least 1");
    a branch that sends no delegates has no alternates."""
    if delegates == 0:
        return 0
    formula = RatioFormula(per=rule["per"], rounding=rule["rounding"], at_least=rule["at_least"])
    return formula.seats_for(delegates)[0]


def describe_alternates(rule: dict[str, Any]) -> str:
    rounding = {"up": "or part thereof", "down": "full groups only", "nearest": "rounded"}[
        rule["rounding"]
    ]
    text = f"one alternate per {rule['per']} delegates ({rounding})"
    if rule["at_least"]:
        text += f", at least {rule['at_least']} per branch with delegates"
    return text
