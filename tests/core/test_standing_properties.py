"""Properties that the SQL version of the rules relies on (see docs/rules.md)."""

import datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from rankfile.core import cutoffs, dates, lifecycle
from rankfile.core.rules import RuleSet
from rankfile.core.standing import (
    Attendance,
    Checkoff,
    MemberFacts,
    Payment,
    Waiver,
    determine,
    loses_standing_on,
)
from tests.strategies import rule_sets as full_rule_sets

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


# --- the documented set-based semantics (docs/rules.md) equal the per-member function ---------


@st.composite
def rich_histories(draw):
    joined = draw(
        st.dates(min_value=datetime.date(2018, 1, 1), max_value=datetime.date(2020, 12, 31))
    )

    def later(limit):
        return joined + datetime.timedelta(days=draw(st.integers(0, limit)))

    payments = []
    for _ in range(draw(st.integers(0, 5))):
        begin = later(900)
        paid_on = draw(st.one_of(st.none(), st.just(later(900))))
        payments.append(
            Payment(begin, begin + datetime.timedelta(days=draw(st.integers(0, 400))), paid_on)
        )
    for paid in draw(st.lists(st.sampled_from(payments), max_size=2)) if payments else []:
        payments.append(Payment(paid.covers_from, paid.covers_through, later(900), reversal=True))
    events = [(joined, lifecycle.ADMITTED)]
    if draw(st.booleans()):
        events.append((later(900), lifecycle.LAPSED_EVENT))
        if draw(st.booleans()):
            events.append(
                (
                    events[-1][0] + datetime.timedelta(days=draw(st.integers(1, 200))),
                    lifecycle.REINSTATED,
                )
            )
    attendance = None
    if draw(st.booleans()):
        attendance = tuple(
            Attendance(later(900), draw(st.booleans())) for _ in range(draw(st.integers(0, 6)))
        )
    return MemberFacts(
        joined_on=joined,
        status_events=tuple(events),
        payments=tuple(payments),
        checkoffs=tuple(
            Checkoff(
                start,
                draw(
                    st.one_of(
                        st.none(),
                        st.just(start + datetime.timedelta(days=draw(st.integers(0, 300)))),
                    )
                ),
            )
            for start in [later(900) for _ in range(draw(st.integers(0, 1)))]
        ),
        waivers=tuple(
            Waiver(
                start,
                start + datetime.timedelta(days=draw(st.integers(0, 500))),
                draw(st.booleans()),
            )
            for start in [later(900) for _ in range(draw(st.integers(0, 2)))]
        ),
        lifetime_since=draw(st.one_of(st.none(), st.just(later(900)))),
        attendance=attendance,
    )


def documented_semantics(facts, rules, on):
    """docs/rules.md, "What each criterion means exactly", written as the SQL would be."""
    kept = []
    by_period = {}
    for p in facts.payments:
        by_period.setdefault((p.covers_from, p.covers_through), []).append(p)
    for group in by_period.values():
        cancelled = sum(1 for p in group if p.reversal)
        paid = sorted(
            (p for p in group if not p.reversal), key=lambda p: p.paid_on or datetime.date.min
        )
        kept.extend(paid[: max(0, len(paid) - cancelled)])
    paid_through = max(
        (p.covers_through for p in kept if p.paid_on is None or p.paid_on <= on), default=None
    )
    cut = cutoffs.standing_cutoff_date(rules, on)
    earliest = cutoffs.waiver_earliest_start(rules, on)
    dues_ok = (
        (paid_through is not None and cut is not None and paid_through >= cut)
        or (
            rules.lifetime_counts_as_paid
            and facts.lifetime_since is not None
            and facts.lifetime_since <= on
        )
        or (
            rules.checkoff_counts_as_paid
            and any(
                c.starts_on <= on and (c.ends_on is None or c.ends_on >= on)
                for c in facts.checkoffs
            )
        )
        or (
            rules.waivers_count_as_paid
            and any(
                w.granted
                and w.starts_on <= on <= w.ends_on
                and (earliest is None or w.starts_on >= earliest)
                for w in facts.waivers
            )
        )
    )
    status = lifecycle.status_after(e for e in facts.status_events if e[0] <= on)
    membership = status == lifecycle.MEMBER and facts.joined_on <= on
    length = rules.min_days_before_cutoff == 0 or facts.joined_on <= cutoffs.joined_cutoff_date(
        rules, on
    )
    activity = True
    if rules.meetings_attended is not None:
        if facts.attendance is None:
            activity = rules.attendance_when_not_recorded == "not_applied"
        else:
            last = sorted(
                (a for a in facts.attendance if a.meeting_on <= on), key=lambda a: a.meeting_on
            )
            last = last[-rules.of_last_meetings :]
            activity = sum(a.attended for a in last) >= min(rules.meetings_attended, len(last))
    good = membership and length and (dues_ok or not rules.has_dues_rule) and activity
    suspension = cutoffs.suspension_cutoff_date(rules, on)
    suspended = (
        suspension is not None
        and not dues_ok
        and (paid_through is None or paid_through < suspension)
    )
    return good, suspended, paid_through


@settings(max_examples=400, deadline=None)
@given(rich_histories(), full_rule_sets(), st.integers(-30, 1200))
def test_the_documented_comparisons_give_the_same_standing_as_determine(facts, rules, offset):
    on = facts.joined_on + datetime.timedelta(days=offset)
    result = determine(facts, rules, on)
    assert (result.in_good_standing, result.suspended, result.paid_through) == documented_semantics(
        facts, rules, on
    )
