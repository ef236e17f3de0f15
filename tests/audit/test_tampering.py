"""Whoever changes the stored log behind the application's back is named by seq.

Each test builds a log of 10 events through append_event, tampers with the database
directly, and checks that verification names the first event that no longer holds.
"""

from __future__ import annotations

import pytest
from django.db import transaction

from rankfile.audit.actions import hashed_fields
from rankfile.audit.models import AuditEvent
from rankfile.cli import main
from rankfile.core.chain import Anchor, event_hash
from tests.audit.log_fixtures import TABLE, append_events, run_sql, set_head_record

pytestmark = pytest.mark.django_db

EVENTS = 10


@pytest.fixture
def log():
    return append_events(EVENTS)


def forge(seq: int, prev_hash: str, **changes) -> AuditEvent:
    """An event the forger hashed correctly, linked to prev_hash, stored directly."""
    with transaction.atomic():
        event = AuditEvent(
            seq=seq,
            at=AuditEvent.objects.get(seq=1).at,
            actor_label="secretary@example.org",
            action="member.expelled",
            target_type="members.member",
            target_id="99",
            reason="Forged after the fact",
            payload={"member_number": "A-00099"},
            prev_hash=prev_hash,
            **changes,
        )
        event.hash = event_hash(hashed_fields(event), prev_hash)
        event.save(force_insert=True)
    return event


def renumber_from(seq: int) -> None:
    """Move events seq, seq+1, ... one place up (in two steps: seq is unique)."""
    run_sql(f"UPDATE {TABLE} SET seq = -seq WHERE seq >= %s", (seq,))
    run_sql(f"UPDATE {TABLE} SET seq = 1 - seq WHERE seq < 0")


def test_an_intact_log_verifies(log, verify):
    result = verify()
    assert result.ok
    assert (result.checked, result.head_hash) == (EVENTS, log[-1].hash)


def test_an_empty_log_verifies(verify):
    result = verify()
    assert (result.ok, result.checked) == (True, 0)


def test_it_names_an_event_whose_reason_was_changed(log, verify):
    run_sql(f"UPDATE {TABLE} SET reason = %s WHERE seq = 4", ("Never paid",))
    broken = verify().broken
    assert (broken.seq, str(broken)) == (
        4,
        "event 4: its content does not match its hash (the event was changed)",
    )


def test_it_names_an_event_whose_payload_was_changed(log, verify):
    run_sql(f"UPDATE {TABLE} SET payload = %s WHERE seq = 6", ('{"member_number":"A-00007"}',))
    assert verify().broken.seq == 6


def test_it_names_an_event_whose_time_was_changed(log, verify):
    AuditEvent.objects.filter(seq=3).update(at=log[0].at)
    assert verify().broken.seq == 3


def test_it_names_an_event_whose_hash_was_recomputed_after_a_change(log, verify):
    event = AuditEvent.objects.get(seq=5)
    event.reason = "Rewritten"
    AuditEvent.objects.filter(seq=5).update(
        reason="Rewritten", hash=event_hash(hashed_fields(event), event.prev_hash)
    )
    broken = verify().broken
    assert broken.seq == 6
    assert "its link does not match the hash of the event before it" in broken.problem


def test_it_names_an_event_deleted_from_the_middle(log, verify):
    run_sql(f"DELETE FROM {TABLE} WHERE seq = 5")
    assert str(verify().broken) == "event 5: it is missing (the next event in the log is 6)"


def test_it_names_the_last_but_one_event_when_it_was_deleted(log, verify):
    run_sql(f"DELETE FROM {TABLE} WHERE seq = %s", (EVENTS - 1,))
    assert verify().broken.seq == EVENTS - 1


def test_it_names_the_first_event_when_it_was_deleted(log, verify):
    run_sql(f"DELETE FROM {TABLE} WHERE seq = 1")
    assert verify().broken.seq == 1


def test_it_names_an_event_forged_into_the_middle_with_the_rest_renumbered(log, verify):
    renumber_from(5)
    forge(5, log[3].hash)  # hashed and linked like a real event 5
    set_head_record(EVENTS + 1, log[-1].hash)
    broken = verify().broken
    # The forged event holds on its own; the original 5, now numbered 6, no longer links.
    assert broken.seq == 6


