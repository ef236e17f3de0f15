"""The Schulze method (Condorcet) for single-seat ranked elections, with the full ranking.

d[a][b] is the number of voters who rank a above b (a ranked candidate is above every unranked
one; equal rankings are ties). The strength of a path is its weakest link, a link a->b having
strength d[a][b] when d[a][b] > d[b][a] (winning votes), else none; p[a][b] is the strongest
path. a is ranked above b when p[a][b] > p[b][a]. The ranking takes, again and again, the
candidates not beaten in that sense by any remaining candidate; candidates taken together are
tied in the ranking. A tie for first place is broken by lot.
"""

from __future__ import annotations

from fractions import Fraction

from rankfile.core.ballots.model import BallotSet
from rankfile.core.counting.result import CountResult, Decision, Round
from rankfile.core.counting.ties import TieBreaker, settle
from rankfile.core.counting.validation import seats_to_fill


def pairwise(ballots: BallotSet) -> list[list[int]]:
    """d[a][b]: the number of voters preferring a to b.

    A ballot is read up to its first overvote of unknown candidates; withdrawn candidates are
    left out.
    """
    n = len(ballots.candidates)
    d = [[0] * n for _ in range(n)]
    withdrawn = ballots.withdrawn
    everyone = [c for c in range(n) if c not in withdrawn]
    for ranking, weight in ballots.rankings.items():
        levels: list[list[int]] = []
        for marks in ranking:
            if not marks:
                break
            kept = [c for c in marks if c not in withdrawn]
            if kept:
                levels.append(kept)
        ranked = {c for level in levels for c in level}
        below = [c for c in everyone if c not in ranked]
        for level in reversed(levels):
            for a in level:
                row = d[a]
                for b in below:
                    row[b] += weight
            below.extend(level)
    return d


def strongest_paths(d: list[list[int]]) -> list[list[int]]:
    """p[a][b]: the strength of the strongest path from a to b (winning votes)."""
    n = len(d)
    p = [[d[a][b] if a != b and d[a][b] > d[b][a] else 0 for b in range(n)] for a in range(n)]
    for i in range(n):
        for j in range(n):
            if i == j:
                continue
            pji = p[j][i]
            if not pji:
                continue
            row = p[j]
            pi = p[i]
            for k in range(n):
                if k != i and k != j:
                    via = min(pji, pi[k])
                    if via > row[k]:
                        row[k] = via
    return p


def count_schulze(ballots: BallotSet, seed: int | None = None) -> CountResult:
    """Rank every candidate by the Schulze method and elect the first."""
    seats_to_fill(ballots, None, "schulze")
    d = pairwise(ballots)
    p = strongest_paths(d)
    return settle(lambda ties: _elect(ballots, d, p, ties), ballots.candidates, seed)


def _elect(
    ballots: BallotSet, d: list[list[int]], p: list[list[int]], ties: TieBreaker
) -> CountResult:
    names = ballots.candidates
    remaining = [c for c in range(len(names)) if c not in ballots.withdrawn]
    ranking: list[list[int]] = []
    while remaining:
        tier = [a for a in remaining if all(p[a][b] >= p[b][a] for b in remaining if b != a)]
        ranking.append(tier)
        remaining = [c for c in remaining if c not in tier]
    first = ranking[0] if ranking else []
    round_ = Round(
        number=1,
        action="first-preferences",
        source=[],
        tallies={
            c: Fraction(sum(1 for b in range(len(names)) if d[c][b] > d[b][c]))
            for c in range(len(names))
        },
    )
    elected: list[int] = []
    if len(first) == 1:
        elected = first
        round_.decisions.append(Decision(first[0], "elected", "beats every other candidate"))
    elif first:
        winner, reason = ties.pick(first, [], lowest=False, what="first place")
        elected = [winner]
        round_.decisions.append(Decision(winner, "elected", reason))
    result = CountResult(
        method="schulze",
        seats=1,
        candidates=list(names),
        rounds=[round_],
        elected=elected,
        valid=Fraction(ballots.total),
        places=0,
        seed=ties.seed,
        title=ballots.title,
        notes=[
            "round tallies are the number of pairwise contests each candidate wins",
            *ties.lots,
        ],
        ranking=ranking,
    )
    return result
