import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from rankfile.audit.models import AuditEvent
from rankfile.dues.importing import ImportRefused, do_import_payments
from rankfile.dues.models import ImportBatch, Payment

HEADER = "member_number,covers_from,covers_through,amount,method,reference\n"
GOOD = HEADER + (
    "1005,2025-01-01,2025-01-31,20.00,cash,R1\n"
    "1005,2025-02-01,2025-02-28,20.00,card,R2\n"
    "1006,2025-01-01,2025-12-31,240,bank,\n"
)


def load(text, actor=None, encoding="utf-8", **options):
    data = text.encode(encoding) if isinstance(text, str) else text
    return do_import_payments(actor, io.BytesIO(data), filename="payments.csv", **options)


def test_it_imports_payments_with_one_audit_event(people):
    summary = load(GOOD, people.treasurer)
    assert summary.payments_created == 3
    assert Payment.objects.filter(member=people.member.member).count() == 2
    assert Payment.objects.get(member=people.other.member).amount == Decimal("240.00")
    event = AuditEvent.objects.get(action="dues.import.payments")
    assert event.payload["payments_created"] == 3
    assert event.actor == people.treasurer


def test_only_the_organizations_treasurers_import(people):
    with pytest.raises(PermissionDenied):
        load(GOOD, people.secretary)
    with pytest.raises(PermissionDenied):
        load(GOOD, people.member)


def test_importing_the_same_file_again_changes_nothing(people):
    load(GOOD)
    again = load(GOOD)
    assert again.already_imported is not None
    assert "nothing changed" in again.lines()[0]
    assert Payment.objects.count() == 3
    assert ImportBatch.objects.count() == 1


def test_rows_already_recorded_by_an_earlier_file_are_counted_not_doubled(people):
    load(GOOD)
    bigger = GOOD + "1007,2025-01-01,2025-01-31,20,cash,\n"
    summary = load(bigger)
    assert (summary.payments_created, summary.already_recorded) == (1, 3)
    assert Payment.objects.count() == 4


def test_a_bad_file_is_refused_whole_with_every_problem_by_line_and_column(people):
    bad = GOOD + (
        "1005,2025-02-30,2025-03-31,20,cash,\n"
        "1006,2026-01-01,2026-01-31,-20,cash,\n"
        "9999,2025-01-01,2025-01-31,20,cash,\n"
        "1007,2025-03-01,2025-02-01,20,barter,\n"
    )
    with pytest.raises(ImportRefused) as refused:
        load(bad)
    assert refused.value.messages == [
        "line 5, column 2 (covers_from): '2025-02-30' is not a date (write YYYY-MM-DD)",
        "line 6, column 4 (amount): -20 is negative: record a correction as a reversal",
        "line 7, column 1 (member_number): no member has the number '9999'",
        "line 8, column 5 (method): unknown method 'barter': one of checkoff, card, bank, cash, remittance",
    ]
    assert not Payment.objects.exists()
    assert not ImportBatch.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="dues.").exists()


def test_it_refuses_a_file_that_pays_a_period_twice(people):
    twice = HEADER + "1005,2025-01-01,2025-03-31,60,cash,\n1005,2025-03-01,2025-03-31,20,cash,\n"
    with pytest.raises(ImportRefused) as refused:
        load(twice)
    assert refused.value.messages == [
        "line 3, column 2 (covers_from): member 1005 has already paid for 2025-01-01 to 2025-03-31"
    ]
    assert not Payment.objects.exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "line 1: the file is empty: the first line names the columns"),
        (
            "member_number,covers_from,covers_through,amount,method,colour\n",
            "line 1, column 6 (colour): unknown column 'colour'",
        ),
        (
            "member_number,covers_from,amount,method\n",
            "line 1: the column 'covers_through' is missing",
        ),
        (HEADER + "1005,2025-01-01\n", "line 2: expected 6 fields, found 2"),
    ],
)
def test_it_names_what_is_wrong_with_the_shape_of_the_file(people, text, message):
    with pytest.raises(ImportRefused) as refused:
        load(text)
    assert refused.value.messages[0] == message


def test_a_dry_run_previews_and_writes_nothing(people):
    summary = load(GOOD, dry_run=True)
    assert summary.payments_created == 3 and summary.dry_run
    assert "Dry run: nothing was written." in summary.lines()
    assert not Payment.objects.exists() and not ImportBatch.objects.exists()
    assert load(GOOD).payments_created == 3  # and the real import is not taken for a repeat


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (b"\xef\xbb\xbf" + GOOD.encode(), "utf-8-sig"),
        (GOOD.replace("R1", "Caf\u00e9").encode("utf-8"), "utf-8-sig"),
        (GOOD.replace("R1", "Caf\u00e9").encode("latin-1"), "latin-1"),
    ],
)
def test_it_reads_utf8_with_or_without_a_byte_order_mark_and_latin1(people, data, encoding):
    summary = load(data)
    assert summary.encoding == encoding and summary.payments_created == 3
    assert Payment.objects.filter(reference__in=["R1", "Caf\u00e9"]).count() == 1


def test_a_control_character_in_a_payment_cell_is_refused_with_line_and_column(people):
    bad = HEADER + "1005,2025-01-01,2025-01-31,20.00,cash,R\x071\n"
    with pytest.raises(ImportRefused) as refused:
        load(bad, people.treasurer)
    assert refused.value.messages == [
        "line 2, column 6 (reference): contains U+0007, a control character"
    ]
    assert not Payment.objects.exists()
