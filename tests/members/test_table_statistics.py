"""After a bulk load the database's planner knows the tables' new shape at once, without
waiting for PostgreSQL's autovacuum: the demo, a members import and a payments import each
end with ANALYZE of the tables they filled."""

from __future__ import annotations

import datetime
import io

import pytest
from django.db import connection
from django.utils import timezone

from rankfile.core.dates import add_months
from rankfile.demo import load_demo
from rankfile.dues.importing import do_import_payments
from rankfile.members.importing import do_apply_import
from rankfile.members.table_statistics import ANALYZE_FROM_ROWS

pytestmark = pytest.mark.django_db(transaction=True)


def forget_statistics() -> datetime.datetime:
    """Start from tables the planner knows nothing new about; returns when."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE sqlite_schema")  # makes sure sqlite_stat1 exists
            cursor.execute("DELETE FROM sqlite_stat1")
    return timezone.now()


def analyzed_since(table: str, since: datetime.datetime) -> bool:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT last_analyze, last_autoanalyze FROM pg_stat_user_tables WHERE relname = %s",
                [table],
            )
            return any(at is not None and at >= since for at in cursor.fetchone())
        cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = %s", [table])
        return cursor.fetchone()[0] > 0


def row_estimate(table: str) -> int:
    if connection.vendor != "postgresql":
        return -1
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
        return int(cursor.fetchone()[0])


def test_the_demo_leaves_fresh_statistics():
    since = forget_statistics()
    load_demo(members=300)
    for table in ("members_member", "dues_payment", "audit_auditevent", "standing_snapshotentry"):
        assert analyzed_since(table, since), table
    if connection.vendor == "postgresql":
        assert row_estimate("members_member") == 300


def test_a_large_members_import_leaves_fresh_statistics(people, members_csv):
    rows = [
        [str(5000 + n), "Ann", f"Lee{n}", f"ann{n}@example.org", "", "east", "2021-03-04", ""]
        for n in range(ANALYZE_FROM_ROWS)
    ]
    since = forget_statistics()
    plan = do_apply_import(members_csv(rows), file_name="big.csv", actor=people.admin)
    assert plan.applied
    assert analyzed_since("members_member", since)
    assert analyzed_since("members_memberevent", since)


def test_a_small_members_import_leaves_the_statistics_to_the_database(people, members_csv):
    since = forget_statistics()
    row = ["5000", "Ann", "Lee", "ann@example.org", "", "east", "2021-03-04", ""]
    assert do_apply_import(members_csv([row]), file_name="one.csv", actor=people.admin).applied
    assert not analyzed_since("members_member", since)


def test_a_large_payments_import_leaves_fresh_statistics(people):
    lines = ["member_number,covers_from,covers_through,amount,method"]
    months_each = ANALYZE_FROM_ROWS // 7 + 1
    for number in range(1001, 1008):
        month = datetime.date(2005, 1, 1)
        for _ in range(months_each):
            end = add_months(month, 1, "clamp") - datetime.timedelta(days=1)
            lines.append(f"{number},{month},{end},20.00,bank")
            month = add_months(month, 1, "clamp")
    since = forget_statistics()
    data = ("\n".join(lines) + "\n").encode()
    summary = do_import_payments(people.treasurer, io.BytesIO(data), filename="big.csv")
    assert summary.payments_created >= ANALYZE_FROM_ROWS
    assert analyzed_since("dues_payment", since)
