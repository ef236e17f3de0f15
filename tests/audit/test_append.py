"""Events are appended in the same transaction as the change they record."""

from __future__ import annotations

import datetime

import pytest
from django.db import transaction

from rankfile.audit.actions import append_event
from rankfile.audit.models import AuditEvent, AuditHead
from rankfile.audit.verify import verify_audit_log
from rankfile.core.chain import GENESIS_HASH
from tests.audit.log_fixtures import a_member, append_events, head_record


@pytest.mark.django_db(transaction=True)
def test_it_refuses_an_append_outside_a_transaction():
    with pytest.raises(RuntimeError, match="inside the action's transaction"):
        append_event(actor=None, action="member.admitted")
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_action_leaves_no_event_and_no_gap():
    append_events(2)

    class ActionFailed(Exception):
        pass

    with pytest.raises(ActionFailed), transaction.atomic():
        append_event(actor=None, action="member.expelled", target=a_member(7), reason="x")
        raise ActionFailed

    assert list(AuditEvent.objects.order_by("seq").values_list("seq", "action")) == [
        (1, "member.lapsed"),
        (2, "member.reinstated"),
    ]
    with transaction.atomic():
        third = append_event(actor=None, action="member.admitted")
    assert third.seq == 3
    assert head_record() == (3, third.hash)
    assert verify_audit_log().ok


@pytest.mark.django_db
def test_migrating_creates_the_head_at_the_genesis_hash():
    assert head_record() == (0, GENESIS_HASH)


@pytest.mark.django_db
def test_the_first_append_creates_the_head_when_it_is_missing():
    AuditHead.objects.all().delete()
    [first] = append_events(1)
    assert (first.seq, first.prev_hash) == (1, GENESIS_HASH)
    assert head_record() == (1, first.hash)
    assert verify_audit_log().ok


@pytest.mark.django_db
def test_a_lost_head_is_rebuilt_from_the_last_event():
    append_events(3)
    AuditHead.objects.all().delete()
    [fourth] = append_events(1)
    assert fourth.seq == 4
    assert verify_audit_log().ok


@pytest.mark.django_db
def test_each_event_links_to_the_one_before_it():
    first, second, third = append_events(3)
    assert [second.prev_hash, third.prev_hash] == [first.hash, second.hash]
    stored = AuditEvent.objects.get(seq=2)
    assert (stored.target_type, stored.target_id, stored.actor_label) == (
        "members.member",
        "2",
        "system",
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("payload", "complaint"),
    [
        ({"amount": 12.5}, r"payload\['amount'\] holds a float"),
        ({"by_month": {1: "paid"}}, r"payload\['by_month'\] has a key that is not a string"),
        ({"on": datetime.date(2026, 1, 1)}, "holds a date"),
    ],
)
def test_it_refuses_a_payload_that_would_not_read_back_as_hashed(payload, complaint):
    with pytest.raises(TypeError, match=complaint):
        append_event(actor=None, action="dues.recorded", payload=payload)
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_many_events_appended_at_once_extend_the_same_chain():
    from rankfile.audit.actions import append_events as append_many

    append_events(1)
    with pytest.raises(RuntimeError, match="inside the action's transaction"):
        append_many([{"actor": None, "action": "member.add"}])
    with transaction.atomic():
        count = append_many(
            {"actor": None, "action": "member.add", "target": a_member(n), "payload": {"n": n}}
            for n in range(2, 2 + 4500)  # more than one batch
        )
    assert count == 4500
    assert head_record() == (4501, AuditEvent.objects.get(seq=4501).hash)
    event = AuditEvent.objects.get(seq=4501)
    assert (event.target_label, event.payload, event.format) == ("Member 4501", {"n": 4501}, 2)
    result = verify_audit_log()
    assert (result.ok, result.checked) == (True, 4501)
    with transaction.atomic():
        append_event(actor=None, action="member.update")
    assert verify_audit_log().checked == 4502