def test_it_names_an_event_forged_onto_the_end_with_a_wrong_link(log, verify):
    forge(EVENTS + 1, log[-2].hash)
    broken = verify().broken
    assert broken.seq == EVENTS + 1
    assert "its link does not match" in broken.problem


def test_it_names_events_whose_places_were_swapped(log, verify):
    run_sql(f"UPDATE {TABLE} SET seq = -1 WHERE seq = 3")
    run_sql(f"UPDATE {TABLE} SET seq = 3 WHERE seq = 7")
    run_sql(f"UPDATE {TABLE} SET seq = 7 WHERE seq = -1")
    assert verify().broken.seq == 3


def test_it_names_the_removed_last_event_from_the_head_record(log, verify):
    run_sql(f"DELETE FROM {TABLE} WHERE seq = %s", (EVENTS,))
    broken = verify().broken
    assert (broken.seq, broken.problem) == (
        EVENTS,
        f"it is missing: the log ends at event {EVENTS - 1} but the log's head record "
        f"records event {EVENTS} (events were removed from the end)",
    )


def test_a_cut_tail_with_a_rewritten_head_record_is_caught_only_by_an_anchor(log, verify):
    anchor = Anchor(EVENTS, log[-1].hash)
    run_sql(f"DELETE FROM {TABLE} WHERE seq > 7")
    set_head_record(7, log[6].hash)
    assert verify().ok  # nothing inside the database tells
    broken = verify(anchor).broken
    assert broken.seq == EVENTS
    assert "the anchored head records event 10" in broken.problem


def test_a_log_rewritten_from_some_event_on_is_caught_only_by_an_anchor(log, verify):
    anchor = Anchor(EVENTS, log[-1].hash)
    # Change event 4 and recompute every hash after it, as someone with the database could.
    prev_hash = log[2].hash
    for event in AuditEvent.objects.filter(seq__gte=4).order_by("seq"):
        if event.seq == 4:
            event.reason = "Rewritten"
        event.prev_hash = prev_hash
        event.hash = event_hash(hashed_fields(event), prev_hash)
        AuditEvent.objects.filter(pk=event.pk).update(
            reason=event.reason, prev_hash=event.prev_hash, hash=event.hash
        )
        prev_hash = event.hash
    set_head_record(EVENTS, prev_hash)
    assert verify().ok
    assert verify(Anchor(3, log[2].hash)).ok  # an older anchor still holds: 1..3 are intact
    broken = verify(anchor).broken
    assert broken.seq == EVENTS
    assert "the log was rewritten up to here" in broken.problem


class TestTheCommand:
    def test_it_prints_the_count_and_the_head(self, log, capsys):
        assert main(["audit", "verify"]) == 0
        assert capsys.readouterr().out == f"{EVENTS} events verified; head {log[-1].hash}\n"

    def test_it_exits_non_zero_naming_the_broken_event(self, log, capsys):
        run_sql(f"UPDATE {TABLE} SET reason = %s WHERE seq = 4", ("Never paid",))
        assert main(["audit", "verify"]) == 1
        captured = capsys.readouterr()
        assert captured.out == ""
        assert captured.err == (
            "rankfile: the audit log is broken at event 4: its content does not match its "
            "hash (the event was changed) (3 events before it verified)\n"
        )

    def test_its_head_is_an_anchor_for_a_later_verification(self, log, capsys):
        assert main(["audit", "head"]) == 0
        head = capsys.readouterr().out.strip()
        assert head == f"{EVENTS}:{log[-1].hash}"
        append_events(2)
        assert main(["audit", "verify", "--anchor", head]) == 0
        run_sql(f"DELETE FROM {TABLE} WHERE seq > 3")
        set_head_record(3, log[2].hash)
        capsys.readouterr()
        assert main(["audit", "verify", "--anchor", head]) == 1
        assert "broken at event 10: it is missing" in capsys.readouterr().err

    def test_it_refuses_an_anchor_it_cannot_read(self, capsys):
        assert main(["audit", "verify", "--anchor", "10:beef"]) == 2
        assert "an anchor is SEQ:HASH" in capsys.readouterr().err
