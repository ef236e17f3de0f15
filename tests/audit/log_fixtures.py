"""Building and tampering with an audit log in tests."""

from __future__ import annotations

import datetime
from types import SimpleNamespace
from typing import Any

from django.db import connection, transaction

from rankfile.audit.actions import append_event
from rankfile.audit.models import AuditEvent, AuditHead

TABLE = AuditEvent._meta.db_table


class a_member:  # noqa: N801 - reads as the member it stands for
    """Something append_event can name as its target, without the members app's rules."""

    _meta = SimpleNamespace(label_lower="members.member")

    def __init__(self, pk: int) -> None:
        self.pk = pk

    def __str__(self) -> str:
        return f"Member {self.pk}"


def append_events(count: int) -> list[AuditEvent]:
    """Append `count` events of the kinds officers record, each in its own transaction."""
    events = []
    for number in range(1, count + 1):
        with transaction.atomic():
            events.append(
                append_event(
                    actor=None,
                    action="member.lapsed" if number % 2 else "member.reinstated",
                    target=a_member(number),
                    reason=f"Dues for month {number} — «reçu»",
                    payload={"member_number": f"A-{number:05d}", "branch": {"slug": "north"}},
                )
            )
    return events


def run_sql(statement: str, params: tuple[Any, ...] = ()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def head_record() -> tuple[int, str]:
    head = AuditHead.objects.get(pk=1)
    return head.seq, head.hash


def set_head_record(seq: int, hash_: str) -> None:
    AuditHead.objects.filter(pk=1).update(seq=seq, hash=hash_)


def utc(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=datetime.UTC)
