import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from rankfile.dues.actions import do_record_payment
from rankfile.dues.models import Payment, RemittanceException, StagedImport, Waiver
from rankfile.dues.waivers import do_request_waiver

REASON = "My hours were cut in half"


@pytest.fixture
def waiver(people):
    return do_request_waiver(
        people.member,
        people.member.member,
        starts_on=datetime.date(2025, 1, 1),
        ends_on=datetime.date(2025, 6, 30),
        reason=REASON,
    )


def as_user(client, user):
    client.force_login(user)
    return client


def test_a_member_sees_their_dues_and_their_own_waiver_reason(client, people, waiver):
    response = as_user(client, people.member).get(reverse("dues:mine"))
    assert response.status_code == 200
    assert REASON in response.content.decode()


def test_a_member_asks_for_a_waiver_from_their_page(client, people):
    response = as_user(client, people.other).post(
        reverse("dues:mine"),
        {"starts_on": "2025-03-01", "ends_on": "2025-08-31", "reason": "Strike"},
    )
    assert response.status_code == 302
    assert Waiver.objects.get().member == people.other.member


def test_a_waiver_request_ending_before_it_starts_is_shown_back_with_the_error(client, people):
    response = as_user(client, people.other).post(
        reverse("dues:mine"),
        {"starts_on": "2025-03-01", "ends_on": "2025-02-01", "reason": "Strike"},
    )
    assert response.status_code == 400
    assert "before it starts" in response.content.decode()
    assert not Waiver.objects.exists()


def test_someone_without_a_membership_has_no_dues_page(client, people):
    assert as_user(client, people.outsider).get(reverse("dues:mine")).status_code == 404


@pytest.mark.parametrize(
    ("persona", "status", "sees_reason"),
    [
        ("treasurer", 200, True),
        ("admin", 200, True),
        ("secretary", 200, False),  # the member's branch secretary sees dues, not reasons
        ("other", 404, False),  # another branch's member: not even visible
        ("appeals", 403, False),
        ("outsider", 403, False),  # sees the directory entry, not the dues
    ],
)
def test_the_members_dues_page_per_persona(client, people, waiver, persona, status, sees_reason):
    url = reverse("dues:member", args=[people.member.member.pk])
    response = as_user(client, getattr(people, persona)).get(url)
    assert response.status_code == status
    assert (REASON in response.content.decode()) is sees_reason


def test_the_treasurer_records_and_reverses_a_payment_from_the_page(client, people):
    member = people.member.member
    as_user(client, people.treasurer)
    form = {
        "covers_from": "2025-01-01",
        "covers_through": "2025-01-31",
        "amount": "20",
        "method": "cash",
    }
    response = client.post(reverse("dues:record_payment", args=[member.pk]), form)
    assert response.status_code == 302
    payment = Payment.objects.get()
    response = client.post(
        reverse("dues:reverse_payment", args=[payment.pk]), {"reason": "Bounced"}
    )
    assert response.status_code == 302
    assert not Payment.objects.effective().exists()


def test_a_date_that_does_not_exist_is_refused_on_the_form(client, people):
    as_user(client, people.treasurer)
    form = {
        "covers_from": "2025-02-30",
        "covers_through": "2025-03-31",
        "amount": "20",
        "method": "cash",
    }
    response = client.post(reverse("dues:record_payment", args=[people.member.member.pk]), form)
    assert response.status_code == 400
    assert "Enter a valid date" in response.content.decode()
    assert not Payment.objects.exists()


def test_an_overlapping_payment_is_refused_on_the_form(client, people):
    member = people.member.member
    do_record_payment(
        None,
        member,
        covers_from=datetime.date(2025, 1, 1),
        covers_through=datetime.date(2025, 1, 31),
        amount=20,
        method="cash",
    )
    as_user(client, people.treasurer)
    form = {
        "covers_from": "2025-01-15",
        "covers_through": "2025-02-14",
        "amount": "20",
        "method": "cash",
    }
    response = client.post(reverse("dues:record_payment", args=[member.pk]), form)
    assert response.status_code == 400
    assert "already paid" in response.content.decode()


@pytest.mark.parametrize(
    ("persona", "status"), [("member", 403), ("secretary", 403), ("outsider", 403)]
)
def test_only_the_treasurers_office_records_payments(client, people, persona, status):
    form = {
        "covers_from": "2025-01-01",
        "covers_through": "2025-01-31",
        "amount": "20",
        "method": "cash",
    }
    url = reverse("dues:record_payment", args=[people.member.member.pk])
    assert as_user(client, getattr(people, persona)).post(url, form).status_code == status
    assert not Payment.objects.exists()


def test_the_treasurer_decides_a_waiver_from_the_page(client, people, waiver):
    as_user(client, people.treasurer)
    response = client.post(
        reverse("dues:decide_waiver", args=[waiver.pk]),
        {"decision": "grant", "decision_reason": "Hours cut: confirmed"},
    )
    assert response.status_code == 302
    waiver.refresh_from_db()
    assert waiver.status == "granted"


