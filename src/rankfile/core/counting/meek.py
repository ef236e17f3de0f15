"""Meek STV (Hill, Wichmann and Woodall, Algorithm 123, Computer Journal 1987).

Every candidate has a keep factor: 1 while hopeful, 0 once excluded, and for an elected
candidate the share of each vote reaching them that they keep, the rest passing on to the
next preference. Each vote is passed down its preferences, each candidate keeping their share;
what no one keeps is the excess. The quota is (valid votes - excess) / (seats + 1). Keep
factors of the elected are then multiplied by quota / votes, and the distribution repeated
until the total surplus of the elected is below 0.000001 (or stops falling); anyone at or
above the quota is elected, or else the lowest hopeful is excluded.

The fixed-point arithmetic is that of Algorithm 123 as the Reference Meek Rule (Proportional
Representation Foundation) states it, in integers of 0.000000001: each candidate's share of a
vote (weight x keep factor) is rounded up; the quota is truncated and then raised by
0.000000001; a new keep factor is keep factor x quota (rounded up) / votes (rounded up).
Nothing is lost: what is not kept is excess.
"""

from __future__ import annotations

from fractions import Fraction

from rankfile.core.ballots.model import BallotSet
from rankfile.core.counting.result import CountResult, Decision, Round
from rankfile.core.counting.ties import TieBreaker

UNIT = 10**9  # one vote
OMEGA = UNIT // 10**6  # convergence: total surplus below 0.000001
MAX_ITERATIONS = 10_000


def count_meek(
    ballots: BallotSet, seats: int | None = None, seed: int | None = None
) -> CountResult:
    """Count `ballots` by Meek STV with Algorithm 123's fixed-point arithmetic."""
    seat_count = seats if seats is not None else ballots.seats
    if not seat_count or seat_count < 1:
        raise ValueError("the number of seats is not in the ballot file: give it (--seats N)")
    names = ballots.candidates
    n = len(names)
    orders = [(o, w) for o, w in ballots.strict_rankings(equal="exhaust").items() if o]
    valid = sum(w for _, w in orders)
    ties = TieBreaker(names, seed)
    keep = [0 if c in ballots.withdrawn else UNIT for c in range(n)]
    hopeful = [c for c in range(n) if keep[c]]
    elected: list[int] = []
    rounds: list[Round] = []
    history: list[dict[int, int]] = []
    action, source = "first-preferences", list[int]()
    previous: list[int] | None = None

    def distribute() -> tuple[list[int], int]:
        votes = [0] * n
        excess = 0
        for order, weight in orders:
            remaining = UNIT
            for c in order:
                k = keep[c]
                if not k:
                    continue
                if k == UNIT:
                    votes[c] += remaining * weight
                    remaining = 0
                    break
                part = min(remaining, -(-remaining * k // UNIT))  # rounded up
                votes[c] += part * weight
                remaining -= part
                if not remaining:
                    break
            excess += remaining * weight
        return votes, excess

    while True:
        last_surplus = None
        for _ in range(MAX_ITERATIONS):
            votes, excess = distribute()
            quota = (valid * UNIT - excess) // (seat_count + 1) + 1
            if any(votes[c] >= quota for c in hopeful):
                break
            surplus = sum(max(votes[c] - quota, 0) for c in elected)
            if surplus < OMEGA or (last_surplus is not None and surplus >= last_surplus):
                break
            last_surplus = surplus
            for c in elected:
                if votes[c] > 0:
                    product = -(-keep[c] * quota // UNIT)  # keep x quota, rounded up
                    keep[c] = min(UNIT, -(-product * UNIT // votes[c]))  # / votes, rounded up
        history.append(dict(enumerate(votes)))
        current = Round(
            number=len(rounds) + 1,
            action=action,
            source=source,
            tallies={c: Fraction(v, UNIT) for c, v in enumerate(votes)},
            transfers={}
            if previous is None
            else {
                c: Fraction(votes[c] - previous[c], UNIT)
                for c in range(n)
                if votes[c] != previous[c]
            },
            exhausted=Fraction(excess, UNIT),
            quota=Fraction(quota, UNIT),
        )
        rounds.append(current)
        previous = votes
        reached = [c for c in hopeful if votes[c] >= quota]
        if reached:
            for c, tie in ties.order(
                reached, dict(enumerate(votes)), history[:-1], "election order"
            ):
                if len(elected) == seat_count:
                    break
                elected.append(c)
                hopeful.remove(c)
                current.decisions.append(
                    Decision(c, "elected", "reached the quota" + (f"; {tie}" if tie else ""))
                )
            action, source = "surplus", [c for c in current.elected]
        if len(elected) == seat_count:
            break
        if len(elected) + len(hopeful) <= seat_count:
            for c, _ in ties.order(
                hopeful, dict(enumerate(votes)), history[:-1], "election order", lot=False
            ):
                elected.append(c)
                current.decisions.append(
                    Decision(c, "elected", "the continuing candidates equal the vacancies left")
                )
            break
        if reached:
            continue
        low = min(votes[c] for c in hopeful)
        tied = [c for c in hopeful if votes[c] == low]
        victim, reason = tied[0], "lowest number of votes"
        if len(tied) > 1:
            victim, reason = ties.pick(tied, history[:-1], lowest=True, what="exclusion")
        hopeful.remove(victim)
        keep[victim] = 0
        current.decisions.append(Decision(victim, "excluded", reason))
        action, source = "exclusion", [victim]

    return CountResult(
        method="meek",
        seats=seat_count,
        candidates=list(names),
        rounds=rounds,
        elected=elected,
        quota=Fraction(quota, UNIT),
        valid=Fraction(valid),
        places=9,
        seed=seed,
        title=ballots.title,
        notes=list(ties.lots),
    )
