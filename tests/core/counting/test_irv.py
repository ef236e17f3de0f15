"""Instant runoff with US options, against the Burlington 2009 mayoral count."""

from pathlib import Path

from ballot_builders import make

from rankfile.core.ballots.cvr import read_cvr
from rankfile.core.counting.irv import count_irv

BURLINGTON = Path(__file__).parent / "data" / "us_vt_btv_2009_03_mayor.normalized.csv"


def figures(result, index):
    r = result.rounds[index]
    return {result.name(c): int(v) for c, v in r.tallies.items() if v}, int(r.exhausted)


def test_it_gives_burlingtons_official_first_round():
    result = count_irv(read_cvr(BURLINGTON))
    tallies, exhausted = figures(result, 0)
    assert tallies == {
        "Kurt Wright": 2951,
        "Bob Kiss": 2585,
        "Andy Montroll": 2063,
        "Dan Smith": 1306,
        "Write-in": 36,
        "James Simpson": 35,
    }
    assert exhausted == 4  # the ballots that begin with an overvote


def test_it_gives_burlingtons_final_round_and_elects_kiss():
    result = count_irv(read_cvr(BURLINGTON))
    tallies, exhausted = figures(result, -1)
    assert tallies == {"Bob Kiss": 4313, "Kurt Wright": 4060}
    assert exhausted == 607
    assert [result.name(c) for c in result.elected] == ["Bob Kiss"]


def test_it_reaches_the_same_final_round_with_batch_elimination():
    result = count_irv(read_cvr(BURLINGTON), batch_elimination=True)
    assert figures(result, -1) == ({"Bob Kiss": 4313, "Kurt Wright": 4060}, 607)
    assert [result.name(c) for c in result.rounds[0].excluded] == [
        "James Simpson",
        "Write-in",
        "Dan Smith",
    ]
    assert len(result.rounds) == 3


def test_it_exhausts_a_ballot_at_its_first_overvote():
    # C is eliminated; its ballots' next rank is an overvote (A=B), so both are exhausted,
    # although one of them names A again after it.
    result = count_irv(make("ABC", {"A": 4, "B": 3, "CA=BA": 1, "C": 1}))
    assert int(result.rounds[1].exhausted) == 2
    assert int(result.rounds[1].tallies[0]) == 4


def test_it_ignores_a_repeated_candidate():
    ballots = make("ABC", {"A": 4, "B": 3, "C": 1})
    ballots.add(((2,), (2,), (1,)), 1)  # C, C again, then B
    result = count_irv(ballots)
    assert int(result.rounds[1].tallies[1]) == 4


def test_it_stops_as_soon_as_a_candidate_has_a_majority_of_continuing_ballots():
    result = count_irv(make("ABC", {"A": 6, "B": 3, "C": 2}))
    assert len(result.rounds) == 1
    assert result.rounds[0].decisions[0].reason == "more than half of the continuing ballots"
