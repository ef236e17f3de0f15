"""Single transferable vote by the Gregory method: Scottish STV and weighted inclusive Gregory.

Scottish STV follows the Scottish Local Government Elections Order 2007: quota
floor(valid / (seats + 1)) + 1; when a candidate is elected, *all* the papers counted for them
pass on at surplus x paper value / candidate's total, truncated to 5 decimal places; the
largest surplus goes first; one exclusion per stage, the excluded candidate's papers keeping
their value; when the continuing candidates equal the vacancies left, they are elected. The
arithmetic is in whole units of 0.00001, so it is exact and fast.

WIGM is the same procedure with exact fractions and no truncation.

Papers are held by the candidate they currently count for, as parcels (a group of rankings
sharing their used preferences, see `papers.py`, and the value of each paper), so a transfer
touches only the parcels of the candidate being transferred.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Any

from rankfile.core.ballots.model import BallotSet
from rankfile.core.counting.papers import Group, RankingTree
from rankfile.core.counting.result import CountResult, Decision, Round
from rankfile.core.counting.ties import TieBreaker, settle
from rankfile.core.counting.validation import seats_to_fill

SCOTTISH_UNIT = 100_000  # one vote, in units of 0.00001

Parcel = tuple[Group, Any]


def count_scottish_stv(
    ballots: BallotSet, seats: int | None = None, seed: int | None = None
) -> CountResult:
    """Count `ballots` by Scottish STV (SSI 2007/42, rules 45-52)."""
    seat_count = seats_to_fill(ballots, seats, "scottish-stv")
    papers = _papers(ballots)
    return settle(
        lambda ties: _count(
            ballots,
            seat_count,
            ties,
            papers,
            method="scottish-stv",
            one=SCOTTISH_UNIT,
            transfer_value=lambda surplus, value, total: surplus * value // total,
            to_fraction=lambda units: Fraction(units, SCOTTISH_UNIT),
            places=5,
        ),
        ballots.candidates,
        seed,
    )


def count_wigm(
    ballots: BallotSet, seats: int | None = None, seed: int | None = None
) -> CountResult:
    """Count `ballots` by the weighted inclusive Gregory method in exact fractions."""
    seat_count = seats_to_fill(ballots, seats, "wigm")
    papers = _papers(ballots)
    return settle(
        lambda ties: _count(
            ballots,
            seat_count,
            ties,
            papers,
            method="wigm",
            one=Fraction(1),
            transfer_value=lambda surplus, value, total: surplus * value / total,
            to_fraction=Fraction,
            places=5,
        ),
        ballots.candidates,
        seed,
    )


def _papers(ballots: BallotSet) -> tuple[RankingTree, int]:
    """The rankings, sorted into a tree (built once, whatever number of counts `settle` runs),
    and the number of papers with no preference at all."""
    n = len(ballots.candidates)
    packed = None
    if not ballots.mixed and not ballots.withdrawn:
        # A repeated candidate is passed over as no longer continuing: no need to cut repeats.
        packed = ballots.packed_orders(normalised=False)
    if packed is not None:
        return RankingTree(None, n, packed), packed.get(b"", 0)
    strict = ballots.strict_rankings(equal="exhaust")
    return RankingTree(strict, n), strict.get((), 0)


def _count(
    ballots: BallotSet,
    seats: int,
    ties: TieBreaker,
    papers: tuple[RankingTree, int],
    *,
    method: str,
    one: Any,
    transfer_value: Callable[[Any, Any, Any], Any],
    to_fraction: Callable[[Any], Fraction],
    places: int,
) -> CountResult:
    names = ballots.candidates
    n = len(names)
    tree, empty = papers
    # A paper with no usable first preference is not part of the valid poll.
    valid = tree.cumulative[-1] - empty
    quota = (valid // (seats + 1) + 1) * one
    zero = one * 0
    continuing = bytearray(n)
    for c in range(n):
        if c not in ballots.withdrawn:
            continuing[c] = 1
    tally: list[Any] = [zero] * n
    piles: list[list[Parcel]] = [[] for _ in range(n)]
    found, _ = tree.next_usable(tree.root(), continuing)
    for c, group in found:
        piles[c].append((group, one))
        tally[c] += tree.weight(group[0], group[1]) * one
    exhausted = zero
    loss = zero
    elected: list[int] = []
    excluded: list[int] = []
    pending: list[int] = []  # elected, surplus not yet transferred
    history: list[dict[int, Any]] = []
    rounds: list[Round] = []

    def record(action: str, source: list[int], before: list[Any] | None) -> Round:
        snapshot = dict(enumerate(tally))
        history.append(snapshot)
        fractions = {c: to_fraction(v) for c, v in snapshot.items()}
        transfers = {}
        if before is not None:
            transfers = {
                c: to_fraction(tally[c] - before[c]) for c in range(n) if tally[c] != before[c]
            }
        new = Round(
            number=len(rounds) + 1,
            action=action,
            source=source,
            tallies=fractions,
            transfers=transfers,
            exhausted=to_fraction(exhausted),
            loss=to_fraction(loss),
        )
        rounds.append(new)
        return new

    def move(parcels: list[Parcel], new_value: Callable[[Any], Any]) -> Any:
        """Pass papers to their next continuing preference; return the value exhausted."""
        lost = zero
        values: dict[Any, Any] = {}
        for group, value in parcels:
            nv = values.get(value)
            if nv is None:
                nv = values[value] = new_value(value)
            if not nv:
                continue
            found, gone = tree.next_usable(group, continuing)
            for d, moved in found:
                piles[d].append((moved, nv))
                tally[d] += nv * tree.weight(moved[0], moved[1])
            lost += nv * gone
        return lost

    current = record("first-preferences", [], None)
    while True:
        vacancies = seats - len(elected)
        reached = [c for c in range(n) if continuing[c] and tally[c] >= quota]
        for c, tie in ties.order(reached, dict(enumerate(tally)), history[:-1], "election order"):
            if len(elected) == seats:
                break
            continuing[c] = 0
            elected.append(c)
            pending.append(c)
            reason = "reached the quota" + (f"; {tie}" if tie else "")
            current.decisions.append(Decision(c, "elected", reason))
        vacancies = seats - len(elected)
        left = [c for c in range(n) if continuing[c]]
        if vacancies and len(left) <= vacancies:
            for c, _ in ties.order(
                left, dict(enumerate(tally)), history[:-1], "election order", lot=False
            ):
                continuing[c] = 0
                elected.append(c)
                current.decisions.append(
                    Decision(c, "elected", "the continuing candidates equal the vacancies left")
                )
            vacancies = 0
        if not vacancies:
            break
        with_surplus = [c for c in pending if tally[c] > quota]
        pending = [c for c in pending if tally[c] > quota]
        before = list(tally)
        if with_surplus:
            top = max(tally[c] for c in with_surplus)
            tied = [c for c in with_surplus if tally[c] == top]
            source = tied[0]
            if len(tied) > 1:
                source, tie = ties.pick(tied, history[:-1], lowest=False, what="largest surplus")
                current.decisions.append(Decision(source, "surplus-order", tie))
            pending.remove(source)
            total = tally[source]
            surplus = total - quota
            parcels, piles[source] = piles[source], []
            tally[source] = quota
            before_moved = sum(tally) - quota

            def surplus_value(v: Any, s: Any = surplus, t: Any = total) -> Any:
                return transfer_value(s, v, t)

            lost = move(parcels, surplus_value)
            moved = sum(tally) - quota - before_moved
            exhausted += lost
            loss += surplus - moved - lost
            current = record("surplus", [source], before)
        else:
            low = min(tally[c] for c in left)
            tied = [c for c in left if tally[c] == low]
            reason = "lowest number of votes"
            victim = tied[0]
            if len(tied) > 1:
                victim, reason = ties.pick(tied, history[:-1], lowest=True, what="exclusion")
            continuing[victim] = 0
            excluded.append(victim)
            current.decisions.append(Decision(victim, "excluded", reason))
            parcels, piles[victim] = piles[victim], []
            tally[victim] = zero
            exhausted += move(parcels, lambda v: v)
            current = record("exclusion", [victim], before)

    return CountResult(
        method=method,
        seats=seats,
        candidates=list(names),
        rounds=rounds,
        elected=elected,
        quota=to_fraction(quota),
        valid=Fraction(valid),
        places=places,
        seed=ties.seed,
        title=ballots.title,
        notes=list(ties.lots),
    )
