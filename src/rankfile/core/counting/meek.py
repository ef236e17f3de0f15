"""Meek STV as the Reference Meek Rule states it (Hill, Wichmann and Woodall, Algorithm 123).

Every candidate has a keep factor: 1 while hopeful, 0 once excluded, and for an elected
candidate the share of each vote reaching them that they keep, the rest passing on to the
next preference. Each vote is passed down its preferences, each candidate keeping their share;
what no one keeps is the excess. The quota is (valid votes - excess) / (seats + 1).

Each round iterates (B.2): distribute the votes; update the quota; elect every hopeful at or
above it (and then start the next round); else compute the total surplus s, the sum of
(votes - quota) over the elected, *then* not less than 0; stop iterating when s is below
0.000001 or (after the first iteration) no smaller than the last; else multiply each elected
candidate's keep factor by quota / votes and distribute again. When the iteration stops with
no one elected, the lowest hopeful is excluded (B.3), every hopeful whose votes are within s
of the lowest being tied with them: the tie procedure (`ties.py`) decides.

The fixed-point arithmetic is that of the rule, in integers of 0.000000001: each candidate's
share of a vote (weight x keep factor) is rounded up; the quota is truncated and then raised
by 0.000000001; a new keep factor is keep factor x quota (rounded up) / votes (rounded up).
Nothing is lost: what is not kept is excess. Each round records the keep factors its votes
were distributed with.

Speed: a vote's path matters only up to its first hopeful candidate, and only through the
elected ones on the way. Papers are therefore held, as groups of rankings sharing a prefix
(`papers.py`), at the hopeful candidate they reach, and indexed by the elected candidates they
pass through: an iteration costs one step per distinct (elected path, hopeful) pair, not per
ballot, and papers move only when their hopeful is elected or excluded.
"""

from __future__ import annotations

from fractions import Fraction

from rankfile.core.ballots.model import BallotSet
from rankfile.core.counting.papers import Group, RankingTree
from rankfile.core.counting.result import CountResult, Decision, Round, format_decimal
from rankfile.core.counting.ties import TieBreaker, settle
from rankfile.core.counting.validation import seats_to_fill

UNIT = 10**9  # one vote
OMEGA = UNIT // 10**6  # convergence: total surplus below 0.000001
MAX_ITERATIONS = 10_000
EXHAUSTED = -1  # the "hopeful" of papers that pass every candidate left


def count_meek(
    ballots: BallotSet, seats: int | None = None, seed: int | None = None
) -> CountResult:
    """Count `ballots` by the Reference Meek Rule (Algorithm 123's fixed-point arithmetic)."""
    seat_count = seats_to_fill(ballots, seats, "meek")
    n = len(ballots.candidates)
    packed = None
    if not ballots.mixed and not ballots.withdrawn:
        packed = ballots.packed_orders()
    if packed is not None:
        tree = RankingTree(None, n, packed)
    else:
        tree = RankingTree(ballots.strict_rankings(equal="exhaust"), n)
    return settle(lambda ties: _count(ballots, seat_count, tree, ties), ballots.candidates, seed)


def total_surplus(votes: list[int], quota: int, elected: list[int]) -> int:
    """B.2.d: the sum of (votes - quota) over the elected, and then not less than 0.

    An elected candidate below the quota lowers the total (clamping each surplus first, as
    rankfile once did, stops some rounds one iteration apart from the rule).
    """
    return max(sum(votes[c] - quota for c in elected), 0)


class _Papers:
    """The papers, each group at the hopeful it reaches, by the elected it passes through."""

    def __init__(self, tree: RankingTree, usable: bytearray, hopeful: bytearray) -> None:
        self.tree = tree
        self.usable = usable  # hopeful or elected
        self.hopeful = hopeful
        self.held: list[list[tuple[tuple[int, ...], Group]]] = [[] for _ in usable]
        # (elected passed through, hopeful reached or EXHAUSTED) -> number of papers
        self.weights: dict[tuple[tuple[int, ...], int], int] = {}
        found, none_usable = tree.next_usable(tree.root(), usable)
        self.valid = tree.cumulative[-1] - none_usable  # papers with a usable preference
        self._place_all([((), c, group) for c, group in found])

    def _place_all(self, todo: list[tuple[tuple[int, ...], int, Group]]) -> None:
        """Hold each (path, c, group) at c if hopeful; else pass it on (c = -1: from its start).

        A group reaching an elected candidate is passed on with that candidate added to its
        path; the papers with no usable preference left are counted as exhausted.
        """
        cumulative = self.tree.cumulative
        keys, stop = self.tree.keys, self.tree.stop
        next_usable = self.tree.next_usable
        usable, hopeful, held, weights = self.usable, self.hopeful, self.held, self.weights
        while todo:
            path, c, group = todo.pop()
            if c >= 0:
                if hopeful[c]:
                    held[c].append((path, group))
                    key = (path, c)
                    weights[key] = weights.get(key, 0) + cumulative[group[1]] - cumulative[group[0]]
                    continue
                path = (*path, c)
            lo, hi, depth = group
            if hi - lo == 1:
                # One ranking (most groups, once split): walk it here, not through the tree.
                ranking = keys[lo]
                end: int = EXHAUSTED
                for position in range(depth, len(ranking)):
                    d = ranking[position]
                    if d == stop:
                        break
                    if hopeful[d]:
                        end = d
                        held[d].append((path, (lo, hi, position + 1)))
                        break
                    if usable[d]:
                        path = (*path, d)
                key = (path, end)
                weights[key] = weights.get(key, 0) + cumulative[hi] - cumulative[lo]
                continue
            found, gone = next_usable(group, usable)
            if gone:
                key = (path, EXHAUSTED)
                weights[key] = weights.get(key, 0) + gone
            todo.extend((path, d, sub) for d, sub in found)

    def release(self, c: int, elected: bool) -> None:
        """Move on the papers held by `c`, who has just been elected (or excluded)."""
        parcels, self.held[c] = self.held[c], []
        weights = self.weights
        cumulative = self.tree.cumulative
        for path, group in parcels:
            key = (path, c)
            weights[key] -= cumulative[group[1]] - cumulative[group[0]]
            if not weights[key]:
                del weights[key]
        self._place_all([((*path, c) if elected else path, -1, group) for path, group in parcels])

    def by_path(self) -> list[tuple[tuple[int, ...], int, list[tuple[int, int]]]]:
        """[(elected path, its papers, [(hopeful or EXHAUSTED, papers)])]."""
        paths: dict[tuple[int, ...], list[tuple[int, int]]] = {}
        for (path, c), weight in self.weights.items():
            paths.setdefault(path, []).append((c, weight))
        return [(path, sum(w for _, w in ends), ends) for path, ends in paths.items()]


