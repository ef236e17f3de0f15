"""The result of a count, round by round, in exact numbers.

Every method fills the same model, so that the text sheet, the JSON, the RCTab summary and the
SVG chart are written once. Numbers are `Fraction`s; `places` says how many decimals the rule
works to (5 for Scottish STV, 0 for whole votes) and is used only to write them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction


@dataclass
class Decision:
    """A candidate elected or excluded at a round, and why."""

    candidate: int
    kind: str  # "elected" or "excluded"
    reason: str


@dataclass
class Round:
    """One stage of the count: the transfer that made it and the tallies after it.

    `tallies` holds every candidate (0 once excluded). `transfers` is what each candidate
    gained (the source's loss is negative) in this round's transfer. `exhausted` is the
    cumulative value of papers with no further usable preference, `loss` the cumulative value
    lost to the truncation the rule prescribes. `decisions` are made on these tallies (an
    exclusion decided here is transferred in the next round).
    """

    number: int
    action: str  # "first-preferences", "surplus", "exclusion", "batch-exclusion", "none"
    source: list[int]
    tallies: dict[int, Fraction]
    transfers: dict[int, Fraction] = field(default_factory=dict)
    exhausted: Fraction = Fraction(0)
    loss: Fraction = Fraction(0)
    decisions: list[Decision] = field(default_factory=list)
    quota: Fraction | None = None  # set when the quota changes from round to round (Meek)
    keep: dict[int, Fraction] | None = None  # keep factors the votes were distributed with (Meek)

    @property
    def elected(self) -> list[int]:
        """Candidates elected at this round, in order."""
        return [d.candidate for d in self.decisions if d.kind == "elected"]

    @property
    def excluded(self) -> list[int]:
        """Candidates excluded at this round."""
        return [d.candidate for d in self.decisions if d.kind == "excluded"]


@dataclass
class CountResult:
    """The whole count: method, seats, quota, rounds and the elected in order of election."""

    method: str
    seats: int
    candidates: list[str]
    rounds: list[Round]
    elected: list[int]
    quota: Fraction | None = None
    valid: Fraction = Fraction(0)
    places: int = 0
    seed: int | None = None
    title: str = ""
    notes: list[str] = field(default_factory=list)
    ranking: list[list[int]] | None = None  # full order (Schulze), best first, ties grouped

    def name(self, candidate: int) -> str:
        """The name of candidate `candidate`."""
        return self.candidates[candidate]

    def fmt(self, value: Fraction) -> str:
        """`value` as a decimal string with the rule's places, truncated (never rounded up)."""
        return format_decimal(value, self.places)


def format_decimal(value: Fraction, places: int) -> str:
    """`value` written with `places` decimals, truncated toward zero."""
    scale = 10**places
    scaled = abs(value.numerator) * scale // value.denominator
    sign = "-" if value < 0 and scaled else ""
    if places == 0:
        return f"{sign}{scaled}"
    whole, part = divmod(scaled, scale)
    return f"{sign}{whole}.{part:0{places}d}"
