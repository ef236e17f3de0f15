"""What an apportionment publishes: each unit's count, quota and seats, warnings and ties.

Every object here turns into plain JSON with `to_dict()` (fractions as exact "p/q" strings
next to a rounded decimal for reading), so that an application can store the result and
publish it exactly as computed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any


class ApportionmentError(ValueError):
    """Input that cannot be apportioned (the message says why, in the user's terms)."""


def fraction_text(value: Fraction) -> str:
    """An exact fraction as text: "3" or "7/2"."""
    return (
        str(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"
    )


def decimal_text(value: Fraction, places: int = 4) -> str:
    """A fraction rounded half up to `places` decimals, for reading (never for deciding)."""
    scale = 10**places
    sign = "-" if value < 0 else ""
    scaled = (abs(value) * scale * 2 + 1) // 2  # round half up on the absolute value
    whole, part = divmod(int(scaled), scale)
    return f"{sign}{whole}.{part:0{places}d}" if places else f"{sign}{whole}"


@dataclass(frozen=True)
class UnitSeats:
    """One unit (a branch, a local) in the result."""

    name: str
    count: int
    seats: int
    # The unit's exact share of the seats before rounding (None when a formula has none).
    quota: Fraction | None = None

    @property
    def lower_quota(self) -> int | None:
        return None if self.quota is None else self.quota.numerator // self.quota.denominator

    @property
    def upper_quota(self) -> int | None:
        return None if self.quota is None else -(-self.quota.numerator // self.quota.denominator)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "count": self.count,
            "quota": None if self.quota is None else fraction_text(self.quota),
            "quota_decimal": None if self.quota is None else decimal_text(self.quota),
            "seats": self.seats,
        }


@dataclass(frozen=True)
class Tie:
    """Units the method cannot tell apart, and how the stated tie-break settled it."""

    units: tuple[str, ...]
    seats: int  # seats to share among `units`
    rule: str  # the tie-break, in words
    winners: tuple[str, ...] = ()
    seed: int | None = None
    kind: str = "seats"  # "seats" (units compete) or "rounding" (a formula lands on a half)

    @property
    def message(self) -> str:
        if self.kind == "rounding":
            return f"{self.units[0]}: exactly half way; {self.rule}"
        names = ", ".join(self.units)
        plural = "seat" if self.seats == 1 else "seats"
        if not self.winners:
            return f"tie between {names} for {self.seats} {plural}: not settled"
        return (
            f"tie between {names} for {self.seats} {plural}, settled by {self.rule}: "
            f"{', '.join(self.winners)}"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "units": list(self.units),
            "seats": self.seats,
            "rule": self.rule,
            "seed": self.seed,
            "winners": list(self.winners),
            "message": self.message,
        }


# Warning kinds.
ALABAMA_PARADOX = "alabama-paradox"
BELOW_LOWER_QUOTA = "below-lower-quota"
ABOVE_UPPER_QUOTA = "above-upper-quota"


@dataclass(frozen=True)
class Notice:
    """A warning about one unit: a quota violation or a paradox the method allows."""

    kind: str
    unit: str
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "unit": self.unit, "message": self.message}


@dataclass(frozen=True)
class Apportionment:
    """The seats for every unit, in input order, with everything needed to publish them."""

    method: str  # the method or formula key, e.g. "hamilton", "ratio"
    description: str  # the rule in words, e.g. "Hamilton (largest remainders), 50 seats"
    seats: int  # total seats given out
    units: tuple[UnitSeats, ...]
    warnings: tuple[Notice, ...] = ()
    ties: tuple[Tie, ...] = ()
    parameters: dict[str, Any] = field(default_factory=dict)

    @property
    def total_count(self) -> int:
        return sum(unit.count for unit in self.units)

    def seats_by_name(self) -> dict[str, int]:
        return {unit.name: unit.seats for unit in self.units}

    def to_dict(self) -> dict[str, Any]:
        """The result as JSON-serializable data (see docs/apportionment.md for the schema)."""
        return {
            "method": self.method,
            "description": self.description,
            "parameters": dict(self.parameters),
            "seats": self.seats,
            "total_count": self.total_count,
            "units": [unit.to_dict() for unit in self.units],
            "warnings": [warning.to_dict() for warning in self.warnings],
            "ties": [tie.to_dict() for tie in self.ties],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Apportionment:
        """The result back from `to_dict()` output (e.g. a stored, published table)."""
        return cls(
            method=data["method"],
            description=data["description"],
            seats=data["seats"],
            units=tuple(
                UnitSeats(
                    name=unit["name"],
                    count=unit["count"],
                    seats=unit["seats"],
                    quota=None if unit["quota"] is None else Fraction(unit["quota"]),
                )
                for unit in data["units"]
            ),
            warnings=tuple(
                Notice(kind=item["kind"], unit=item["unit"], message=item["message"])
                for item in data["warnings"]
            ),
            ties=tuple(
                Tie(
                    units=tuple(tie["units"]),
                    seats=tie["seats"],
                    rule=tie["rule"],
                    winners=tuple(tie["winners"]),
                    seed=tie["seed"],
                    kind=tie["kind"],
                )
                for tie in data["ties"]
            ),
            parameters=dict(data["parameters"]),
        )
