"""Deciding a motion: yes / no / abstain against the threshold the rules require.

A rule says how large a share of which base the yes votes must reach:

- `threshold`: the share (1/2, 2/3, any fraction), and `more_than` whether the yes votes must
  be *more than* that share (a simple majority: more than half) or *at least* it (two thirds);
- `basis`: of the votes ``"cast"`` (yes + no + spoilt, and abstentions when they count), of the
  ``"valid"`` votes (yes + no, and abstentions when they count), of the members ``"present"``,
  or of the members ``"entitled"`` to vote;
- `abstentions`: ``"ignored"`` (the usual rule: an abstention is not a vote) or ``"counted"``
  (part of the base, so it works like a no);
- `quorum`: the members who must be present for any decision.

A tie (as many yes as no votes) is reported; under a majority rule it fails. A motion never
carries with no yes votes.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction


@dataclass(frozen=True)
class MotionRule:
    """The threshold a motion must reach, of what base, and how abstentions count."""

    threshold: Fraction = Fraction(1, 2)
    more_than: bool = True
    basis: str = "valid"
    abstentions: str = "ignored"
    quorum: int | None = None

    def __post_init__(self) -> None:
        if self.basis not in ("cast", "valid", "present", "entitled"):
            raise ValueError(f"unknown basis {self.basis!r}")
        if self.abstentions not in ("ignored", "counted"):
            raise ValueError(f"unknown treatment of abstentions {self.abstentions!r}")
        if not 0 < self.threshold <= 1:
            raise ValueError("the threshold must be a fraction above 0 and at most 1")


SIMPLE_MAJORITY = MotionRule()
TWO_THIRDS = MotionRule(threshold=Fraction(2, 3), more_than=False)


@dataclass(frozen=True)
class MotionResult:
    """The outcome (`carried`, `failed` or `no-quorum`), the figures, and why."""

    outcome: str
    yes: int
    no: int
    abstain: int
    spoilt: int
    base: int
    required: int
    tie: bool
    explanation: str

    @property
    def carried(self) -> bool:
        """Whether the motion carried."""
        return self.outcome == "carried"


def decide_motion(
    yes: int,
    no: int,
    abstain: int = 0,
    rule: MotionRule = SIMPLE_MAJORITY,
    *,
    spoilt: int = 0,
    present: int | None = None,
    entitled: int | None = None,
) -> MotionResult:
    """Decide a motion on `yes`, `no` and `abstain` votes under `rule`."""
    if min(yes, no, abstain, spoilt) < 0:
        raise ValueError("vote counts cannot be negative")
    counted_abstentions = abstain if rule.abstentions == "counted" else 0
    if rule.basis == "cast":
        base = yes + no + spoilt + counted_abstentions
    elif rule.basis == "valid":
        base = yes + no + counted_abstentions
    elif rule.basis == "present":
        if present is None:
            raise ValueError("the rule counts members present: give their number")
        base = present
    else:
        if entitled is None:
            raise ValueError("the rule counts members entitled to vote: give their number")
        base = entitled
    voted = yes + no + abstain + spoilt
    if present is not None and voted > present:
        raise ValueError(f"{voted} votes from {present} members present")
    if entitled is not None and (present or voted) > entitled:
        raise ValueError("more members voting or present than are entitled")
    share = rule.threshold * base
    required = int(share) + 1 if rule.more_than else -(-share.numerator // share.denominator)
    required = max(required, 1)
    tie = yes == no
    words = f"{'more than' if rule.more_than else 'at least'} {rule.threshold} of {base} {_basis_words(rule)}"
    if rule.quorum is not None:
        attending = present if present is not None else voted
        if attending < rule.quorum:
            return MotionResult(
                "no-quorum", yes, no, abstain, spoilt, base, required, tie,
                f"no quorum: {attending} present, {rule.quorum} needed; nothing was decided",
            )  # fmt: skip
    carried = yes >= required
    outcome = "carried" if carried else "failed"
    explanation = f"{outcome}: {yes} yes, {required} needed ({words})"
    if tie:
        explanation += f"; tied {yes} to {no}"
    return MotionResult(outcome, yes, no, abstain, spoilt, base, required, tie, explanation)


def _basis_words(rule: MotionRule) -> str:
    return {
        "cast": "votes cast",
        "valid": "valid votes",
        "present": "members present",
        "entitled": "members entitled to vote",
    }[rule.basis]
