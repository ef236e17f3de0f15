"""Plurality (one mark), block plurality (up to one mark per seat) and approval voting.

Ranked ballot files are read as marks: plurality takes each ballot's first preference; block
plurality the candidates in its first `seats` preferences; approval every candidate marked. A
ballot with more marks than it may carry (an overvote) is invalid and counted apart. The
candidates with the most votes win; a tie for the last seat is broken by lot.
"""

from __future__ import annotations

from fractions import Fraction

from rankfile.core.ballots.model import BallotSet
from rankfile.core.counting.result import CountResult, Decision, Round
from rankfile.core.counting.ties import TieBreaker, settle
from rankfile.core.counting.validation import seats_to_fill


def count_plurality(
    ballots: BallotSet, seats: int | None = None, seed: int | None = None, block: bool = False
) -> CountResult:
    """First-past-the-post for one seat, or block voting (`block`) for several."""
    method = "block-plurality" if block else "plurality"
    seat_count = seats_to_fill(ballots, seats, method)
    allowed = seat_count if block else 1
    tally = [0] * len(ballots.candidates)
    invalid = 0
    for ranking, weight in ballots.rankings.items():
        marks: list[int] = []
        over = False
        for level in ranking:
            if not level:
                over = True
                break
            marks.extend(c for c in level if c not in marks)
            if len(marks) >= allowed:
                break
        if over or len(marks) > allowed:
            invalid += weight
            continue
        for c in marks:
            if c not in ballots.withdrawn:
                tally[c] += weight
    return _result(ballots, method, seat_count, tally, invalid, seed)


def count_approval(
    ballots: BallotSet, seats: int | None = None, seed: int | None = None
) -> CountResult:
    """Approval voting: one vote for every candidate a ballot marks."""
    seat_count = seats_to_fill(ballots, seats, "approval")
    tally = [0] * len(ballots.candidates)
    for ranking, weight in ballots.rankings.items():
        for c in {c for level in ranking for c in level}:
            if c not in ballots.withdrawn:
                tally[c] += weight
    return _result(ballots, "approval", seat_count, tally, 0, seed)


def _result(
    ballots: BallotSet, method: str, seats: int, tally: list[int], invalid: int, seed: int | None
) -> CountResult:
    return settle(
        lambda ties: _elect(ballots, method, seats, tally, invalid, ties), ballots.candidates, seed
    )


def _elect(
    ballots: BallotSet, method: str, seats: int, tally: list[int], invalid: int, ties: TieBreaker
) -> CountResult:
    round_ = Round(
        number=1,
        action="first-preferences",
        source=[],
        tallies={c: Fraction(v) for c, v in enumerate(tally)},
        exhausted=Fraction(invalid),
    )
    eligible = [c for c in range(len(tally)) if c not in ballots.withdrawn]
    elected = elect_most_votes(eligible, tally, seats, ties, round_)
    return CountResult(
        method=method,
        seats=seats,
        candidates=list(ballots.candidates),
        rounds=[round_],
        elected=elected,
        valid=Fraction(ballots.total - invalid),
        places=0,
        seed=ties.seed,
        title=ballots.title,
        notes=list(ties.lots),
    )


def elect_most_votes(
    eligible: list[int], tally: list[int], seats: int, ties: TieBreaker, round_: Round
) -> list[int]:
    """Elect the `seats` candidates with most votes; a tie across the last seat goes by lot.

    Candidates elected together with equal votes are listed in ballot-file order.
    """
    ordered = sorted(eligible, key=lambda c: -tally[c])
    if len(ordered) <= seats:
        for c in ordered:
            round_.decisions.append(Decision(c, "elected", "no more candidates than seats"))
        return ordered
    cutoff = tally[ordered[seats - 1]]
    elected = [c for c in ordered if tally[c] > cutoff]
    tied = [c for c in ordered if tally[c] == cutoff]
    for c in elected:
        round_.decisions.append(Decision(c, "elected", "among the most votes"))
    while len(elected) < seats:
        if len(tied) == seats - len(elected):
            chosen, reason = tied[0], "among the most votes"
        else:
            chosen, reason = ties.pick(tied, [], lowest=False, what="the last seat")
        tied.remove(chosen)
        elected.append(chosen)
        round_.decisions.append(Decision(chosen, "elected", reason))
    return elected
