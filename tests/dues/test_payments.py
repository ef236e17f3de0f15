import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from rankfile.audit.models import AuditEvent
from rankfile.dues.actions import do_record_payment, do_reverse_payment, do_set_plan, plan_on
from rankfile.dues.models import Payment

JAN = (datetime.date(2025, 1, 1), datetime.date(2025, 1, 31))


def pay(actor, member, period=JAN, amount="20.00", method="cash"):
    return do_record_payment(
        actor, member, covers_from=period[0], covers_through=period[1], amount=amount, method=method
    )


def test_it_lets_the_treasurer_record_a_payment_with_its_audit_event(people):
    member = people.member.member
    payment = pay(people.treasurer, member)
    assert payment.amount == Decimal("20.00") and payment.recorded_by == people.treasurer
    event = AuditEvent.objects.get(action="dues.payment.record")
    assert event.member == member
    assert event.payload["amount"] == "20.00"


@pytest.mark.parametrize("persona", ["member", "secretary", "appeals", "outsider"])
def test_it_refuses_payments_recorded_by_anyone_but_the_treasurers_office(people, persona):
    with pytest.raises(PermissionDenied):
        pay(getattr(people, persona), people.member.member)
    assert not Payment.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"amount": "-5"}, "amount"),
        ({"amount": "5.555"}, "amount"),
        ({"amount": "five"}, "amount"),
        ({"covers_through": datetime.date(2024, 12, 31)}, "covers_through"),
        ({"method": "barter"}, "method"),
        ({"currency": "dollars"}, "currency"),
        ({"received_on": datetime.date(2999, 1, 1)}, "received_on"),
    ],
)
def test_it_refuses_bad_input_naming_the_field(people, change, field):
    values = {
        "covers_from": JAN[0],
        "covers_through": JAN[1],
        "amount": "20",
        "method": "cash",
        **change,
    }
    with pytest.raises(ValidationError) as error:
        do_record_payment(people.treasurer, people.member.member, **values)
    assert field in error.value.message_dict
    assert not Payment.objects.exists()


def test_it_refuses_a_period_that_overlaps_one_already_paid(people):
    member = people.member.member
    pay(people.treasurer, member)
    with pytest.raises(ValidationError) as error:
        pay(people.treasurer, member, (datetime.date(2025, 1, 15), datetime.date(2025, 2, 14)))
    assert "already paid for 2025-01-01 to 2025-01-31" in error.value.message_dict["covers_from"][0]
    # Another member's January is theirs to pay.
    pay(people.treasurer, people.other.member)


def test_a_correction_is_a_reversing_entry_that_frees_the_period(people):
    member = people.member.member
    wrong = pay(people.treasurer, member, amount="200.00")
    reversal = do_reverse_payment(people.treasurer, wrong, reason="Typed 200 for 20")
    assert reversal.amount == Decimal("-200.00") and reversal.reverses == wrong
    wrong.refresh_from_db()
    assert wrong.amount == Decimal("200.00")  # the original is kept as it was
    assert list(Payment.objects.effective()) == []
    right = pay(people.treasurer, member)
    assert list(Payment.objects.effective()) == [right]
    event = AuditEvent.objects.get(action="dues.payment.reverse")
    assert event.reason == "Typed 200 for 20"


def test_it_reverses_a_payment_once_and_never_a_reversal(people):
    payment = pay(people.treasurer, people.member.member)
    reversal = do_reverse_payment(people.treasurer, payment, reason="Bounced")
    with pytest.raises(ValidationError) as error:
        do_reverse_payment(people.treasurer, payment, reason="Again")
    assert "already been reversed" in error.value.message_dict["payment"][0]
    with pytest.raises(ValidationError):
        do_reverse_payment(people.treasurer, reversal, reason="Undo")


def test_a_reversal_needs_a_reason_and_the_treasurers_office(people):
    payment = pay(people.treasurer, people.member.member)
    with pytest.raises(ValidationError) as error:
        do_reverse_payment(people.treasurer, payment, reason=" ")
    assert "reason" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        do_reverse_payment(people.member, payment, reason="I'd rather not have paid")


def test_the_database_refuses_a_period_that_ends_before_it_starts(people):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.create(
            member=people.member.member,
            covers_from=JAN[1],
            covers_through=JAN[0],
            amount=1,
            method="cash",
        )


def test_a_members_plan_history_is_kept(people, flat, sliding):
    member = people.member.member
    do_set_plan(people.treasurer, member, plan=flat, starts_on=datetime.date(2024, 1, 1))
    middle = sliding.brackets.get(income_from=20000)
    do_set_plan(
        people.treasurer, member, plan=sliding, bracket=middle, starts_on=datetime.date(2025, 1, 1)
    )
    assert plan_on(member, datetime.date(2024, 6, 1)).plan == flat
    assert plan_on(member, datetime.date(2025, 6, 1)).bracket == middle
    assert plan_on(member, datetime.date(2023, 6, 1)) is None
    # The bracket tells the member's income: it stays out of the log.
    for event in AuditEvent.objects.filter(action="dues.plan.set"):
        assert "bracket" not in event.payload


def test_a_sliding_scale_needs_the_members_bracket(people, sliding, flat):
    member = people.member.member
    with pytest.raises(ValidationError) as error:
        do_set_plan(people.treasurer, member, plan=sliding, starts_on=datetime.date(2025, 1, 1))
    assert "bracket" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        do_set_plan(
            people.treasurer,
            member,
            plan=flat,
            bracket=sliding.brackets.first(),
            starts_on=datetime.date(2025, 1, 1),
        )
    assert "bracket" in error.value.message_dict


def test_plans_refuse_overlapping_brackets_and_amounts_on_zero_plans(people):
    from rankfile.dues.actions import do_create_plan

    with pytest.raises(ValidationError) as error:
        do_create_plan(
            None,
            name="Bad",
            slug="bad",
            kind="sliding",
            brackets=[("0", "30000", "5"), ("20000", None, "10")],
        )
    assert "brackets" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        do_create_plan(None, name="Free", slug="free", kind="zero", amount="3")
    assert "amount" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        do_create_plan(people.secretary, name="Mine", slug="mine", kind="zero")