@pytest.mark.parametrize(
    ("persona", "status"),
    [("treasurer", 200), ("secretary", 403), ("member", 403), ("outsider", 403)],
)
def test_imports_and_exceptions_are_for_the_organizations_treasurer(
    client, people, persona, status
):
    as_user(client, getattr(people, persona))
    assert client.get(reverse("dues:import")).status_code == status
    assert client.get(reverse("dues:exceptions")).status_code == status


def test_a_remittance_file_is_previewed_then_applied(client, people):
    as_user(client, people.treasurer)
    upload = SimpleUploadedFile(
        "acme.csv", b"member_number,amount,period\n1005,20,2025-03\n4242,20,2025-03\n"
    )
    response = client.post(reverse("dues:import"), {"kind": "remittance", "file": upload})
    assert response.status_code == 200
    page = response.content.decode()
    assert "would record 0 payments" in page and "Member has no dues plan" in page
    assert not RemittanceException.objects.exists()
    staged = StagedImport.objects.get()
    response = client.post(reverse("dues:apply_import", args=[staged.pk]))
    assert response.status_code == 302
    assert RemittanceException.objects.count() == 2
    assert not StagedImport.objects.exists()
    page = client.get(reverse("dues:exceptions")).content.decode()
    assert "4242" in page and "Unknown identifier" in page


def test_a_refused_file_shows_its_problems_by_line(client, people):
    as_user(client, people.treasurer)
    upload = SimpleUploadedFile("bad.csv", b"member_number,amount,period\n1005,-20,2025-03\n")
    response = client.post(reverse("dues:import"), {"kind": "remittance", "file": upload})
    assert response.status_code == 400
    assert "line 2, column 2 (amount)" in response.content.decode()
    assert not StagedImport.objects.exists()


def test_the_treasurer_resolves_an_exception_from_the_list(client, people):
    as_user(client, people.treasurer)
    upload = SimpleUploadedFile("acme.csv", b"member_number,amount,period\n4242,20,2025-03\n")
    client.post(reverse("dues:import"), {"kind": "remittance", "file": upload})
    client.post(reverse("dues:apply_import", args=[StagedImport.objects.get().pk]))
    exception = RemittanceException.objects.get()
    response = client.post(
        reverse("dues:resolve_exception", args=[exception.pk]),
        {"resolution": "record", "member_number": "1005", "note": "Number mistyped"},
    )
    assert response.status_code == 302
    exception.refresh_from_db()
    assert exception.status == "resolved" and exception.payment.member == people.member.member


def test_a_member_that_does_not_exist_is_not_found(client, people):
    as_user(client, people.treasurer)
    assert client.get(reverse("dues:member", args=[999999])).status_code == 404
    assert (
        client.post(reverse("dues:reverse_payment", args=[999999]), {"reason": "x"}).status_code
        == 404
    )


def test_the_treasurer_sets_a_plan_and_is_told_when_the_bracket_is_missing(client, people, sliding):
    member = people.member.member
    as_user(client, people.treasurer)
    url = reverse("dues:set_plan", args=[member.pk])
    response = client.post(url, {"plan": sliding.pk, "starts_on": "2025-01-01"})
    assert response.status_code == 400
    assert "Choose the member&#x27;s income bracket" in response.content.decode()
    bracket = sliding.brackets.first()
    response = client.post(
        url, {"plan": sliding.pk, "bracket": bracket.pk, "starts_on": "2025-01-01"}
    )
    assert response.status_code == 302
    assert member.dues_plans.get().bracket == bracket


def test_the_treasurer_records_and_ends_a_checkoff_from_the_page(client, people):
    member = people.member.member
    as_user(client, people.treasurer)
    response = client.post(
        reverse("dues:authorize_checkoff", args=[member.pk]),
        {
            "kind": "payroll",
            "started_on": "2025-01-01",
            "employer_name": "Acme",
            "employee_id": "7",
        },
    )
    assert response.status_code == 302
    checkoff = member.checkoffs.get()
    response = client.post(
        reverse("dues:end_checkoff", args=[checkoff.pk]), {"ended_on": "2025-06-30"}
    )
    assert response.status_code == 302
    checkoff.refresh_from_db()
    assert checkoff.ended_on == datetime.date(2025, 6, 30)


def test_each_waiver_on_the_page_has_its_own_decision_form(client, people, waiver):
    # The treasurer's office enters the second request (a member has one pending at a time).
    second = do_request_waiver(
        people.treasurer,
        people.member.member,
        starts_on=datetime.date(2025, 9, 1),
        ends_on=datetime.date(2025, 12, 31),
        reason="Still on short hours",
    )
    url = reverse("dues:member", args=[people.member.member.pk])
    html = as_user(client, people.treasurer).get(url).content.decode()
    assert f'id="id_waiver{waiver.pk}_decision_reason"' in html
    assert f'id="id_waiver{second.pk}_decision_reason"' in html
    # A refused decision comes back on its own waiver, with the reason it was refused.
    response = client.post(
        reverse("dues:decide_waiver", args=[second.pk]),
        {"decision": "grant", "decision_reason": ""},
    )
    assert response.status_code == 400
    html = response.content.decode()

    def form_of(w):
        start = html.index(reverse("dues:decide_waiver", args=[w.pk]))
        return html[start : html.index("</form>", start)]

    assert "This field is required" in form_of(second)
    assert "This field is required" not in form_of(waiver)
