"""Instant runoff (single seat) with the options US jurisdictions use.

- A ballot is exhausted at its first overvote (a rank with marks for more than one candidate,
  or an equal ranking), when no earlier choice is still in the race.
- Skipped ranks are passed over (the ballot readers drop them).
- A candidate repeated on a ballot counts at its first place only; later repeats are ignored.
- Optional batch elimination: all the lowest candidates whose combined votes are fewer than
  the votes of the next candidate up, who therefore cannot win, go in one round.

A candidate wins with more than half the votes of the ballots still continuing; the count
otherwise goes on until one is left (`stop_at_majority=False` counts down to the last two,
as some jurisdictions publish).
"""

from __future__ import annotations

from fractions import Fraction

from rankfile.core.ballots.model import BallotSet
from rankfile.core.counting.result import CountResult, Decision, Round
from rankfile.core.counting.ties import TieBreaker, settle
from rankfile.core.counting.validation import seats_to_fill

OVERVOTE = -1


def first_choice_orders(ballots: BallotSet) -> dict[tuple[int, ...], int]:
    """Each ranking as candidate indexes, cut after its first overvote (marked OVERVOTE)."""
    orders: dict[tuple[int, ...], int] = {}
    withdrawn = ballots.withdrawn
    for ranking, weight in ballots.rankings.items():
        order: list[int] = []
        for level in ranking:
            if len(level) != 1:
                order.append(OVERVOTE)
                break
            c = level[0]
            if c not in withdrawn and c not in order:
                order.append(c)
        key = tuple(order)
        orders[key] = orders.get(key, 0) + weight
    return orders


def count_irv(
    ballots: BallotSet,
    seed: int | None = None,
    batch_elimination: bool = False,
    stop_at_majority: bool = True,
) -> CountResult:
    """Count `ballots` by instant runoff for one seat."""
    seats_to_fill(ballots, None, "irv")
    return settle(
        lambda ties: _count_irv(ballots, ties, batch_elimination, stop_at_majority),
        ballots.candidates,
        seed,
    )


def _count_irv(
    ballots: BallotSet, ties: TieBreaker, batch_elimination: bool, stop_at_majority: bool
) -> CountResult:
    names = ballots.candidates
    n = len(names)
    active = bytearray(n)
    for c in range(n):
        active[c] = c not in ballots.withdrawn
    tally = [0] * n
    piles: list[list[tuple[tuple[int, ...], int, int]]] = [[] for _ in range(n)]
    exhausted = 0

    def place(order: tuple[int, ...], pos: int, weight: int) -> None:
        nonlocal exhausted
        length = len(order)
        while pos < length:
            c = order[pos]
            pos += 1
            if c == OVERVOTE:
                break
            if active[c]:
                piles[c].append((order, pos, weight))
                tally[c] += weight
                return
        exhausted += weight

    for order, weight in first_choice_orders(ballots).items():
        place(order, 0, weight)
    valid = sum(ballots.rankings.values())
    rounds: list[Round] = []
    history: list[dict[int, int]] = []

    def record(action: str, source: list[int], before: list[int] | None) -> Round:
        history.append(dict(enumerate(tally)))
        transfers = {}
        if before is not None:
            transfers = {
                c: Fraction(tally[c] - before[c]) for c in range(n) if tally[c] != before[c]
            }
        r = Round(
            number=len(rounds) + 1,
            action=action,
            source=source,
            tallies={c: Fraction(v) for c, v in enumerate(tally)},
            transfers=transfers,
            exhausted=Fraction(exhausted),
        )
        rounds.append(r)
        return r

    current = record("first-preferences", [], None)
    elected: list[int] = []
    while True:
        left = [c for c in range(n) if active[c]]
        continuing_votes = sum(tally[c] for c in left)
        top = max((tally[c] for c in left), default=0)
        leaders = [c for c in left if tally[c] == top]
        if len(left) == 1 or (
            stop_at_majority and len(leaders) == 1 and 2 * top > continuing_votes
        ):
            winner = leaders[0]
            reason = (
                "the last candidate continuing"
                if len(left) == 1
                else "more than half of the continuing ballots"
            )
            current.decisions.append(Decision(winner, "elected", reason))
            elected.append(winner)
            break
        if len(left) == 2 and not stop_at_majority and len(leaders) == 1:
            current.decisions.append(
                Decision(leaders[0], "elected", "more votes than the other finalist")
            )
            elected.append(leaders[0])
            break
        victims = _batch(left, tally) if batch_elimination else []
        if victims:
            reason = "together fewer votes than the next candidate: cannot win"
            for c in victims:
                current.decisions.append(Decision(c, "excluded", reason))
        else:
            low = min(tally[c] for c in left)
            tied = [c for c in left if tally[c] == low]
            victim, reason = tied[0], "fewest votes"
            if len(tied) > 1:
                victim, reason = ties.pick(tied, history[:-1], lowest=True, what="elimination")
            current.decisions.append(Decision(victim, "excluded", reason))
            victims = [victim]
        before = list(tally)
        for c in victims:
            active[c] = 0
        for c in victims:
            parcels, piles[c] = piles[c], []
            tally[c] = 0
            for order, pos, weight in parcels:
                place(order, pos, weight)
        current = record("exclusion" if len(victims) == 1 else "batch-exclusion", victims, before)

    return CountResult(
        method="irv",
        seats=1,
        candidates=list(names),
        rounds=rounds,
        elected=elected,
        quota=None,
        valid=Fraction(valid),
        places=0,
        seed=ties.seed,
        title=ballots.title,
        notes=list(ties.lots),
    )


def _batch(left: list[int], tally: list[int]) -> list[int]:
    """The largest group of lowest candidates whose combined votes are below the next one's."""
    ordered = sorted(left, key=lambda c: tally[c])
    best: list[int] = []
    running = 0
    for i in range(len(ordered) - 1):
        running += tally[ordered[i]]
        if running < tally[ordered[i + 1]] and i + 2 <= len(ordered) - 1:
            best = ordered[: i + 1]
    return best if len(best) > 1 else []
