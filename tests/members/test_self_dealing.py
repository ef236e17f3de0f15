"""No officer records what makes their own standing: payments, checkoff, dues plan,
enforcement actions and lifecycle events about themselves are recorded by another officer."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from rankfile.dues.actions import do_create_plan, do_record_payment, do_set_plan
from rankfile.dues.checkoff import do_authorize_checkoff
from rankfile.members.actions import do_record_member_event
from rankfile.standing.enforcement import do_record_enforcement

ON = datetime.date(2025, 1, 6)


def test_a_treasurer_does_not_record_their_own_dues(people):
    tess = people.treasurer.member
    zero = do_create_plan(None, name="No dues", slug="zero", kind="zero")
    with pytest.raises(PermissionDenied):
        do_record_payment(
            people.treasurer,
            tess,
            covers_from=datetime.date(2024, 1, 1),
            covers_through=datetime.date(2024, 12, 31),
            amount="120",
            method="cash",
            received_on=ON,
        )
    with pytest.raises(PermissionDenied):
        do_authorize_checkoff(
            people.treasurer,
            tess,
            kind="payroll",
            started_on=ON,
            employer_name="A",
            employee_id="1",
        )
    with pytest.raises(PermissionDenied):
        do_set_plan(people.treasurer, tess, plan=zero, starts_on=ON)
    assert not tess.payments.exists()
    # another officer does, on the record
    do_record_payment(
        people.admin,
        tess,
        covers_from=datetime.date(2024, 1, 1),
        covers_through=datetime.date(2024, 12, 31),
        amount="120",
        method="cash",
        received_on=ON,
    )


def test_an_officer_does_not_record_enforcement_or_events_about_themselves(people):
    sam = people.secretary.member
    with pytest.raises(PermissionDenied):
        do_record_enforcement(
            people.secretary, sam, kind="override", rule_cited="dues", reason="Mine", on=ON
        )
    do_record_member_event(people.admin, sam, kind="lapsed", on=ON, reason="No dues")
    with pytest.raises(PermissionDenied):
        do_record_member_event(people.secretary, sam, kind="reinstated", on=ON, reason="Myself")
    sam.refresh_from_db()
    assert sam.status == "lapsed"


def test_an_officers_own_pages_do_not_offer_what_another_officer_must_record(client, people):
    from django.urls import reverse

    client.force_login(people.secretary)
    own = client.get(reverse("member", args=[people.secretary.member.pk])).content.decode()
    assert "Record a change" not in own
    assert "Edit contact details" in own  # her own details, she edits
    mia = client.get(reverse("member", args=[people.member.member.pk])).content.decode()
    assert "Record a change" in mia
    client.force_login(people.treasurer)
    own = client.get(reverse("dues:member", args=[people.treasurer.member.pk])).content.decode()
    assert reverse("dues:record_payment", args=[people.treasurer.member.pk]) not in own
