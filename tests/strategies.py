"""Hypothesis strategies shared by the core's property tests and the database's."""

from __future__ import annotations

from hypothesis import strategies as st

from rankfile.core import dates
from rankfile.core.rules import RuleSet


@st.composite
def rule_sets(draw: st.DrawFn) -> RuleSet:
    """A random rule set using every standing parameter, kept consistent (a suspension limit
    only with a dues rule, at or past the limit for losing standing)."""
    losing = draw(st.one_of(st.none(), st.integers(0, 3)))
    within = draw(st.one_of(st.none(), st.integers(0, 13)))
    has_dues = losing is not None or within is not None
    suspension = None
    if has_dues and draw(st.booleans()):
        suspension = (losing or 0) + draw(st.integers(0, 2))
    attended = draw(st.one_of(st.none(), st.integers(1, 3)))
    return RuleSet(
        name="random",
        paid_within_months=within,
        months_in_arrears_before_losing_standing=losing,
        months_in_arrears_before_suspension=suspension,
        grace_days=draw(st.integers(0, 45)),
        checkoff_counts_as_paid=draw(st.booleans()),
        lifetime_counts_as_paid=draw(st.booleans()),
        waivers_count_as_paid=draw(st.booleans()),
        waiver_max_months=draw(st.one_of(st.none(), st.integers(1, 12))),
        min_days_before_cutoff=draw(st.sampled_from([0, 0, 30, 90])),
        meetings_attended=attended,
        of_last_meetings=None if attended is None else attended + draw(st.integers(0, 2)),
        attendance_when_not_recorded=draw(st.sampled_from(["not_applied", "fail"])),
        month_end_policy=draw(st.sampled_from(dates.MONTH_END_POLICIES)),
    )
