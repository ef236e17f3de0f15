"""Meek STV to the letter of the Reference Meek Rule (Hill, Wichmann and Woodall, Algorithm 123)."""

from pathlib import Path

import pytest

from rankfile.core.ballots import BallotSet
from rankfile.core.ballots.blt import parse_blt, read_blt
from rankfile.core.counting.meek import count_meek, total_surplus
from rankfile.core.counting.report import to_json, to_text
from rankfile.core.counting.ties import TieNeedsLot

# At round 3, C1 has 1.624999944 and C3 1.624999734 (both 13/8 in exact arithmetic), with a
# total surplus of 0.000000605: under B.3 they are tied for exclusion.
WITHIN_SURPLUS = parse_blt(
    "7 3\n3 4 0\n1 2 0\n4 2 5 0\n6 7 2 3 0\n1 7 1 2 3 0\n2 7 1 0\n0\n"
    '"C1" "C2" "C3" "C4" "C5" "C6" "C7" "T"\n'
)


def elected(result):
    return sorted(result.name(c) for c in result.elected)


def test_it_ties_hopefuls_whose_votes_are_within_the_total_surplus_of_the_lowest():
    with pytest.raises(TieNeedsLot, match="^C1, C3 are tied for exclusion"):
        count_meek(WITHIN_SURPLUS)


def test_it_elects_c3_when_the_lot_excludes_c1_as_the_rule_allows():
    outcomes = {}
    for seed in range(12):
        result = count_meek(WITHIN_SURPLUS, seed=seed)
        excluded = [result.name(c) for r in result.rounds for c in r.excluded]
        outcomes[excluded[1]] = elected(result)
        assert "tie for exclusion between C1, C3 broken by lot" in result.notes[0]
    assert outcomes == {"C1": ["C2", "C3", "C7"], "C3": ["C2", "C4", "C7"]}


def test_it_shows_the_total_surplus_the_tie_was_found_within():
    result = count_meek(WITHIN_SURPLUS, seed=0)
    reason = result.rounds[2].decisions[0].reason
    assert "within the total surplus 0.000000605 of the lowest" in reason


def test_it_sums_the_surpluses_before_it_clamps_the_total_at_zero():
    # B.2.d: an elected candidate below the quota lowers the total surplus.
    assert total_surplus([8, 4, 9], 5, [0, 1]) == 2
    assert total_surplus([8, 1, 9], 5, [0, 1]) == 0
    assert total_surplus([8, 4, 9], 5, [0, 2]) == 7


def test_it_reports_the_keep_factors_of_every_round_in_json_and_text():
    result = count_meek(WITHIN_SURPLUS, seed=0)
    data = to_json(result)
    assert [r["keep"]["C7"] for r in data["rounds"]][:2] == ["1.000000000", "0.458333352"]
    assert all(set(r["keep"]) == set(data["candidates"]) for r in data["rounds"])
    excluded_first = data["rounds"][1]["excluded"][0]
    assert data["rounds"][2]["keep"][excluded_first] == "0.000000000"
    lines = to_text(result).splitlines()
    keep_rows = lines[lines.index("Keep factors") + 1 :]
    row = next(line for line in keep_rows if line.startswith("C7"))
    assert row.split()[1:3] == ["1.000000000", "0.458333352"]


def test_it_distributes_each_round_with_the_keep_factors_it_reports():
    # Each vote of a C7-first ballot passes C7's keep factor on: C7 keeps kf of it.
    result = count_meek(WITHIN_SURPLUS, seed=0)
    second = result.rounds[1]
    assert second.keep is not None
    kept_by_c7 = second.tallies[6]
    # 9 ballots put C7 first; no one else gives C7 votes.
    assert kept_by_c7 == 9 * second.keep[6]
    # The quota: (valid - excess) / (seats + 1), truncated to 9 places, plus 0.000000001.
    units = (17 - second.exhausted) * 10**9
    assert second.quota * 10**9 == units.numerator // (units.denominator * 4) + 1


