import datetime

import pytest

from rankfile.core import lifecycle
from rankfile.core.rules import RuleSet, load_rules
from rankfile.core.standing import (
    BY_CHECKOFF,
    BY_LIFETIME,
    BY_PAYMENT,
    BY_WAIVER,
    FAILED,
    NOT_APPLIED,
    PASSED,
    Attendance,
    Checkoff,
    FactsError,
    MemberFacts,
    Payment,
    Waiver,
    determine,
    loses_standing_on,
    office_eligibility,
    paid_through,
)
from rankfile.examples import RULES_DIR

D = datetime.date
EXAMPLES = RULES_DIR
WITHIN_ONE_MONTH = RuleSet(name="within a month", paid_within_months=1)
UNION = RuleSet(
    name="union",
    months_in_arrears_before_losing_standing=1,
    months_in_arrears_before_suspension=2,
)


def month(year, number):
    """A payment covering one whole calendar month."""
    start = D(year, number, 1)
    end = D(year + number // 12, number % 12 + 1, 1) - datetime.timedelta(days=1)
    return Payment(start, end)


def member(*payments, **facts):
    return MemberFacts(joined_on=facts.pop("joined_on", D(2011, 9, 1)), payments=payments, **facts)


# --- the letter: dues lapsed during financial hardship ------------------------------------


def test_the_letter_writer_who_lapsed_during_hardship_is_told_why_and_the_way_back():
    ben = member(month(2019, 8))
    result = determine(ben, WITHIN_ONE_MONTH, D(2020, 2, 7))
    assert not result.in_good_standing
    assert result.explanation == (
        "Not in good standing on 2020-02-07: dues paid through 2019-08-31, more than 1 month ago; "
        "no checkoff authorization; no waiver. To regain it: pay from 2019-09 or ask for a hardship waiver."
    )
    assert result.way_back == "pay from 2019-09 or ask for a hardship waiver"


def test_the_letter_writer_with_a_granted_hardship_waiver_is_in_good_standing():
    ben = member(month(2019, 8), waivers=(Waiver(D(2019, 9, 1), D(2020, 8, 31)),))
    result = determine(ben, WITHIN_ONE_MONTH, D(2020, 2, 7))
    assert result.in_good_standing
    assert result.counted_as_paid_by == BY_WAIVER
    assert (
        "hardship waiver granted for 2019-09-01 to 2020-08-31 counts as paid" in result.explanation
    )
    assert result.loses_standing_on == D(2020, 9, 1)
    assert result.way_back == ""


def test_a_waiver_that_was_refused_does_not_count_and_says_so():
    ben = member(month(2019, 8), waivers=(Waiver(D(2019, 9, 1), D(2020, 8, 31), granted=False),))
    result = determine(ben, WITHIN_ONE_MONTH, D(2020, 2, 7))
    assert not result.in_good_standing
    assert "a waiver request refused" in result.explanation


def test_a_waiver_awaiting_a_decision_does_not_count_and_says_it_is_pending():
    asked = Waiver(D(2019, 9, 1), D(2020, 8, 31), granted=False, pending=True)
    result = determine(member(month(2019, 8), waivers=(asked,)), WITHIN_ONE_MONTH, D(2020, 2, 7))
    assert not result.in_good_standing
    assert "a waiver request awaiting a decision" in result.explanation
    assert "refused" not in result.explanation


# --- paid through within N months, and month-end arithmetic --------------------------------


def test_paid_through_the_end_of_january_stays_in_good_standing_through_february():
    paid = member(month(2020, 1))
    assert determine(paid, WITHIN_ONE_MONTH, D(2020, 2, 29)).in_good_standing
    assert not determine(paid, WITHIN_ONE_MONTH, D(2020, 3, 1)).in_good_standing
    assert determine(paid, WITHIN_ONE_MONTH, D(2020, 2, 1)).loses_standing_on == D(2020, 3, 1)


@pytest.mark.parametrize(
    ("policy", "loses_on"),
    [("clamp", D(2021, 4, 1)), ("end_of_month", D(2021, 4, 1)), ("roll_forward", D(2021, 3, 29))],
)
def test_the_month_end_policy_decides_when_paid_through_february_runs_out(policy, loses_on):
    rules = RuleSet(name="x", paid_within_months=1, month_end_policy=policy)
    paid = member(month(2021, 2))
    assert determine(paid, rules, D(2021, 3, 15)).loses_standing_on == loses_on
    assert determine(paid, rules, loses_on - datetime.timedelta(days=1)).in_good_standing
    assert not determine(paid, rules, loses_on).in_good_standing


def test_end_of_month_policy_reads_a_month_before_the_last_of_february_as_the_last_of_january():
    paid = member(Payment(D(2020, 1, 1), D(2020, 1, 30)))
    clamp = RuleSet(name="x", paid_within_months=1, month_end_policy="clamp")
    end_of_month = RuleSet(name="x", paid_within_months=1, month_end_policy="end_of_month")
    assert determine(paid, clamp, D(2020, 2, 29)).in_good_standing  # cut-off 2020-01-29
    assert not determine(paid, end_of_month, D(2020, 2, 29)).in_good_standing  # cut-off 2020-01-31


def test_a_yearly_rule_across_a_leap_day():
    rules = RuleSet(name="x", paid_within_months=12, month_end_policy="clamp")
    paid = member(Payment(D(2019, 3, 1), D(2020, 2, 29)))
    assert determine(
        paid, rules, D(2021, 2, 28)
    ).in_good_standing  # 2021-02-28 - 12 months = 2020-02-28
    assert not determine(paid, rules, D(2021, 3, 1)).in_good_standing


def test_paid_within_zero_months_means_dues_must_cover_the_day_itself():
    rules = RuleSet(name="x", paid_within_months=0)
    result = determine(member(month(2020, 1)), rules, D(2020, 2, 1))
    assert not result.in_good_standing
    assert "dues paid through 2020-01-31, not through 2020-02-01" in result.explanation


def test_the_grace_period_judges_dues_as_they_stood_that_many_days_earlier():
    rules = RuleSet(name="x", paid_within_months=0, grace_days=30)
    paid = member(month(2020, 1))
    assert determine(
        paid, rules, D(2020, 3, 1)
    ).in_good_standing  # 2020-03-01 - 30 days = 2020-01-31
    result = determine(paid, rules, D(2020, 3, 2))
    assert not result.in_good_standing
    assert "(after a grace period of 30 days)" in result.explanation


def test_a_member_who_never_paid_is_told_to_pay_from_the_month_they_joined():
    result = determine(member(joined_on=D(2020, 1, 10)), WITHIN_ONE_MONTH, D(2020, 3, 1))
    assert not result.in_good_standing
    assert result.paid_through is None
    assert "no dues paid" in result.explanation
    assert result.way_back.startswith("pay from 2020-01")


# --- months in arrears and suspension (the union rule) -------------------------------------


def test_one_month_behind_keeps_good_standing_in_the_union():
    result = determine(member(month(2020, 1)), UNION, D(2020, 2, 15))
    assert result.in_good_standing and result.months_in_arrears == 1
    assert result.loses_standing_on == D(2020, 3, 1)


def test_more_than_one_month_behind_loses_good_standing_without_suspension():
    result = determine(member(month(2020, 1)), UNION, D(2020, 3, 1))
    assert not result.in_good_standing and not result.suspended
    assert (
        "dues paid through 2020-01-31, 2 months in arrears, more than the 1 allowed"
        in result.explanation
    )


def test_one_more_month_suspends():
    result = determine(member(month(2020, 1)), UNION, D(2020, 4, 1))
    assert result.suspended
    assert (
        "Suspended: 3 months in arrears, more than the 2 allowed before suspension."
        in result.explanation
    )


def test_a_partly_paid_month_counts_as_unpaid():
    result = determine(member(Payment(D(2020, 1, 1), D(2020, 2, 15))), UNION, D(2020, 3, 1))
    assert result.months_in_arrears == 2 and not result.in_good_standing


def test_the_stricter_of_two_dues_rules_decides():
    both = RuleSet(name="x", paid_within_months=3, months_in_arrears_before_losing_standing=1)
    assert not determine(member(month(2020, 1)), both, D(2020, 3, 10)).in_good_standing


# --- checkoff, lifetime dues -----------------------------------------------------------------


def test_a_checkoff_member_keeps_good_standing_when_the_employer_remits_late():
    on_checkoff = member(month(2020, 1), checkoffs=(Checkoff(D(2018, 5, 1)),))
    result = determine(on_checkoff, UNION, D(2020, 6, 10))
    assert result.in_good_standing and not result.suspended
    assert result.counted_as_paid_by == BY_CHECKOFF
    assert (
        "a dues checkoff authorization has run since 2018-05-01 and counts as paid"
        in result.explanation
    )
    assert result.loses_standing_on is None


def test_checkoff_does_not_count_when_the_rules_say_it_does_not():
    rules = RuleSet(name="x", paid_within_months=1, checkoff_counts_as_paid=False)
    result = determine(
        member(month(2020, 1), checkoffs=(Checkoff(D(2018, 5, 1)),)), rules, D(2020, 6, 10)
    )
    assert not result.in_good_standing
    assert "checkoff" not in result.explanation


def test_an_ended_checkoff_no_longer_counts_and_the_member_is_told_when_it_ended():
    ended = member(month(2020, 1), checkoffs=(Checkoff(D(2018, 5, 1), D(2020, 4, 30)),))
    assert determine(ended, UNION, D(2020, 4, 30)).loses_standing_on == D(2020, 5, 1)
    result = determine(ended, UNION, D(2020, 5, 1))
    assert not result.in_good_standing
    assert "checkoff authorization ended 2020-04-30" in result.explanation


def test_a_lifetime_member_counts_as_paid_when_the_rules_say_so():
    lifer = member(lifetime_since=D(2015, 1, 1))
    result = determine(lifer, WITHIN_ONE_MONTH, D(2020, 2, 7))
    assert result.in_good_standing and result.counted_as_paid_by == BY_LIFETIME
    assert result.loses_standing_on is None
    no_lifetime = RuleSet(name="x", paid_within_months=1, lifetime_counts_as_paid=False)
    assert not determine(lifer, no_lifetime, D(2020, 2, 7)).in_good_standing


# --- waivers ---------------------------------------------------------------------------------


def test_a_waiver_counts_for_at_most_the_maximum_length():
    rules = RuleSet(name="x", paid_within_months=0, waiver_max_months=12)
    long_waiver = member(waivers=(Waiver(D(2019, 1, 1), D(2020, 12, 31)),), joined_on=D(2018, 1, 1))
    assert determine(long_waiver, rules, D(2019, 12, 31)).in_good_standing
    assert determine(long_waiver, rules, D(2019, 6, 1)).loses_standing_on == D(2020, 1, 1)
    result = determine(long_waiver, rules, D(2020, 1, 1))
    assert not result.in_good_standing
    assert "waiver past the 12 months limit" in result.explanation


def test_waivers_do_not_count_when_the_rules_say_they_do_not():
    rules = RuleSet(name="x", paid_within_months=1, waivers_count_as_paid=False)
    result = determine(
        member(waivers=(Waiver(D(2020, 1, 1), D(2020, 12, 31)),)), rules, D(2020, 2, 7)
    )
    assert not result.in_good_standing
    assert "waiver" not in result.explanation


def test_an_ended_waiver_is_named_in_the_explanation():
    result = determine(
        member(waivers=(Waiver(D(2019, 1, 1), D(2019, 6, 30)),)), WITHIN_ONE_MONTH, D(2020, 2, 7)
    )
    assert "waiver ended 2019-06-30" in result.explanation


# --- membership status and length ------------------------------------------------------------


def test_status_on_a_past_date_comes_from_the_dated_events():
    events = (
        (D(2015, 1, 1), lifecycle.ADMITTED),
        (D(2019, 10, 1), lifecycle.RESIGNED_EVENT),
    )
    facts = member(month(2020, 1), status_events=events, joined_on=D(2015, 1, 1))
    assert (
        determine(facts, WITHIN_ONE_MONTH, D(2019, 9, 15)).criterion("membership").outcome == PASSED
    )
    result = determine(facts, WITHIN_ONE_MONTH, D(2020, 1, 15))
    assert not result.in_good_standing
    assert "membership status on 2020-01-15 is resigned" in result.explanation
    assert "ask to be reinstated" in result.way_back


def test_someone_who_joins_after_the_date_is_not_yet_a_member_then():
    result = determine(
        member(month(2020, 1), joined_on=D(2020, 1, 20)), WITHIN_ONE_MONTH, D(2020, 1, 10)
    )
    assert "not yet a member on 2020-01-10 (joined 2020-01-20)" in result.explanation


def test_a_recent_member_must_wait_the_minimum_days_before_a_cutoff():
    rules = RuleSet(name="x", paid_within_months=1, min_days_before_cutoff=30)
    newcomer = member(month(2020, 1), joined_on=D(2020, 1, 15))
    result = determine(newcomer, rules, D(2020, 2, 7))
    assert not result.in_good_standing
    assert "a member since 2020-01-15, fewer than 30 days before 2020-02-07" in result.explanation
    assert "wait until 2020-02-14" in result.way_back
    assert determine(newcomer, rules, D(2020, 2, 14)).in_good_standing


# --- activity ----------------------------------------------------------------------------------

ACTIVE = RuleSet(name="x", paid_within_months=1, meetings_attended=2, of_last_meetings=3)


def meetings(*attended):
    return tuple(Attendance(D(2020, 1 + i, 5), flag) for i, flag in enumerate(attended))


def test_attending_two_of_the_last_three_regular_meetings_passes():
    facts = member(month(2020, 4), attendance=meetings(False, False, True, True))
    result = determine(facts, ACTIVE, D(2020, 4, 20))
    assert result.in_good_standing
    assert "attended 2 of the last 3 regular meetings" in result.explanation


def test_attending_one_of_the_last_three_fails_and_says_how_many_more():
    facts = member(month(2020, 4), attendance=meetings(True, True, False, False))
    result = determine(facts, ACTIVE, D(2020, 4, 20))
    assert not result.in_good_standing
    assert (
        result.criterion("activity").sentence
        == "attended 1 of the last 3 regular meetings; the rules ask for 2"
    )
    assert result.way_back == "attend 1 more regular meeting"


def test_fewer_meetings_held_than_the_rule_counts_asks_only_for_those():
    facts = member(month(2020, 1), attendance=meetings(True))
    assert determine(facts, ACTIVE, D(2020, 1, 20)).criterion("activity").outcome == PASSED


def test_without_attendance_records_the_activity_rule_is_not_applied_and_says_so():
    result = determine(member(month(2020, 4)), ACTIVE, D(2020, 4, 20))
    assert result.in_good_standing
    assert result.criterion("activity").outcome == NOT_APPLIED
    assert (
        "attendance is not recorded, so the rule of 2 of the last 3 regular meetings is not applied"
        in (result.explanation)
    )


def test_the_rules_may_count_missing_attendance_as_a_failure():
    strict = RuleSet(
        name="x",
        paid_within_months=1,
        meetings_attended=2,
        of_last_meetings=3,
        attendance_when_not_recorded="fail",
    )
    assert (
        determine(member(month(2020, 4)), strict, D(2020, 4, 20)).criterion("activity").outcome
        == FAILED
    )


# --- payments: dates, reversals, bad facts ---------------------------------------------------


def test_a_payment_made_after_the_date_does_not_count_on_that_date():
    late = member(Payment(D(2020, 1, 1), D(2020, 3, 31), paid_on=D(2020, 3, 20)))
    assert not determine(late, WITHIN_ONE_MONTH, D(2020, 3, 10)).in_good_standing
    assert determine(late, WITHIN_ONE_MONTH, D(2020, 3, 20)).in_good_standing


def test_a_reversal_cancels_the_payment_it_corrects():
    bounced = member(
        month(2020, 1), month(2020, 2), Payment(D(2020, 2, 1), D(2020, 2, 29), reversal=True)
    )
    assert paid_through(bounced.payments) == D(2020, 1, 31)
    assert determine(bounced, UNION, D(2020, 2, 15)).counted_as_paid_by == BY_PAYMENT


def test_a_later_period_paid_makes_the_member_current_across_an_older_gap():
    assert paid_through([month(2020, 1), month(2020, 5)]) == D(2020, 5, 31)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda: Payment(D(2020, 2, 1), D(2020, 1, 31)),
            "covers_through 2020-01-31 is before covers_from",
        ),
        (
            lambda: Waiver(D(2020, 2, 1), D(2020, 1, 31)),
            "waiver ends_on 2020-01-31 is before starts_on",
        ),
        (
            lambda: Checkoff(D(2020, 2, 1), D(2020, 1, 31)),
            "checkoff ends_on 2020-01-31 is before starts_on",
        ),
    ],
)
def test_it_refuses_periods_that_end_before_they_start(make, message):
    with pytest.raises(FactsError, match=message):
        make()


