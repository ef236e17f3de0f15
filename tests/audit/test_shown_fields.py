"""What the record page shows is what the chain covers, and an emptied log is not new.

The record page shows each event's target label, and the member and branch columns decide
who sees the event: rewriting any of them behind the application's back breaks the chain.
Deleting every event (with or without the head record) is named, unless the database is
truly new, holding nothing that an action wrote.
"""

from __future__ import annotations

import datetime

import pytest
from django.db import transaction
from django.db.models import ProtectedError

from rankfile.audit.actions import append_event, hashed_fields
from rankfile.audit.models import AuditEvent, AuditHead
from rankfile.cli import main
from rankfile.core.chain import GENESIS_HASH, event_hash
from rankfile.members.models import Branch, Member
from tests.audit.log_fixtures import TABLE, run_sql, set_head_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    north = Branch.objects.create(name="North", slug="north")
    south = Branch.objects.create(name="South", slug="south")
    dana = Member.objects.create(
        member_number="A-1", first_name="Dana", last_name="Okafor", branch=north
    )
    omar = Member.objects.create(
        member_number="A-2", first_name="Omar", last_name="Quill", branch=south
    )
    return north, south, dana, omar


@pytest.fixture
def log(people):
    north, _south, dana, _omar = people
    events = []
    for number in range(1, 6):
        with transaction.atomic():
            events.append(
                append_event(
                    actor=None,
                    action="member.lapsed",
                    target=dana,
                    member=dana,
                    branch=north,
                    reason=f"Dues for month {number}",
                    payload={"member_number": dana.member_number},
                )
            )
    return events


def test_events_are_written_in_the_format_that_covers_what_is_shown(log, verify):
    assert {event.format for event in AuditEvent.objects.all()} == {2}
    assert verify().ok


def test_it_names_an_event_whose_shown_label_was_rewritten(log, verify):
    run_sql(f"UPDATE {TABLE} SET target_label = %s WHERE seq = 3", ("Someone else",))
    broken = verify().broken
    assert (broken.seq, broken.problem) == (
        3,
        "its content does not match its hash (the event was changed)",
    )


def test_it_names_an_event_moved_to_another_member(log, people, verify):
    omar = people[3]
    AuditEvent.objects.filter(seq=2).update(member=omar)
    assert verify().broken.seq == 2


def test_it_names_an_event_hidden_from_its_member(log, verify):
    AuditEvent.objects.filter(seq=4).update(member=None)
    assert verify().broken.seq == 4


def test_it_names_an_event_moved_to_another_branch(log, people, verify):
    south = people[1]
    AuditEvent.objects.filter(seq=5).update(branch=south)
    assert verify().broken.seq == 5


def test_it_names_an_event_taken_out_of_every_branch(log, verify):
    AuditEvent.objects.filter(seq=1).update(branch=None)
    assert verify().broken.seq == 1


def test_it_names_an_event_whose_format_was_lowered_to_escape_the_new_fields(log, verify):
    run_sql(f"UPDATE {TABLE} SET format = 1, target_label = %s WHERE seq = 3", ("Other",))
    assert verify().broken.seq == 3


def test_events_written_before_the_new_format_still_verify(people, verify):
    """Events of format 1 keep the hash they were written with."""
    north, _south, dana, _omar = people
    prev_hash = GENESIS_HASH
    with transaction.atomic():
        for seq in (1, 2):
            event = AuditEvent(
                seq=seq,
                at=datetime.datetime(2026, 1, seq, tzinfo=datetime.UTC),
                actor_label="system",
                action="member.add",
                target_type="members.member",
                target_id=str(dana.pk),
                target_label=str(dana),
                member=dana,
                branch=north,
                payload={},
                prev_hash=prev_hash,
                format=1,
            )
            event.hash = event_hash(hashed_fields(event), prev_hash)
            event.save(force_insert=True)
            prev_hash = event.hash
        set_head_record(2, prev_hash)
        append_event(actor=None, action="member.update", target=dana, member=dana)
    result = verify()
    assert (result.ok, result.checked) == (True, 3)
    AuditEvent.objects.filter(seq=2).update(format=2)
    assert verify().broken.seq == 2


def test_a_truly_new_database_verifies_as_an_empty_log(verify):
    result = verify()
    assert (result.ok, result.checked) == (True, 0)


def test_deleting_every_event_and_the_head_record_is_named(log, verify):
    run_sql(f"DELETE FROM {TABLE}")
    AuditHead.objects.all().delete()
    result = verify()
    assert (result.ok, result.checked, result.broken.seq) == (False, 0, 1)
    assert "the log is empty, but the database holds members" in result.broken.problem


def test_deleting_every_event_and_resetting_the_head_record_is_named(log, verify):
    run_sql(f"DELETE FROM {TABLE}")
    set_head_record(0, GENESIS_HASH)
    assert verify().broken.seq == 1


def test_a_log_whose_head_record_was_deleted_is_named(log, verify):
    AuditHead.objects.all().delete()
    broken = verify().broken
    assert broken.seq == 6
    assert "the log's head record is missing" in broken.problem


def test_the_command_fails_on_an_emptied_log(log, capsys):
    run_sql(f"DELETE FROM {TABLE}")
    AuditHead.objects.all().delete()
    assert main(["audit", "verify"]) == 1
    assert capsys.readouterr().err.startswith(
        "rankfile: the audit log is broken at event 1: it is missing: the log is empty"
    )


def test_a_member_or_branch_the_record_names_cannot_be_deleted(log, people):
    """Deleting them would empty the events' member and branch columns, which are hashed."""
    north, _south, dana, _omar = people
    with pytest.raises(ProtectedError):
        dana.delete()
    with pytest.raises(ProtectedError):
        north.delete()
    assert AuditEvent.objects.filter(member=dana, branch=north).count() == len(log)


def test_a_log_whose_head_record_was_reset_to_the_genesis_is_named(log, verify):
    run_sql(f"DELETE FROM {TABLE} WHERE seq > 2")
    set_head_record(0, GENESIS_HASH)
    broken = verify().broken
    assert broken.seq == 3
    assert "the log's head record is back at the genesis" in broken.problem