def distribute_ballot_by_ballot(ballots, keep):
    """B.2.a as the rule states it, one ballot at a time, in units of 0.000000001."""
    unit = 10**9
    votes = [0] * len(ballots.candidates)
    excess = 0
    for order, weight in ballots.strict_rankings(equal="exhaust").items():
        if not order:
            continue
        remaining = unit
        for c in order:
            share = min(remaining, -(-remaining * keep[c] // unit))
            votes[c] += share * weight
            remaining -= share
            if not remaining:
                break
        excess += remaining * weight
    return votes, excess


@pytest.mark.parametrize(
    "ballots",
    [
        WITHIN_SURPLUS,
        read_blt(Path(__file__).parent / "data" / "scot-elex-edinburgh_2017_ward12-leith-walk.blt"),
        parse_blt(
            "5 2\n-4\n3 1 4 2 0\n2 2 1 0\n4 3 1=5 2 0\n1 5 4 0\n2 4 0\n3 1 3 0\n0\nA\nB\nC\nD\nE\nT\n"
        ),
    ],
    ids=["within-surplus", "leith-walk", "withdrawn-and-equal"],
)
def test_it_distributes_every_round_as_the_rule_does_ballot_by_ballot(ballots):
    result = count_meek(ballots, seats=2 if ballots.seats is None else None, seed=0)
    unit = 10**9
    for r in result.rounds:
        keep = [int(r.keep[c] * unit) for c in range(len(ballots.candidates))]
        votes, excess = distribute_ballot_by_ballot(ballots, keep)
        assert [r.tallies[c] * unit for c in range(len(votes))] == votes
        assert r.exhausted * unit == excess


def reference_meek_votes(ballots, seats):
    """Each round's votes by the Reference Meek Rule, written straight from its text."""
    unit, omega = 10**9, 10**3
    valid = sum(w for order, w in ballots.strict_rankings(equal="exhaust").items() if order)
    keep = [unit] * len(ballots.candidates)
    hopeful, elected, rounds = set(range(len(keep))), [], []
    while len(elected) < seats and len(elected) + len(hopeful) > seats:  # B.1
        last = None
        while True:  # B.2
            votes, excess = distribute_ballot_by_ballot(ballots, keep)
            quota = (valid * unit - excess) // (seats + 1) + 1
            winners = sorted(c for c in hopeful if votes[c] >= quota)
            surplus = max(sum(votes[c] - quota for c in elected), 0)
            if winners or surplus < omega or (last is not None and surplus >= last):
                break
            last = surplus
            for c in elected:  # kf x q (rounded up), / v (rounded up)
                product = -(-keep[c] * quota // unit)
                keep[c] = min(unit, -(-product * unit // votes[c]))
        rounds.append(votes)
        if winners:
            elected += winners
            hopeful -= set(winners)
        else:
            lowest = min(votes[c] for c in hopeful)
            (victim,) = [c for c in hopeful if votes[c] <= lowest + surplus]
            hopeful.remove(victim)
            keep[victim] = 0
    return rounds


# 9 candidates, 7 seats: an elected candidate falls below the quota, so summing the surpluses
# before clamping (B.2.d) stops some rounds at another iteration than clamping each.
BELOW_QUOTA = {
    (2,): 96,
    (8, 1, 4, 7, 6, 0, 2, 5, 3): 64,
    (2, 6, 7, 4, 8): 48,
    (4, 3, 1, 5, 2, 7): 25,
    (3, 8, 6, 2, 7): 26,
    (0, 2, 1, 8, 4, 5, 6): 58,
    (3, 8, 7, 4, 2, 1, 6, 0, 5): 40,
    (4, 5): 84,
    (6, 3): 79,
    (1, 3, 6, 4, 5, 0, 2): 99,
    (6, 4, 5, 3, 7, 2, 1, 8, 0): 82,
    (4, 5, 1, 7, 3, 6, 0, 8, 2): 65,
    (1, 5, 4): 31,
    (1, 3, 2, 5, 0, 6, 7, 8): 68,
    (3, 7, 0, 1): 33,
    (3, 6, 1, 0): 80,
    (3, 8, 1, 5, 2): 99,
    (4, 2, 1, 5): 99,
    (3,): 65,
    (6, 4, 0, 8, 3): 37,
    (4, 6, 0, 5, 7): 93,
    (7, 8, 5, 4, 1, 3, 0, 2, 6): 80,
    (0, 6, 2): 20,
}


def test_it_gives_the_figures_of_the_rule_when_an_elected_candidate_is_below_the_quota():
    ballots = BallotSet([f"C{c + 1}" for c in range(9)], seats=7)
    for order, weight in BELOW_QUOTA.items():
        ballots.add_order(order, weight)
    result = count_meek(ballots)
    figures = [[r.tallies[c] * 10**9 for c in range(9)] for r in result.rounds]
    assert figures == reference_meek_votes(ballots, 7)