def test_without_a_dues_rule_only_membership_counts():
    result = determine(member(), RuleSet(name="zero dues"), D(2020, 2, 7))
    assert result.in_good_standing and result.criterion("dues") is None
    assert (
        result.counted_as_paid_by is None
        and loses_standing_on(member(), RuleSet(name="z"), D(2020, 2, 7)) is None
    )


# --- continuous good standing to hold office ------------------------------------------------

OFFICE = RuleSet(name="x", paid_within_months=0, office_continuous_standing_months=12)


def paid_as_it_fell_due(year, number):
    """A month's dues paid on the month's first day (so a missing month leaves a gap)."""
    whole = month(year, number)
    return Payment(whole.covers_from, whole.covers_through, paid_on=whole.covers_from)


def test_a_year_of_continuous_good_standing_makes_a_member_eligible_for_office():
    paid = member(
        *(paid_as_it_fell_due(2019, m) for m in range(1, 13)), paid_as_it_fell_due(2020, 1)
    )
    assert office_eligibility(paid, OFFICE, D(2020, 1, 15)).outcome == PASSED


GAP_IN_APRIL = tuple(paid_as_it_fell_due(2019, m) for m in (1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12)) + (
    paid_as_it_fell_due(2020, 1),
)


def test_a_gap_within_the_year_makes_a_member_ineligible_and_names_the_first_day():
    result = office_eligibility(member(*GAP_IN_APRIL), OFFICE, D(2020, 1, 15))
    assert result.outcome == FAILED
    assert (
        result.sentence
        == "not in good standing on 2019-04-01, within the 12 months up to 2020-01-15"
    )


