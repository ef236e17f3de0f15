"""Writers appending at the same moment extend one chain in turn: no fork, no gap.

Each writer is a thread with its own database connection, appending in its own
transactions; they start together at a barrier.
"""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import connection, connections, transaction

from rankfile.audit.actions import append_event
from rankfile.audit.models import AuditEvent, AuditHead
from rankfile.audit.verify import verify_audit_log

WRITERS = 4
APPENDS = 25


def append_in_parallel() -> None:
    start = threading.Barrier(WRITERS)
    failures: list[BaseException] = []

    def writer(number: int) -> None:
        try:
            start.wait()
            for count in range(APPENDS):
                with transaction.atomic():
                    append_event(
                        actor=None,
                        action="member.admitted",
                        payload={"writer": number, "count": count},
                    )
        except BaseException as failure:  # reported by the test, not lost in the thread
            failures.append(failure)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []


def assert_one_unbroken_chain() -> None:
    result = verify_audit_log()
    assert result.broken is None
    assert result.checked == WRITERS * APPENDS
    events = AuditEvent.objects.order_by("seq")
    assert list(events.values_list("seq", flat=True)) == list(range(1, WRITERS * APPENDS + 1))
    assert Counter(p["writer"] for p in events.values_list("payload", flat=True)) == {
        n: APPENDS for n in range(WRITERS)
    }
    head = AuditHead.objects.get(pk=1)
    assert (head.seq, head.hash) == (WRITERS * APPENDS, result.head_hash)


@pytest.fixture(params=["head row present", "head row missing"])
def head_row(request):
    if request.param == "head row missing":
        AuditHead.objects.all().delete()  # the first appends race to create it
    else:
        AuditHead.objects.get_or_create(pk=1, defaults={"seq": 0, "hash": "0" * 64})


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_parallel_writers_on_postgresql_do_not_fork_the_chain(head_row):
    append_in_parallel()
    assert_one_unbroken_chain()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's own locking")
@pytest.mark.django_db(transaction=True)
def test_parallel_writers_on_sqlite_do_not_fork_the_chain(head_row):
    append_in_parallel()
    assert_one_unbroken_chain()
