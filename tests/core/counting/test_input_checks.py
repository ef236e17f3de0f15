"""One check of the seats, candidates and ballots, the same for every method and file format."""

import pytest
from ballot_builders import make

from rankfile.core.ballots import BallotSet
from rankfile.core.ballots.blt import parse_blt
from rankfile.core.counting.methods import METHODS, count
from rankfile.core.counting.validation import CountInputError

NO_BALLOTS = parse_blt('3 2\n0\n"A" "B" "C" "T"\n')


@pytest.mark.parametrize("method", METHODS)
def test_it_refuses_to_count_a_file_without_ballots(method):
    with pytest.raises(CountInputError, match="holds no ballots: there is nothing to count"):
        count(NO_BALLOTS, method)


@pytest.mark.parametrize("method", METHODS)
def test_it_refuses_ballots_that_mark_no_candidate(method):
    ballots = parse_blt('2 1\n3 0\n0\n"A" "B" "T"\n')
    with pytest.raises(CountInputError, match="no ballot marks a candidate"):
        count(ballots, method)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("seats", [0, -2])
def test_it_refuses_fewer_than_one_seat_for_every_method(method, seats):
    ballots = make("ABC", {"AB": 3, "C": 2}, seats=2)
    with pytest.raises(CountInputError, match=f"at least 1 \\(asked for {seats}\\)"):
        count(ballots, method, seats=seats)


@pytest.mark.parametrize(
    "method", ["scottish-stv", "meek", "wigm", "plurality", "block-plurality", "approval"]
)
def test_it_refuses_more_seats_than_candidates(method):
    ballots = make("ABC", {"AB": 3, "C": 2})
    with pytest.raises(CountInputError, match="5 seats to fill but only 3 candidates standing"):
        count(ballots, method, seats=5)


def test_it_counts_withdrawn_candidates_out_of_the_candidates_standing():
    ballots = parse_blt('3 1\n-3\n2 1 0\n1 2 0\n0\n"A" "B" "C" "T"\n')
    with pytest.raises(CountInputError, match="3 seats to fill but only 2 candidates"):
        count(ballots, "meek", seats=3)


@pytest.mark.parametrize("method", ["irv", "schulze"])
def test_it_refuses_several_seats_for_a_single_seat_method(method):
    ballots = make("ABC", {"AB": 3, "C": 2})
    with pytest.raises(CountInputError, match=f"{method} elects one candidate"):
        count(ballots, method, seats=2)
    assert len(count(ballots, method, seats=1).elected) == 1


@pytest.mark.parametrize("method", ["scottish-stv", "meek", "wigm"])
def test_it_asks_for_the_seats_when_neither_the_file_nor_the_caller_gives_them(method):
    ballots = make("ABC", {"AB": 3, "C": 2})
    with pytest.raises(CountInputError, match="not in the ballot file: give it"):
        count(ballots, method)


def test_it_refuses_a_file_that_names_no_candidates():
    with pytest.raises(CountInputError, match="names no candidates"):
        count(BallotSet([]), "irv")


@pytest.mark.parametrize("method", ["plurality", "block-plurality", "approval"])
def test_it_uses_the_seats_asked_for_over_the_files(method):
    ballots = make("ABC", {"AB": 3, "C": 2, "B": 1}, seats=1)
    assert len(count(ballots, method, seats=2, seed=1).elected) == 2
    assert len(count(ballots, method).elected) == 1
