"""What a member owes and how to pay: said on the standing, dues and home pages; the
treasurer's office sets the instructions and the plans, and decides waiting requests."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from tests.conftest import make_person

from rankfile.audit.models import AuditEvent
from rankfile.dues.actions import (
    do_create_plan,
    do_record_payment,
    do_set_payment_instructions,
    do_set_plan,
)
from rankfile.dues.checkoff import do_authorize_checkoff
from rankfile.dues.models import DuesPlan, Waiver
from rankfile.dues.owed import dues_owed
from rankfile.dues.waivers import do_request_waiver
from rankfile.members.actions import do_appoint, do_configure_organization
from rankfile.standing.waivers import do_decide_waiver

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = D(2025, 6, 15)


@pytest.fixture
def plans(people):
    standard = do_create_plan(
        people.treasurer, name="Standard", slug="standard", kind="flat", amount="20"
    )
    yearly = do_create_plan(
        people.treasurer, name="Yearly", slug="yearly", kind="flat", period="year", amount="120"
    )
    return standard, yearly


def paid_through(people, through):
    do_record_payment(
        people.treasurer,
        people.member.member,
        covers_from=D(2025, 1, 1),
        covers_through=through,
        amount="20",
        method="card",
        received_on=D(2025, 1, 5),
    )


def test_it_owes_each_unpaid_month_through_this_one_at_the_plan_then(people, plans):
    standard, yearly = plans
    member = people.member.member
    do_set_plan(people.treasurer, member, plan=standard, starts_on=D(2025, 1, 1))
    do_set_plan(people.treasurer, member, plan=yearly, starts_on=D(2025, 5, 1))
    paid_through(people, D(2025, 2, 28))
    owed = dues_owed(member, TODAY, D(2025, 2, 28))
    # March and April at 20, May and June at 120 a year (10 a month).
    assert (owed.period, owed.months, owed.amount) == ("2025-03 to 2025-06", 4, Decimal("60.00"))
    assert owed.plans == ("Standard", "Yearly")
    assert dues_owed(member, TODAY, D(2025, 6, 30)) is None


def test_waived_months_are_not_owed_and_a_running_checkoff_owes_nothing(people, plans):
    member = people.member.member
    do_set_plan(people.treasurer, member, plan=plans[0], starts_on=D(2025, 1, 1))
    waiver = do_request_waiver(
        people.member, member, starts_on=D(2025, 3, 1), ends_on=D(2025, 4, 30), reason="Laid off"
    )
    do_decide_waiver(people.treasurer, waiver, grant=True, decision_reason="Hardship")
    owed = dues_owed(member, TODAY, D(2025, 2, 28))
    assert (owed.months, owed.waived, owed.amount) == (2, 2, Decimal("40.00"))
    do_authorize_checkoff(people.treasurer, member, kind="bank", started_on=D(2025, 6, 1))
    assert dues_owed(member, TODAY, D(2025, 2, 28)) is None


def test_without_a_plan_it_says_the_months_but_no_amount(people):
    owed = dues_owed(people.member.member, TODAY, D(2025, 2, 28))
    assert owed.months == 4 and owed.amount is None


def test_the_treasurers_office_says_how_to_pay_on_the_record(people):
    do_configure_organization(people.admin, name="Test League")
    office = make_person("Bea", "Branch", people.east, number="2001")
    do_appoint(people.admin, office, role="treasurer", branch=people.east, started_on=D(2024, 1, 1))
    with pytest.raises(PermissionDenied):
        do_set_payment_instructions(office.user, instructions="Pay me", url="")
    do_set_payment_instructions(
        people.treasurer, instructions="Bank: 12-34-56, ref your number", url="https://pay.example"
    )
    event = AuditEvent.objects.get(action="dues.instructions.set")
    assert event.payload["url"] == "https://pay.example"


def test_a_member_sees_what_they_owe_and_how_to_pay_on_three_pages(client, people, plans):
    from tests.standing.conftest import RULES

    from rankfile.standing.rulesets import do_adopt_rules

    do_adopt_rules(None, text=RULES, decision="Membership meeting")
    do_configure_organization(people.admin, name="Test League")
    do_set_payment_instructions(
        people.treasurer, instructions="Bank: 12-34-56, ref your number", url="https://pay.example"
    )
    do_set_plan(people.treasurer, people.member.member, plan=plans[0], starts_on=D(2020, 1, 1))
    client.force_login(people.member)
    for url in ("/", reverse("my_standing"), reverse("dues:mine")):
        page = client.get(url).content.decode()
        assert "Dues owed:" in page, url
        assert "USD" in page and "Bank: 12-34-56, ref your number" in page, url
        assert 'href="https://pay.example"' in page, url
    standing = client.get(reverse("my_standing")).content.decode()
    assert "Not in good standing on" in standing and "outcome-failed" in standing
    assert 'href="/dues/#waiver"' in standing


def test_a_pending_request_takes_the_place_of_the_form_and_a_second_is_refused(client, people):
    client.force_login(people.member)
    form = {"starts_on": "2025-03-01", "ends_on": "2025-08-31", "reason": "Strike"}
    assert client.post(reverse("dues:mine"), form).status_code == 302
    page = client.get(reverse("dues:mine")).content.decode()
    assert "awaiting the treasurer's decision" in page
    assert "Ask for a waiver</button>" not in page
    second = {"starts_on": "2025-10-01", "ends_on": "2025-11-30", "reason": "Still"}
    response = client.post(reverse("dues:mine"), second)
    assert response.status_code == 400
    assert "one request at a time" in response.content.decode()
    assert Waiver.objects.count() == 1


def test_the_waiver_queue_shows_requests_in_the_officers_branches_only(client, people):
    office = make_person("Bea", "Branch", people.west, number="2001")
    do_appoint(people.admin, office, role="treasurer", branch=people.west, started_on=D(2024, 1, 1))
    for user in (people.member, people.other):  # east, west
        do_request_waiver(
            user, user.member, starts_on=D(2025, 3, 1), ends_on=D(2025, 4, 30), reason="x"
        )
    client.force_login(people.treasurer)
    page = client.get(reverse("dues:waivers")).content.decode()
    assert "Mia Member" in page and "Otto Other" in page
    client.force_login(office.user)
    page = client.get(reverse("dues:waivers")).content.decode()
    assert "Otto Other" in page and "Mia Member" not in page
    client.force_login(people.secretary)  # records no dues
    assert client.get(reverse("dues:waivers")).status_code == 403


def test_the_decision_has_no_default(client, people):
    waiver = do_request_waiver(
        people.member,
        people.member.member,
        starts_on=D(2025, 3, 1),
        ends_on=D(2025, 4, 30),
        reason="x",
    )
    client.force_login(people.treasurer)
    page = client.get(reverse("dues:member", args=[people.member.member.pk])).content.decode()
    assert 'value="grant"' in page and "checked" not in page.split(f'id="waiver-{waiver.pk}"')[1]
    response = client.post(
        reverse("dues:decide_waiver", args=[waiver.pk]), {"decision_reason": "ok"}
    )
    assert response.status_code == 400
    waiver.refresh_from_db()
    assert waiver.status == "requested"


def test_the_treasurer_creates_a_sliding_scale_plan_from_the_page(client, people):
    client.force_login(people.treasurer)
    form = {
        "name": "Sliding", "slug": "sliding", "kind": "sliding", "period": "month",
        "brackets": "0, 20000, 5\n20000, , 15",
    }  # fmt: skip
    assert client.post(reverse("dues:create_plan"), form).status_code == 302
    plan = DuesPlan.objects.get(slug="sliding")
    assert [(b.income_from, b.income_below, b.amount) for b in plan.brackets.all()] == [
        (Decimal("0.00"), Decimal("20000.00"), Decimal("5.00")),
        (Decimal("20000.00"), None, Decimal("15.00")),
    ]
    bad = client.post(reverse("dues:create_plan"), {**form, "slug": "x", "brackets": "0 20000 5"})
    assert bad.status_code == 400 and "Line 1" in bad.content.decode()
    client.force_login(people.secretary)  # sees plans, cannot create
    assert "Create a plan" not in client.get(reverse("dues:plans")).content.decode()
    assert client.post(reverse("dues:create_plan"), {**form, "slug": "y"}).status_code == 403
