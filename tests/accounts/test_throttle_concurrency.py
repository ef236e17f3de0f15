"""Several app servers count into one throttle: attempts made at the same moment, each on its
own database connection, are all counted, and exactly one of them starts the lock."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import connections

from rankfile.accounts import throttling
from rankfile.accounts.models import Throttle

WORKERS = 4
ATTEMPTS = 10


@pytest.mark.django_db(transaction=True)
def test_attempts_at_the_same_moment_are_all_counted_and_lock_once():
    limit = throttling.Limit("login.account", WORKERS * ATTEMPTS, datetime.timedelta(minutes=15))
    start = threading.Barrier(WORKERS)
    failures: list[BaseException] = []
    locks: list[object] = []

    def worker() -> None:
        try:
            start.wait()
            for _ in range(ATTEMPTS):
                started = throttling.hit(limit, "victim@example.org")
                if started is not None:
                    locks.append(started)
        except BaseException as failure:  # reported by the test, not lost in the thread
            failures.append(failure)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert len(locks) == 1
    assert throttling.locked_until(limit, "victim@example.org") == locks[0]
    assert Throttle.objects.get().lockouts == 1