def _count(ballots: BallotSet, seats: int, tree: RankingTree, ties: TieBreaker) -> CountResult:
    names = ballots.candidates
    n = len(names)
    keep = [0 if c in ballots.withdrawn else UNIT for c in range(n)]
    hopeful_flags = bytearray(1 if keep[c] else 0 for c in range(n))
    papers = _Papers(tree, bytearray(hopeful_flags), hopeful_flags)
    valid = papers.valid
    hopeful = [c for c in range(n) if keep[c]]
    elected: list[int] = []
    rounds: list[Round] = []
    history: list[dict[int, int]] = []
    surpluses: list[int] = []  # each round's total surplus: how close votes count as tied
    action, source = "first-preferences", list[int]()
    previous: list[int] | None = None
    quota = 0

    def distribute(
        paths: list[tuple[tuple[int, ...], int, list[tuple[int, int]]]],
    ) -> tuple[list[int], int]:
        votes = [0] * n
        excess = 0
        for path, total, ends in paths:
            remaining = UNIT
            for c in path:
                part = -(-remaining * keep[c] // UNIT)  # rounded up
                if part >= remaining:
                    votes[c] += remaining * total
                    remaining = 0
                    break
                votes[c] += part * total
                remaining -= part
            if remaining:
                for c, weight in ends:
                    if c == EXHAUSTED:
                        excess += remaining * weight
                    else:
                        votes[c] += remaining * weight
        return votes, excess

    while True:
        paths = papers.by_path()
        last_surplus: int | None = None
        surplus = 0
        kept = list(keep)
        for _ in range(MAX_ITERATIONS):
            kept = list(keep)
            votes, excess = distribute(paths)
            quota = (valid * UNIT - excess) // (seats + 1) + 1  # B.2.b
            if any(votes[c] >= quota for c in hopeful):  # B.2.c: winners, then B.1
                break
            surplus = total_surplus(votes, quota, elected)  # B.2.d
            if surplus < OMEGA or (last_surplus is not None and surplus >= last_surplus):
                break  # B.2.e: on to B.3
            last_surplus = surplus
            for c in elected:  # B.2.f
                if votes[c] > 0:
                    product = -(-keep[c] * quota // UNIT)  # keep x quota, rounded up
                    keep[c] = min(UNIT, -(-product * UNIT // votes[c]))  # / votes, rounded up
        history.append(dict(enumerate(votes)))
        surplus = total_surplus(votes, quota, elected)
        surpluses.append(surplus)
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
            keep={c: Fraction(k, UNIT) for c, k in enumerate(kept)},
        )
        rounds.append(current)
        previous = votes
        reached = [c for c in hopeful if votes[c] >= quota]
        if reached:
            for c, tie in ties.order(
                reached, dict(enumerate(votes)), history[:-1], "election order"
            ):
                if len(elected) == seats:
                    break
                elected.append(c)
                hopeful.remove(c)
                hopeful_flags[c] = 0
                papers.release(c, elected=True)
                current.decisions.append(
                    Decision(c, "elected", "reached the quota" + (f"; {tie}" if tie else ""))
                )
            action, source = "surplus", [c for c in current.elected]
        if len(elected) == seats:
            break
        if len(elected) + len(hopeful) <= seats:
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
        # B.3: the lowest hopeful is excluded; those within the total surplus of it are tied.
        low = min(votes[c] for c in hopeful)
        tied = [c for c in hopeful if votes[c] <= low + surplus]
        victim, reason = tied[0], "lowest number of votes"
        if len(tied) > 1:
            victim, reason = ties.pick(
                tied, history[:-1], lowest=True, what="exclusion", within=surpluses[:-1]
            )
            if any(votes[c] != low for c in tied):
                reason += (
                    f" (votes within the total surplus {format_decimal(Fraction(surplus, UNIT), 9)}"
                    " of the lowest count as tied)"
                )
        hopeful.remove(victim)
        hopeful_flags[victim] = 0
        papers.usable[victim] = 0
        keep[victim] = 0
        papers.release(victim, elected=False)
        current.decisions.append(Decision(victim, "excluded", reason))
        action, source = "exclusion", [victim]

    return CountResult(
        method="meek",
        seats=seats,
        candidates=list(names),
        rounds=rounds,
        elected=elected,
        quota=Fraction(quota, UNIT),
        valid=Fraction(valid),
        places=9,
        seed=ties.seed,
        title=ballots.title,
        notes=list(ties.lots),
    )
