import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from rankfile.dues.actions import do_resolve_exception, do_set_plan
from rankfile.dues.checkoff import do_authorize_checkoff
from rankfile.dues.importing import ImportRefused, do_import_remittance
from rankfile.dues.models import Payment, RemittanceException

START = datetime.date(2024, 1, 1)


@pytest.fixture
def on_plan(people, flat):
    for persona in ("member", "other", "admin"):
        do_set_plan(None, getattr(people, persona).member, plan=flat, starts_on=START)
    do_authorize_checkoff(
        None,
        people.other.member,
        kind="payroll",
        started_on=START,
        employer_name="Acme Hospital",
        employee_id="E-17",
    )
    return people


def load(text, actor=None, **options):
    data = text.encode() if isinstance(text, str) else text
    return do_import_remittance(actor, io.BytesIO(data), filename="acme.csv", **options)


FILE = (
    "member_number,employee_id,name,amount,period\n"
    "1005,,Mia Member,20.00,2025-03\n"  # matches the plan
    ",E-17,Otto Other,20.00,2025-03\n"  # by employee id through the checkoff
    "1001,,Ada Admin,15.00,2025-03\n"  # not the plan's amount
    "4242,,Nobody Known,20.00,2025-03\n"  # unknown member number
    ",E-99,Unknown Employee,20.00,2025-03\n"  # unknown employee id
    "1007,,Sol South,20.00,2025-03\n"  # member without a plan
)


def test_it_records_matching_rows_and_lists_every_other_row(on_plan):
    summary = load(FILE, on_plan.treasurer, employer="Acme Hospital")
    paid = Payment.objects.order_by("member__member_number")
    assert [(p.member.member_number, p.method, p.covers_from, p.covers_through) for p in paid] == [
        ("1005", "remittance", datetime.date(2025, 3, 1), datetime.date(2025, 3, 31)),
        ("1006", "remittance", datetime.date(2025, 3, 1), datetime.date(2025, 3, 31)),
    ]
    listed = {(e.line, e.kind, e.identifier) for e in RemittanceException.objects.all()}
    assert listed == {
        (4, "amount", "1001"),
        (5, "unknown", "4242"),
        (6, "unknown", "E-99"),
        (7, "no_plan", "1007"),
    }
    assert RemittanceException.objects.get(line=4).expected_amount == Decimal("20.00")
    assert summary.rows == 6 and summary.payments_created + summary.exceptions == 6


def test_a_yearly_period_is_checked_against_twelve_months_of_the_plan(on_plan):
    load("member_number,amount,period\n1005,240,2025\n1006,200,2025\n")
    assert Payment.objects.get().member == on_plan.member.member
    assert RemittanceException.objects.get().expected_amount == Decimal("240.00")


def test_importing_it_again_changes_nothing_even_when_the_file_is_resent_with_more(on_plan):
    load(FILE, employer="Acme Hospital")
    assert load(FILE, employer="Acme Hospital").already_imported is not None
    resent = FILE + "1005,,Mia Member,20.00,2025-04\n"
    summary = load(resent, employer="Acme Hospital")
    assert (summary.payments_created, summary.already_recorded, summary.already_listed) == (1, 2, 4)
    assert Payment.objects.count() == 3
    assert RemittanceException.objects.count() == 4


def test_a_period_already_paid_goes_to_the_exceptions_list(on_plan):
    load("member_number,amount,period\n1005,20,2025-03\n")
    load("member_number,amount,period,reference\n1005,20,2025-03,second\n1005,20,2025-03,third\n")
    # The first row of the second file is the same payment; the next is a double payment.
    assert Payment.objects.count() == 1
    assert RemittanceException.objects.get().kind == "overlap"


def test_an_employee_id_needs_the_employer(on_plan):
    with pytest.raises(ImportRefused) as refused:
        load("employee_id,amount,period\nE-17,20,2025-03\n")
    assert refused.value.messages == [
        "line 2: an employee id needs the employer (column or --employer)"
    ]
    with_column = load("employer,employee_id,amount,period\nAcme Hospital,E-17,20,2025-03\n")
    assert with_column.payments_created == 1


def test_a_malformed_remittance_file_is_refused_whole(on_plan):
    bad = "member_number,amount,period\n1005,20,2025-03\n1006,20,2025-13\n1001,12.345,2025-03\n"
    with pytest.raises(ImportRefused) as refused:
        load(bad)
    assert refused.value.messages == [
        "line 3, column 3 (period): '2025-13' is not a period: write YYYY-MM (a month) or YYYY (a year)",
        "line 4, column 2 (amount): 12.345 has more than two decimals",
    ]
    assert not Payment.objects.exists() and not RemittanceException.objects.exists()


def test_the_treasurer_resolves_exceptions_by_recording_or_dismissing_them(on_plan):
    load(FILE, employer="Acme Hospital")
    unknown = RemittanceException.objects.get(identifier="4242")
    with pytest.raises(ValidationError) as error:
        do_resolve_exception(on_plan.treasurer, unknown, record=True)
    assert "member" in error.value.message_dict
    resolved = do_resolve_exception(
        on_plan.treasurer, unknown, record=True, member=on_plan.south_member.member, note="Typo"
    )
    assert resolved.status == "resolved" and resolved.payment.member == on_plan.south_member.member
    wrong_amount = RemittanceException.objects.get(identifier="1001")
    with pytest.raises(ValidationError) as error:
        do_resolve_exception(on_plan.treasurer, wrong_amount, record=False)
    assert "resolution_note" in error.value.message_dict
    do_resolve_exception(on_plan.treasurer, wrong_amount, record=False, note="Refunded to Acme")
    with pytest.raises(ValidationError):
        do_resolve_exception(on_plan.treasurer, wrong_amount, record=False, note="again")
    assert RemittanceException.objects.filter(status="open").count() == 2
    with pytest.raises(PermissionDenied):
        do_resolve_exception(
            on_plan.secretary,
            RemittanceException.objects.filter(status="open").first(),
            record=False,
            note="x",
        )


def test_a_nul_in_a_remittance_cell_is_refused_with_line_and_column(on_plan):
    bad = "member_number,amount,period,reference\n1005,20,2025-03,ok\n1006,20,2025-03,R\x00\n"
    with pytest.raises(ImportRefused) as refused:
        load(bad)
    assert refused.value.messages == [
        "line 3, column 4 (reference): contains NUL (U+0000), a control character"
    ]
    assert not Payment.objects.exists() and not RemittanceException.objects.exists()
