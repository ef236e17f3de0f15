"""Arrears notices go to every member the rules match, and to nobody else."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from rankfile.audit.models import AuditEvent
from rankfile.standing.notices import do_send_arrears_notices
from tests.standing.conftest import ON, member_of

pytestmark = pytest.mark.django_db


def test_it_emails_every_member_out_of_standing_or_losing_it_within_30_days(history):
    batch = do_send_arrears_notices(history.admin, ON)
    expected = {"sam@example.org", "mia@example.org", "otto@example.org"}
    assert {message.to[0] for message in mail.outbox} == expected
    assert len(mail.outbox) == 3
    assert sorted(batch.sent) == sorted(
        member_of(getattr(history, p)).pk for p in ("secretary", "member", "other")
    )


def test_each_notice_carries_the_explanation_and_the_way_back(history):
    do_send_arrears_notices(history.admin, ON)
    by_address = {message.to[0]: message for message in mail.outbox}
    otto = by_address["otto@example.org"].body
    assert "Not in good standing on 2024-06-15: dues paid through 2024-03-31" in otto
    assert "The way back: pay from 2024-04" in otto
    sam = by_address["sam@example.org"]
    assert "2024-07-01" in sam.subject


def test_each_notice_says_what_is_owed_and_how_to_pay(history):
    import datetime

    from rankfile.dues.actions import do_create_plan, do_set_payment_instructions, do_set_plan
    from rankfile.members.actions import do_configure_organization

    do_configure_organization(history.admin, name="Test League")
    do_set_payment_instructions(
        history.treasurer, instructions="Bank: 12-34-56, ref your number", url="https://pay.example"
    )
    plan = do_create_plan(history.treasurer, name="Standard", slug="std", kind="flat", amount="20")
    do_set_plan(
        history.treasurer, member_of(history.other), plan=plan, starts_on=datetime.date(2020, 1, 1)
    )
    do_send_arrears_notices(history.admin, ON)
    otto = next(m for m in mail.outbox if m.to == ["otto@example.org"]).body
    # Paid through 2024-03-31: April to June at 20 a month.
    assert "Dues owed: 3 months (2024-04 to 2024-06): 60.00 USD on the Standard plan." in otto
    assert "Bank: 12-34-56, ref your number" in otto
    assert "Pay online: https://pay.example" in otto


def test_the_batch_is_one_audited_event_with_the_count_and_no_reasons(history):
    do_send_arrears_notices(history.admin, ON)
    (event,) = AuditEvent.objects.filter(action="standing.arrears_notices")
    assert event.payload["recipients"] == 3
    assert len(event.payload["member_ids"]) == 3
    assert "arrears" not in str(event.payload["member_ids"])
    assert "dues paid" not in str(event.payload)


def test_only_an_organization_wide_office_sends_them(history):
    with pytest.raises(PermissionDenied):
        do_send_arrears_notices(history.secretary, ON)
    assert mail.outbox == []


def test_the_notices_page_is_only_for_an_organization_wide_office(history, client):
    client.force_login(history.secretary)
    assert client.get("/standing/notices/").status_code == 403
    assert client.post("/standing/notices/").status_code == 403
    assert mail.outbox == []
    client.force_login(history.admin)
    assert client.get("/standing/notices/").status_code == 200
