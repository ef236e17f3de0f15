"""Delegate apportionment: how many seats each unit (branch, local) gets, computed exactly.

Two kinds of rule:

- a fixed number of seats shared by a method — `apportion(units, seats, method, ...)` with
  Hamilton (largest remainders), Jefferson/D'Hondt, Webster/Sainte-Laguë, Adams or
  Huntington–Hill, an optional minimum and maximum per unit and base seats per unit;
- a ratio formula, each unit's seats from its own count — `apportion_by_formula(units,
  RatioFormula(...))`.

Arithmetic is exact (integers and fractions). Ties are never broken silently: they raise
`TieError` unless a `TieBreak` is stated, and the result records every tie and how it was
settled, with warnings for quota violations and the Alabama paradox. See docs/apportionment.md.
"""

from rankfile.core.apportionment.formula import ROUNDINGS, RatioFormula, apportion_by_formula
from rankfile.core.apportionment.house import METHODS, apportion, method_key
from rankfile.core.apportionment.result import (
    ABOVE_UPPER_QUOTA,
    ALABAMA_PARADOX,
    BELOW_LOWER_QUOTA,
    Apportionment,
    ApportionmentError,
    Notice,
    Tie,
    UnitSeats,
)
from rankfile.core.apportionment.ties import TIE_BREAK_RULES, TieBreak, TieError

__all__ = [
    "ABOVE_UPPER_QUOTA",
    "ALABAMA_PARADOX",
    "BELOW_LOWER_QUOTA",
    "METHODS",
    "ROUNDINGS",
    "TIE_BREAK_RULES",
    "Apportionment",
    "ApportionmentError",
    "Notice",
    "RatioFormula",
    "Tie",
    "TieBreak",
    "TieError",
    "UnitSeats",
    "apportion",
    "apportion_by_formula",
    "method_key",
]
