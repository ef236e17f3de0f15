"""Plurality, block plurality, approval, Schulze, Meek and WIGM on cases worked by hand."""

from fractions import Fraction
from pathlib import Path

import pytest
from ballot_builders import make

from rankfile.core.ballots import EqualRankingError
from rankfile.core.ballots.blt import read_blt
from rankfile.core.counting.gregory import count_scottish_stv, count_wigm
from rankfile.core.counting.meek import count_meek
from rankfile.core.counting.methods import count
from rankfile.core.counting.plurality import count_approval, count_plurality
from rankfile.core.counting.schulze import count_schulze

LEITH = Path(__file__).parent / "data" / "scot-elex-edinburgh_2017_ward12-leith-walk.blt"


def names(result):
    return [result.name(c) for c in result.elected]


def test_it_elects_the_plurality_winner_on_first_preferences_only():
    result = count_plurality(make("ABC", {"AB": 4, "BA": 3, "CB": 5}))
    assert names(result) == ["C"]
    assert result.rounds[0].tallies == {0: 4, 1: 3, 2: 5}


def test_it_gives_block_plurality_one_vote_per_seat_and_refuses_overvotes():
    ballots = make("ABCD", {"ABC": 2, "BC": 4, "DA": 1, "A=B=C": 1})
    result = count_plurality(ballots, seats=2, block=True)
    assert names(result) == ["B", "C"]  # B 6, C 4: the first two marks of each ballot only
    assert result.rounds[0].tallies[0] == 3  # A: 2 + 1 (DA)
    assert result.rounds[0].exhausted == 1  # three marks for two seats: invalid


def test_it_counts_every_candidate_an_approval_ballot_marks():
    result = count_approval(make("ABC", {"AB": 2, "B": 1, "CA": 2}), seats=1)
    assert result.rounds[0].tallies == {0: 4, 1: 3, 2: 2}
    assert names(result) == ["A"]


def test_it_ranks_every_candidate_by_schulze():
    # The worked example of Schulze's paper (45 voters, winner E).
    ballots = make(
        "ABCDE",
        {
            "ACBED": 5,
            "ADECB": 5,
            "BEDAC": 8,
            "CABED": 3,
            "CAEBD": 7,
            "CBADE": 2,
            "DCEBA": 7,
            "EBADC": 8,
        },
    )
    result = count_schulze(ballots)
    assert [[result.name(c) for c in tier] for tier in result.ranking] == [
        ["E"],
        ["A"],
        ["C"],
        ["B"],
        ["D"],
    ]
    assert names(result) == ["E"]


def test_it_treats_equal_and_unranked_candidates_as_ties_in_schulze():
    result = count_schulze(make("ABC", {"A=B": 2, "C": 1}), seed=1)
    assert result.ranking == [[0, 1], [2]]


def test_it_elects_the_same_candidates_in_leith_walk_by_every_stv_rule():
    ballots = read_blt(LEITH)
    expected = names(count_scottish_stv(ballots))
    assert names(count_wigm(ballots)) == expected
    assert sorted(names(count_meek(ballots))) == sorted(expected)


def test_it_counts_wigm_in_exact_fractions_without_loss():
    result = count_wigm(make("ABC", {"AB": 7, "AC": 2, "B": 3, "C": 4}, seats=2))
    # Quota 6; A's surplus of 3 passes at 3/9 = 1/3 a paper: B + 7/3, C + 2/3.
    assert result.quota == 6
    assert result.rounds[1].tallies[1] == 3 + Fraction(7, 3)
    assert result.rounds[1].tallies[2] == 4 + Fraction(2, 3)
    assert all(r.loss == 0 for r in result.rounds)


def test_it_truncates_scottish_transfer_values_to_five_places():
    result = count_scottish_stv(make("ABC", {"AB": 7, "AC": 2, "B": 3, "C": 4}, seats=2))
    # 3/9 truncated to 0.33333: B gets 7 x 0.33333, C 2 x 0.33333, 0.00003 lost.
    assert result.rounds[1].tallies[1] == 3 + Fraction(233331, 100000)
    assert result.rounds[1].loss == Fraction(3, 100000)


def test_it_keeps_meek_votes_at_the_quota_of_each_round():
    result = count_meek(make("ABC", {"AB": 7, "AC": 2, "B": 3, "C": 4}, seats=2))
    last = result.rounds[-1]
    a_votes = last.tallies[0]
    assert abs(a_votes - last.quota) < Fraction(1, 10**5)
    assert sum(last.tallies.values()) + last.exhausted == 16


def test_it_refuses_equal_rankings_where_the_rule_needs_a_strict_order():
    ballots = make("ABC", {"A=B": 1, "C": 1})
    with pytest.raises(EqualRankingError, match="ranks candidates equally"):
        ballots.strict_rankings()


def test_it_treats_an_equal_ranking_as_the_end_of_a_scottish_paper():
    # The second ballot's paper is valid for A, then ambiguous: exhausted when A is excluded.
    result = count_scottish_stv(make("ABC", {"B": 3, "C": 2, "AB=C": 1}, seats=1))
    assert result.rounds[1].exhausted == 1


def test_it_names_the_methods_it_knows():
    with pytest.raises(ValueError, match="unknown method"):
        count(make("AB", {"A": 1}), "borda")
