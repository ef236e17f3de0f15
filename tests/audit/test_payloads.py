"""What is stored verifies on both databases: nested payloads, any text, any instant."""

from __future__ import annotations

import datetime

import pytest
from django.db import transaction

from rankfile.audit import actions
from rankfile.audit import verify as verify_module
from rankfile.audit.actions import append_event
from rankfile.audit.models import AuditEvent
from tests.audit.log_fixtures import TABLE, run_sql, utc

NESTED = {
    "zeta": 1,
    "a": {"longer key": [3, 2, 1], "b": None, "aa": {"y": True, "x": False}},
    "mid": [{"k2": "v", "k1": "w"}, [], {}],
    "unicode": 'Genossin Müller — 同志 \u2028 "quoted" \\ back\tslash',
    "big": 2**70,
    "": "empty key",
}


@pytest.mark.django_db
def test_events_with_nested_payloads_verify(verify):
    # PostgreSQL's jsonb stores keys by length, then bytes: not the order they were given.
    with transaction.atomic():
        append_event(actor=None, action="faction.declared", payload=NESTED)
        append_event(actor=None, action="faction.joined", payload={"b": {"d": 1, "c": 2}, "a": 0})
    assert AuditEvent.objects.get(seq=1).payload == NESTED
    result = verify()
    assert result.ok, result.broken
    assert result.checked == 2


@pytest.mark.django_db
def test_an_event_at_a_whole_second_verifies(verify, monkeypatch):
    # Django stores such a time on SQLite without its fractional part.
    times = iter([utc(2026, 11, 25, 16, 0, 0), utc(2026, 11, 25, 16, 0, 0, 5)])
    monkeypatch.setattr(actions.timezone, "now", lambda: next(times))
    with transaction.atomic():
        append_event(actor=None, action="member.admitted")
        append_event(actor=None, action="member.admitted")
    assert AuditEvent.objects.get(seq=1).at == datetime.datetime(
        2026, 11, 25, 16, tzinfo=datetime.UTC
    )
    assert verify().ok


@pytest.mark.django_db
def test_the_same_payload_written_another_way_is_not_tampering(verify):
    with transaction.atomic():
        append_event(actor=None, action="dues.recorded", payload={"a": 1, "b": [1, 2]})
    run_sql(f"UPDATE {TABLE} SET payload = %s WHERE seq = 1", ('{ "b" : [1,  2], "a": 1 }',))
    assert verify().ok


@pytest.mark.django_db
def test_any_text_in_the_fields_verifies(verify):
    awkward = 'quote " backslash \\ tab \t newline \n nul-less \x01 del \x7f line-sep \u2028 ✊🏽 ü'
    with transaction.atomic():
        append_event(actor=None, action=awkward, reason=awkward, payload={awkward: awkward})
        append_event(actor=None, action="member.admitted", reason="")
    result = verify()
    assert result.ok, result.broken
    assert result.checked == 2


@pytest.mark.django_db
def test_an_event_changed_to_text_that_escapes_the_same_way_is_named(verify):
    with transaction.atomic():
        append_event(actor=None, action="member.admitted", reason='say "no"')
    run_sql(f"UPDATE {TABLE} SET reason = %s WHERE seq = 1", ("say \\u0022no\\u0022",))
    assert verify().broken.seq == 1


@pytest.mark.django_db
def test_the_database_builds_the_very_bytes_python_hashed(monkeypatch):
    # The fast path: when the database's own JSON encoding matched Python's, no event has
    # to be read again field by field.
    awkward = 'quote " backslash \\ tab \t newline \n \x01 del \x7f line-sep \u2028 ✊🏽 ü'
    with transaction.atomic():
        append_event(actor=None, action=awkward, reason=awkward, payload={awkward: [awkward]})
        append_event(actor=None, action="faction.declared", payload=NESTED)

    def read_again(*args):
        raise AssertionError("an event had to be checked again from its fields")

    monkeypatch.setattr(verify_module, "_fields_of", read_again)
    assert verify_module.verify_audit_log().checked == 2
