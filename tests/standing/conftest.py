"""Standing fixtures: an adopted rule set (one month in arrears allowed) and a dues history
for the personas, judged on 2024-06-15."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

ON = datetime.date(2024, 6, 15)

RULES = """
[rule_set]
name = "Test local"
version = "1"
effective_on = 2020-01-01

[dues]
months_in_arrears_before_losing_standing = 1
checkoff_counts_as_paid = true

[waivers]
count_as_paid = true
max_months = 6
"""


def member_of(user: Any) -> Any:
    from rankfile.members.models import Member

    return Member.objects.get(user=user)


def pay(user: Any, through: datetime.date) -> None:
    from rankfile.dues.actions import do_record_payment

    do_record_payment(
        None,
        member_of(user),
        covers_from=datetime.date(2024, 1, 1),
        covers_through=through,
        amount="60.00",
        method="card",
        received_on=datetime.date(2024, 1, 5),
    )


@pytest.fixture
def adopted(people: Any) -> Any:
    from rankfile.standing.rulesets import do_adopt_rules

    return do_adopt_rules(None, text=RULES, decision="Membership meeting, 2019-12-01")


@pytest.fixture
def history(people: Any, adopted: Any) -> Any:
    """Who stands where on ON:
    admin paid to 2024-12-31 (good); secretary paid to 2024-05-31 (good, loses it on
    2024-07-01); treasurer on checkoff (good); appeals paid to 2024-06-30 (good, until
    2024-08-01); member paid nothing (lost); other paid to 2024-03-31 (lost); south_member
    paid to 2024-03-31 but resigned on 2024-03-01 (not a member)."""
    from rankfile.dues.checkoff import do_authorize_checkoff
    from rankfile.members.actions import do_record_member_event

    pay(people.admin, datetime.date(2024, 12, 31))
    pay(people.secretary, datetime.date(2024, 5, 31))
    do_authorize_checkoff(
        None, member_of(people.treasurer), kind="bank", started_on=datetime.date(2023, 1, 1)
    )
    pay(people.appeals, datetime.date(2024, 6, 30))
    pay(people.other, datetime.date(2024, 3, 31))
    pay(people.south_member, datetime.date(2024, 3, 31))
    do_record_member_event(
        None,
        member_of(people.south_member),
        kind="resigned",
        on=datetime.date(2024, 3, 1),
        reason="moving away",
    )
    return people