def test_paying_the_gap_afterwards_does_not_make_the_past_continuous():
    april_paid_late = Payment(D(2019, 4, 1), D(2019, 4, 30), paid_on=D(2019, 12, 1))
    assert (
        office_eligibility(member(*GAP_IN_APRIL, april_paid_late), OFFICE, D(2020, 1, 15)).outcome
        == FAILED
    )


def test_paying_ahead_covers_the_months_paid_for():
    ahead = member(Payment(D(2019, 1, 1), D(2020, 12, 31), paid_on=D(2018, 12, 20)))
    assert office_eligibility(ahead, OFFICE, D(2020, 1, 15)).outcome == PASSED


def test_a_member_of_less_than_the_required_months_is_not_eligible_for_office():
    result = office_eligibility(
        member(month(2020, 1), joined_on=D(2019, 6, 1)), OFFICE, D(2020, 1, 15)
    )
    assert result.outcome == FAILED and "a member since 2019-06-01" in result.sentence


def test_office_eligibility_is_not_applied_without_the_rule():
    assert office_eligibility(member(), WITHIN_ONE_MONTH, D(2020, 1, 15)).outcome == NOT_APPLIED


# --- the example rule sets -------------------------------------------------------------------


def test_the_union_example_suspends_a_member_three_months_behind_unless_on_checkoff():
    rules = load_rules(EXAMPLES / "union-local-checkoff.toml")
    behind = member(month(2024, 1))
    assert determine(behind, rules, D(2024, 4, 2)).suspended
    on_checkoff = member(month(2024, 1), checkoffs=(Checkoff(D(2020, 1, 1)),))
    assert determine(on_checkoff, rules, D(2024, 4, 2)).in_good_standing


