from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import fisher_exact

from rankfile.core.fairness import (
    NO_GROUP,
    equal_treatment_report,
    fisher_greater,
    fisher_two_sided,
    format_p,
)


def issue_example(**extra):
    """The rule matched 41 members; 6 were asked; all 6 are in Branch X, which has 9 of the 41."""
    branches = ["Branch X"] * 9 + ["Branch Y"] * 12 + ["Branch Z"] * 20
    groups = {n: {"branch": b} for n, b in enumerate(branches)}
    return equal_treatment_report(
        action="Inquiries about dues",
        matched=range(41),
        acted_on=range(6),
        groups=groups,
        verb="asked",
        **extra,
    )


def test_it_flags_inquiries_that_all_went_to_one_branch():
    report = issue_example()
    (finding,) = report.flagged
    assert (finding.group, finding.matched, finding.acted) == ("Branch X", 9, 6)
    assert (finding.rest_matched, finding.rest_acted) == (32, 0)
    assert finding.rate == Fraction(2, 3) and finding.rest_rate == 0
    assert report.summary == (
        "Inquiries about dues: the rule matched 41 members; 6 were asked; all 6 are in Branch X, "
        "which has 9 of the 41: p = 0.000019 (one-sided Fisher exact test against the rest; "
        "flagged as a disparity)."
    )


def test_the_exact_p_value_for_the_issue_example_is_84_in_4496388():
    # C(9,6) * C(32,0) / C(41,6): only the observed table is as extreme, so one- and two-sided agree.
    assert fisher_greater(6, 9, 6, 41) == Fraction(84, 4496388)
    assert fisher_two_sided(6, 9, 6, 41) == Fraction(84, 4496388)
    assert fisher_exact([[6, 3], [0, 32]], alternative="greater").pvalue == pytest.approx(
        1.868e-5, rel=1e-3
    )


def test_the_issue_figure_of_0_0004_comes_from_a_table_that_counts_the_asked_twice():
    # [[asked in X, asked elsewhere], [matched in X, matched elsewhere]] puts the 6 asked in both
    # rows; that is not a valid contingency table. Recorded so nobody "fixes" the test to match.
    wrong = fisher_exact([[6, 0], [9, 32]], alternative="greater").pvalue
    assert format_p(Fraction(wrong).limit_denominator(10**9)) == "0.00047"
    assert fisher_greater(6, 9, 6, 41) < Fraction(1, 10000)


def test_the_other_branches_are_not_flagged_and_their_rates_are_zero():
    report = issue_example()
    others = [f for f in report.in_dimension("branch") if f.group != "Branch X"]
    assert [(f.group, f.acted, f.p_value, f.flagged) for f in others] == [
        ("Branch Y", 0, 1, False),
        ("Branch Z", 0, 1, False),
    ]


def test_a_fair_draw_is_not_flagged():
    groups = {n: {"branch": "A" if n % 2 else "B"} for n in range(40)}
    report = equal_treatment_report(
        action="Suspensions", matched=range(40), acted_on=range(10), groups=groups, verb="suspended"
    )
    assert report.flagged == ()
    assert report.summary.endswith("no group was acted on significantly more often than the rest.")


def test_the_threshold_is_divided_among_the_groups_tested():
    report = issue_example(alpha=Fraction(1, 100))
    assert {f.threshold for f in report.findings} == {Fraction(1, 300)}
    # p = 84/4496388 is under 0.01/3 but not under a threshold of 1/100000
    assert issue_example(alpha=Fraction(3, 100000)).flagged == ()


def test_grouping_is_one_more_dimension_such_as_faction():
    groups = {n: {"branch": "Atlanta" if n < 20 else "Boston", "faction": "Renewal" if n % 4 == 0 else "Leadership"}
              for n in range(40)}  # fmt: skip
    renewal = [n for n in range(40) if n % 4 == 0]
    report = equal_treatment_report(
        action="Inquiries", matched=range(40), acted_on=renewal[:7], groups=groups
    )
    assert {f.dimension for f in report.findings} == {"branch", "faction"}
    assert [f.group for f in report.flagged] == ["Renewal"]
    assert [f.group for f in report.in_dimension("faction")] == ["Leadership", "Renewal"]


def test_members_acted_on_whom_the_rule_did_not_match_are_counted_apart():
    groups = {n: {"branch": "A" if n < 5 else "B"} for n in range(12)}
    report = equal_treatment_report(
        action="Inquiries about dues",
        matched=range(10),
        acted_on=[0, 10, 11],
        groups=groups,
        verb="asked",
    )
    assert (report.matched, report.acted, report.acted_outside_rule) == (10, 1, 2)
    assert report.summary.endswith("2 members were asked although the rule did not match them.")
    assert {f.group: f.acted_outside_rule for f in report.findings} == {"A": 0, "B": 2}


def test_a_member_without_a_label_falls_in_no_group():
    report = equal_treatment_report(
        action="x", matched=[1, 2], acted_on=[1], groups={1: {"branch": "A"}}
    )
    assert {f.group for f in report.findings} == {"A", NO_GROUP}


def test_an_empty_period_reports_nothing_acted_on():
    report = equal_treatment_report(
        action="Suspensions", matched=[], acted_on=[], groups={}, dimensions=["branch"]
    )
    assert report.summary == "Suspensions: the rule matched 0 members; 0 were acted on."
    assert report.findings == ()


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 40), st.data())
def test_exact_p_values_match_scipy(matched, data):
    group = data.draw(st.integers(0, matched))
    acted = data.draw(st.integers(0, matched))
    low, high = max(0, acted - (matched - group)), min(group, acted)
    in_group = data.draw(st.integers(low, high))
    table = [[in_group, group - in_group], [acted - in_group, matched - group - (acted - in_group)]]
    greater = fisher_exact(table, alternative="greater").pvalue
    two_sided = fisher_exact(table).pvalue
    assert float(fisher_greater(in_group, group, acted, matched)) == pytest.approx(
        greater, rel=1e-9, abs=1e-12
    )
    assert float(fisher_two_sided(in_group, group, acted, matched)) == pytest.approx(
        two_sided, rel=1e-6, abs=1e-9
    )


@pytest.mark.parametrize(
    ("p", "shown"),
    [(Fraction(84, 4496388), "0.000019"), (Fraction(1), "1.0"), (Fraction(1, 4), "0.25")],
)
def test_p_values_are_shown_in_plain_decimals(p, shown):
    assert format_p(p) == shown
