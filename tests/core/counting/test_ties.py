"""Ties at every place a count can meet one: broken by earlier rounds, then by a recorded lot."""

import pytest
from ballot_builders import make

from rankfile.core.counting.gregory import count_scottish_stv, count_wigm
from rankfile.core.counting.irv import count_irv
from rankfile.core.counting.meek import count_meek
from rankfile.core.counting.plurality import count_approval, count_plurality
from rankfile.core.counting.schulze import count_schulze
from rankfile.core.counting.ties import TieNeedsLot

# Stage 1: A 10, B 9, C 3, D 4, E 1; E goes to C, so at stage 2 C and D tie at 4.
EARLIER_STAGE = make("ABCDE", {"A": 10, "B": 9, "C": 3, "D": 4, "EC": 1}, seats=1)


@pytest.mark.parametrize("count", [count_scottish_stv, count_wigm, count_meek])
def test_it_breaks_an_exclusion_tie_by_the_most_recent_stage_where_they_differed(count):
    result = count(EARLIER_STAGE)
    decision = result.rounds[1].decisions[0]
    assert (result.name(decision.candidate), decision.kind) == ("C", "excluded")
    assert "round 1" in decision.reason
    assert result.seed is None and result.notes == []


def test_it_looks_back_past_stages_where_the_tied_candidates_were_equal():
    # C and D: 3 and 4 at stage 1, 4 and 4 at stage 2, 5 and 5 at stage 3.
    ballots = make("ABCDEF", {"A": 20, "B": 19, "C": 3, "D": 4, "EC": 1, "FC": 1, "FD": 1}, 1)
    result = count_scottish_stv(ballots)
    excluded = [result.name(c) for r in result.rounds for c in r.excluded]
    assert excluded[:3] == ["E", "F", "C"]
    assert "round 1" in result.rounds[2].decisions[0].reason


@pytest.mark.parametrize("count", [count_scottish_stv, count_wigm, count_meek])
def test_it_refuses_to_choose_silently_when_only_a_lot_can_break_a_tie(count):
    # C and D go one after the other whichever goes first; the tie between A and B decides.
    ballots = make("ABCD", {"A": 5, "B": 5, "C": 2, "D": 2}, seats=1)
    with pytest.raises(TieNeedsLot, match="^A, B are tied for exclusion"):
        count(ballots)


@pytest.mark.parametrize("count", [count_scottish_stv, count_wigm, count_meek])
def test_it_draws_lots_with_the_given_seed_and_records_it(count):
    ballots = make("ABCD", {"A": 5, "B": 5, "C": 2, "D": 2}, seats=1)
    result = count(ballots, seed=7)
    again = count(ballots, seed=7)
    assert result.seed == 7
    assert result.elected == again.elected
    decision = result.rounds[0].decisions[0]
    assert decision.kind == "excluded"
    assert "by lot (seed 7)" in decision.reason
    assert result.notes and "seed 7" in result.notes[0]


def test_it_draws_a_lot_for_the_order_of_equal_surpluses():
    # Quota 4: A and B are elected together with equal surpluses of 2. The order of election
    # decides nothing, but the surplus transferred first decides whether C or D goes.
    ballots = make("ABCD", {"AC": 6, "BD": 6, "C": 1, "D": 1}, seats=3)
    with pytest.raises(TieNeedsLot, match="^A, B are tied for largest surplus"):
        count_scottish_stv(ballots)
    result = count_scottish_stv(ballots, seed=1)
    first_two = {result.name(c) for c in result.elected[:2]}
    assert first_two == {"A", "B"}
    assert any("by lot (seed 1)" in d.reason for d in result.rounds[0].decisions)


def test_it_breaks_an_instant_runoff_elimination_tie_by_the_earlier_round():
    ballots = make("ABCDE", {"A": 6, "B": 5, "CD": 1, "D": 2, "E": 3})
    result = count_irv(ballots)
    decision = result.rounds[1].decisions[0]
    assert (result.name(decision.candidate), decision.kind) == ("D", "excluded")
    assert "round 1" in decision.reason


def test_it_needs_a_seed_for_an_instant_runoff_tie_at_every_round():
    # Whichever of A and B is eliminated, the other wins.
    ballots = make("ABC", {"AB": 2, "BA": 2, "C": 3})
    with pytest.raises(TieNeedsLot, match="^A, B are tied for elimination"):
        count_irv(ballots)
    assert "seed 3" in count_irv(ballots, seed=3).rounds[0].decisions[0].reason


