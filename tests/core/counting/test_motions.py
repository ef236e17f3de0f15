"""Motions: thresholds, bases, abstentions, ties and quorum."""

from fractions import Fraction

import pytest

from rankfile.core.counting.motions import SIMPLE_MAJORITY, TWO_THIRDS, MotionRule, decide_motion


def test_it_carries_a_simple_majority_with_more_than_half_of_the_valid_votes():
    assert decide_motion(11, 10).carried
    assert not decide_motion(10, 10).carried


def test_it_reports_a_tie_and_fails_it_under_a_majority_rule():
    result = decide_motion(10, 10, 3)
    assert result.tie
    assert result.outcome == "failed"
    assert "tied 10 to 10" in result.explanation


def test_it_ignores_abstentions_unless_the_rule_counts_them():
    assert decide_motion(11, 10, 5).carried
    counted = MotionRule(abstentions="counted")
    result = decide_motion(11, 10, 5, counted)
    assert not result.carried
    assert (result.base, result.required) == (26, 14)


def test_it_needs_at_least_two_thirds_for_a_two_thirds_rule():
    assert decide_motion(20, 10, rule=TWO_THIRDS).carried
    result = decide_motion(19, 10, rule=TWO_THIRDS)
    assert not result.carried
    assert result.required == 20  # 2/3 of 29 is 19.33


def test_it_counts_spoilt_ballots_in_the_votes_cast_but_not_the_valid_votes():
    cast = MotionRule(basis="cast")
    assert not decide_motion(11, 10, spoilt=2, rule=cast).carried
    assert decide_motion(11, 10, spoilt=2, rule=SIMPLE_MAJORITY).carried


def test_it_measures_against_the_members_present_or_entitled_when_the_rule_says():
    present = MotionRule(basis="present")
    assert not decide_motion(11, 5, 2, present, present=30).carried  # 11 of 30 present
    assert decide_motion(16, 5, 2, present, present=30).carried
    entitled = MotionRule(threshold=Fraction(2, 3), more_than=False, basis="entitled")
    result = decide_motion(60, 5, rule=entitled, entitled=100, present=70)
    assert not result.carried and result.required == 67


def test_it_decides_nothing_without_a_quorum():
    rule = MotionRule(quorum=25)
    result = decide_motion(20, 1, rule=rule, present=24)
    assert result.outcome == "no-quorum"
    assert "no quorum: 24 present, 25 needed" in result.explanation
    assert decide_motion(20, 1, rule=rule, present=25).carried


def test_it_never_carries_a_motion_with_no_yes_votes():
    rule = MotionRule(threshold=Fraction(1, 3), more_than=False)
    assert not decide_motion(0, 0, 4, rule).carried


def test_it_refuses_impossible_figures():
    with pytest.raises(ValueError, match="10 votes from 9 members present"):
        decide_motion(8, 2, 0, spoilt=0, present=9)
    with pytest.raises(ValueError):
        decide_motion(-1, 2)
    with pytest.raises(ValueError, match="give their number"):
        decide_motion(1, 2, rule=MotionRule(basis="present"))
