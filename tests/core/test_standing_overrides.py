"""An override decides standing for its stated period, and the explanation names it."""

from __future__ import annotations

import datetime

import pytest

from rankfile.core.rules import RuleSet
from rankfile.core.standing import FactsError, MemberFacts, Override, Payment, determine

RULES = RuleSet(name="Arrears", months_in_arrears_before_losing_standing=1)
JOINED = datetime.date(2020, 1, 1)
PAID = Payment(
    datetime.date(2024, 1, 1), datetime.date(2024, 3, 31), paid_on=datetime.date(2024, 1, 5)
)
RESTORED = Override(
    datetime.date(2024, 6, 1), datetime.date(2024, 6, 30), True, "appeal 7: lapse overturned"
)


def facts(*overrides: Override) -> MemberFacts:
    return MemberFacts(joined_on=JOINED, payments=(PAID,), overrides=overrides)


def test_it_puts_a_member_in_arrears_in_good_standing_for_the_period_and_says_why():
    on = datetime.date(2024, 6, 15)
    assert not determine(facts(), RULES, on).in_good_standing
    result = determine(facts(RESTORED), RULES, on)
    assert result.in_good_standing and result.reasons == "" and not result.suspended
    assert "overridden into good standing from 2024-06-01 to 2024-06-30" in result.explanation
    assert "appeal 7: lapse overturned" in result.explanation
    assert result.criterion("override").passed
    # The rules decide again the day after: the member is out of standing on 2024-07-01.
    assert result.loses_standing_on == datetime.date(2024, 7, 1)


def test_it_no_longer_applies_outside_its_period():
    assert not determine(facts(RESTORED), RULES, datetime.date(2024, 7, 1)).in_good_standing
    assert not determine(facts(RESTORED), RULES, datetime.date(2024, 5, 31)).in_good_standing


def test_an_override_out_of_good_standing_is_a_reason_with_the_way_back():
    out = Override(datetime.date(2024, 2, 1), None, False, "charges upheld, suspended")
    result = determine(facts(out), RULES, datetime.date(2024, 2, 15))
    assert not result.in_good_standing
    assert result.reasons == (
        "overridden out of good standing from 2024-02-01 until lifted: charges upheld, suspended"
    )
    assert "appeal the override" in result.way_back


def test_the_latest_override_granted_wins_where_two_cover_a_day():
    first = Override(datetime.date(2024, 1, 1), None, False, "first")
    later = Override(datetime.date(2024, 6, 1), None, True, "later")
    assert determine(facts(first, later), RULES, datetime.date(2024, 6, 15)).in_good_standing
    assert not determine(facts(later, first), RULES, datetime.date(2024, 6, 15)).in_good_standing


def test_an_override_ending_before_it_starts_is_refused_naming_the_field():
    with pytest.raises(FactsError, match="override ends_on"):
        Override(datetime.date(2024, 2, 1), datetime.date(2024, 1, 1), True, "typo")