def test_it_eliminates_candidates_tied_at_every_round_without_a_lot_when_both_go_anyway():
    result = count_irv(make("ABCD", {"A": 4, "B": 3, "C": 1, "D": 1}))
    assert [result.name(c) for c in result.elected] == ["A"]
    assert result.seed is None
    assert result.notes == [
        "C, D are tied for elimination at every round; whichever goes first, the same "
        "candidates are elected and excluded, so no lot is drawn: C first, in ballot order"
    ]


def test_it_draws_lots_for_the_last_seat_in_plurality_and_approval():
    ballots = make("ABC", {"A": 3, "B": 2, "C": 2})
    with pytest.raises(TieNeedsLot, match="the last seat"):
        count_plurality(ballots, seats=2, block=True)
    result = count_plurality(ballots, seats=2, block=True, seed=5)
    assert result.name(result.elected[0]) == "A"
    assert result.name(result.elected[1]) in ("B", "C")
    with pytest.raises(TieNeedsLot):
        count_approval(make("AB", {"A": 1, "B": 1}), seats=1)


def test_it_does_not_draw_a_lot_when_every_tied_candidate_is_elected():
    result = count_plurality(make("ABC", {"A": 3, "B": 2, "C": 2}), seats=3)
    assert sorted(result.name(c) for c in result.elected) == ["A", "B", "C"]


def test_it_draws_a_lot_between_schulze_candidates_tied_for_first():
    ballots = make("AB", {"AB": 1, "BA": 1})
    with pytest.raises(TieNeedsLot, match="first place"):
        count_schulze(ballots)
    result = count_schulze(ballots, seed=2)
    assert result.ranking == [[0, 1]]
    assert len(result.elected) == 1


def test_it_needs_no_lot_to_list_candidates_elected_together_with_equal_votes():
    # A is elected; B and C, equal at every stage, fill the last two seats together.
    result = count_scottish_stv(make("ABC", {"A": 10, "B": 3, "C": 3}, seats=3))
    assert [result.name(c) for c in result.elected] == ["A", "B", "C"]
    assert result.seed is None


def test_it_narrows_a_three_way_tie_by_earlier_rounds_before_drawing_lots():
    from rankfile.core.counting.ties import TieBreaker

    history = [{0: 5, 1: 5, 2: 7}, {0: 6, 1: 6, 2: 6}]
    with pytest.raises(TieNeedsLot, match="^A, B are tied"):
        TieBreaker(["A", "B", "C"], None).pick([0, 1, 2], history, lowest=True, what="exclusion")
    chosen, reason = TieBreaker(["A", "B", "C"], 9).pick(
        [0, 1, 2], history, lowest=True, what="exclusion"
    )
    assert chosen in (0, 1) and "between A, B broken by lot (seed 9)" in reason
    highest, _ = TieBreaker(["A", "B", "C"], None).pick([0, 1, 2], history, False, "election")
    assert highest == 2


def test_it_decides_a_final_instant_runoff_tie_by_the_earlier_round():
    # A and B have 4 each when C goes; at round 1, B had more: A is eliminated.
    result = count_irv(make("ABC", {"A": 3, "B": 4, "CA": 1, "C": 1}))
    assert [result.name(c) for c in result.elected] == ["B"]
    assert "round 1" in result.rounds[1].decisions[0].reason


# Two seats: A and B are both elected whatever the order of their election.
ORDER_ONLY = '3 2\n5 1 0\n5 2 0\n1 3 0\n0\n"A" "B" "C" "T"\n'


@pytest.mark.parametrize("method", ["scottish-stv", "wigm", "meek"])
def test_it_draws_no_lot_for_a_tie_that_decides_only_the_order_of_election(method):
    from rankfile.core.ballots.blt import parse_blt
    from rankfile.core.counting.methods import count

    result = count(parse_blt(ORDER_ONLY), method)
    assert sorted(result.name(c) for c in result.elected) == ["A", "B"]
    assert result.seed is None
    assert len(result.notes) == 1
    assert result.notes[0].startswith("A, B are tied for election order at every round")
    assert "no lot is drawn" in result.notes[0]


def test_it_gives_the_same_result_with_a_seed_when_no_lot_is_needed():
    from rankfile.core.ballots.blt import parse_blt

    ballots = parse_blt(ORDER_ONLY)
    assert count_scottish_stv(ballots, seed=3).elected == count_scottish_stv(ballots).elected
    assert count_scottish_stv(ballots, seed=3).seed is None


def test_it_asks_for_a_lot_when_the_exploration_limit_is_reached(monkeypatch):
    from rankfile.core.counting import ties

    monkeypatch.setattr(ties, "EXPLORE_LIMIT", 1)
    from rankfile.core.ballots.blt import parse_blt

    with pytest.raises(TieNeedsLot, match="^A, B are tied for election order"):
        count_scottish_stv(parse_blt(ORDER_ONLY))