def test_the_city_chapter_example_counts_a_payment_within_the_last_year():
    rules = load_rules(EXAMPLES / "city-chapter.toml")
    paid = member(month(2023, 9), joined_on=D(2023, 1, 1))
    assert determine(paid, rules, D(2024, 9, 30)).in_good_standing
    assert not determine(paid, rules, D(2024, 10, 1)).in_good_standing


# --- what the pages, notices and exports use ------------------------------------------------


def test_reasons_list_only_the_failed_criteria_for_the_csv_export():
    lapsed = determine(member(month(2019, 8)), WITHIN_ONE_MONTH, D(2020, 2, 7))
    assert (
        lapsed.reasons
        == "dues paid through 2019-08-31, more than 1 month ago; no checkoff authorization; no waiver"
    )
    assert determine(member(month(2020, 2)), WITHIN_ONE_MONTH, D(2020, 2, 7)).reasons == ""


def test_a_determination_has_a_json_ready_form():
    result = determine(member(month(2020, 1)), UNION, D(2020, 2, 15)).as_dict()
    assert result["paid_through"] == "2020-01-31" and result["loses_standing_on"] == "2020-03-01"
    assert result["criteria"][1] == {
        "key": "dues",
        "outcome": "passed",
        "sentence": "dues paid through 2020-01-31",
        "remedy": "",
    }
