"""Properties that the SQL version of the rules relies on (see docs/rules.md)."""

import datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from rankfile.core import cutoffs, dates
from rankfile.core.rules import RuleSet
from rankfile.core.standing import (
    Checkoff,
    MemberFacts,
    Payment,
    Waiver,
    determine,
    loses_standing_on,
)

days = st.dates(min_value=datetime.date(2015, 1, 1), max_value=datetime.date(2030, 12, 31))
policies = st.sampled_from(dates.MONTH_END_POLICIES)
ONE_DAY = datetime.timedelta(days=1)


@given(days, days, st.integers(-36, 36), policies)
def test_adding_months_never_puts_a_later_date_before_an_earlier_one(first, second, months, policy):
    early, late = min(first, second), max(first, second)
    assert dates.add_months(early, months, policy) <= dates.add_months(late, months, policy)


@given(days, st.integers(-36, 36), policies)
def test_adding_months_lands_in_the_target_month_or_just_after_it(day, months, policy):
    moved = dates.add_months(day, months, policy)
    target = dates.month_index(day) + months
    assert dates.month_index(moved) == target or (policy == dates.ROLL_FORWARD and moved.day == 1)


@given(days, days, st.integers(0, 6), st.integers(0, 60))
def test_the_arrears_cutoff_and_the_count_of_months_in_arrears_agree(paid, as_of, allowed, grace):
    rules = RuleSet(name="x", months_in_arrears_before_losing_standing=allowed, grace_days=grace)
    cutoff = cutoffs.arrears_cutoff(rules, as_of)
    assert cutoff is not None
    owed = cutoffs.months_in_arrears(rules, paid, as_of)
    assert owed is not None
    assert (paid >= cutoff) == (owed <= allowed)


rule_sets = st.builds(
    RuleSet,
    name=st.just("random"),
    paid_within_months=st.one_of(st.none(), st.integers(0, 13)),
    grace_days=st.integers(0, 45),
    months_in_arrears_before_losing_standing=st.one_of(st.none(), st.integers(0, 3)),
    waiver_max_months=st.one_of(st.none(), st.integers(1, 12)),
    checkoff_counts_as_paid=st.booleans(),
    waivers_count_as_paid=st.booleans(),
    month_end_policy=policies,
).filter(lambda r: r.has_dues_rule)


@st.composite
def histories(draw):
    start = draw(
        st.dates(min_value=datetime.date(2018, 1, 1), max_value=datetime.date(2020, 12, 31))
    )
    payments = []
    for _ in range(draw(st.integers(0, 4))):
        begin = start + datetime.timedelta(days=draw(st.integers(0, 700)))
        payments.append(Payment(begin, begin + datetime.timedelta(days=draw(st.integers(0, 400)))))
    checkoffs = []
    for _ in range(draw(st.integers(0, 1))):
        begin = start + datetime.timedelta(days=draw(st.integers(0, 700)))
        checkoffs.append(
            Checkoff(begin, begin + datetime.timedelta(days=draw(st.integers(0, 300))))
        )
    waivers = []
    for _ in range(draw(st.integers(0, 2))):
        begin = start + datetime.timedelta(days=draw(st.integers(0, 700)))
        waivers.append(Waiver(begin, begin + datetime.timedelta(days=draw(st.integers(0, 500)))))
    return MemberFacts(
        joined_on=start,
        payments=tuple(payments),
        checkoffs=tuple(checkoffs),
        waivers=tuple(waivers),
    )


@settings(max_examples=150, deadline=None)
@given(histories(), rule_sets, st.integers(0, 900))
def test_the_forecast_loss_of_standing_is_the_first_day_the_member_is_out(facts, rules, offset):
    as_of = facts.joined_on + datetime.timedelta(days=offset)
    if not determine(facts, rules, as_of).in_good_standing:
        return
    loses_on = loses_standing_on(facts, rules, as_of)
    if loses_on is None:  # only open-ended cover has no end; none is generated here
        raise AssertionError("every generated cover ends")
    assert not determine(facts, rules, loses_on).in_good_standing
    # every day in between is in good standing (checked at a spread of days, and the last one)
    span = (loses_on - as_of).days
    for step in {1, span // 3, span // 2, span - 1}:
        if 0 < step < span:
            assert determine(facts, rules, as_of + datetime.timedelta(days=step)).in_good_standing
