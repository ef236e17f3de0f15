"""Good standing of every member as of a date, set-based (targets: 1,000,000 members with 24
monthly payments each — 24M payment rows — and 10,000 active overrides in <= 60 s on SQLite,
<= 30 s on PostgreSQL), and the speed-up over a naive per-member ORM loop measured on a
10,000-member sample.

    python bench/bench_standing_bulk.py [--members N] [--database-url URL] [--regenerate]
        [--overrides N]

The data is generated once, in SQL (INSERT ... SELECT over a 24-row table of months), into its
own database: var/bench-standing.sqlite3 by default, or the PostgreSQL database named by
--database-url (created if missing). A later run with the same size reuses it. Every member
pays 24 months (2023-01 to 2024-12); one in ten stopped at some month and paid the rest late
(received after the as-of date, so not counted); one in twenty is on checkoff; one in a hundred
has a granted waiver. --overrides N (default 10,000) overrides are written on every run
(replacing earlier ones), spread evenly over the members: each covers the as-of date, half
into good standing and half out of it, one in ten with an earlier override under it.
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path

from rankfile.examples import RULES_DIR

ROOT = Path(__file__).resolve().parents[1]
AS_OF = datetime.date(2024, 12, 15)
BRANCHES = 20
SAMPLE = 10_000
RULES = (RULES_DIR / "union-local-checkoff.toml").read_text()


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--database-url", default=None, help="default: a SQLite file under var/")
    parser.add_argument("--regenerate", action="store_true", help="generate the data again")
    parser.add_argument("--sample", type=int, default=SAMPLE, help="members in the naive loop")
    parser.add_argument("--overrides", type=int, default=10_000, help="active overrides")
    return parser.parse_args()


def choose_database(url: str | None) -> str:
    if url is None:
        (ROOT / "var").mkdir(exist_ok=True)
        return f"sqlite:///{ROOT / 'var' / 'bench-standing.sqlite3'}"
    if url.startswith("postgres"):
        import psycopg

        base, name = url.rsplit("/", 1)
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                admin.execute(f'CREATE DATABASE "{name}"')
    return url


def months() -> list[tuple[int, datetime.date, datetime.date, datetime.date, datetime.date]]:
    rows = []
    for i in range(24):
        year, month = 2023 + i // 12, i % 12 + 1
        first = datetime.date(year, month, 1)
        last = (first + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
        rows.append((i, first, last, first + datetime.timedelta(days=4), datetime.date(2025, 3, 1)))
    return rows


def generate(members: int) -> None:
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from rankfile.members.models import Branch
    from rankfile.standing.rulesets import do_adopt_rules

    started = time.perf_counter()
    postgres = connection.vendor == "postgresql"
    if postgres:
        call_command("flush", interactive=False, verbosity=0)
    else:  # a fresh file is much faster than deleting millions of rows
        path = Path(connection.settings_dict["NAME"])
        connection.close()
        for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            leftover.unlink(missing_ok=True)
    call_command("migrate", verbosity=0)
    now = timezone.now()
    with transaction.atomic():
        Branch.objects.bulk_create(
            Branch(name=f"Branch {b:02}", slug=f"branch-{b:02}") for b in range(1, BRANCHES + 1)
        )
        first_branch = Branch.objects.order_by("pk").values_list("pk", flat=True).first()
        do_adopt_rules(None, text=RULES, decision="Benchmark")
    with connection.cursor() as cursor:
        if postgres:  # no per-row foreign-key triggers while loading our own consistent rows
            cursor.execute("SET session_replication_role = replica")
        else:
            cursor.execute("PRAGMA synchronous = OFF")
        numbers = (
            "SELECT generate_series(1, %s) AS x"
            if postgres
            else "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < %s) "
            "SELECT x FROM n"
        )
        dropped = drop_indexes(cursor, "dues_payment", postgres)
        with transaction.atomic():
            padded = (
                "LPAD(CAST(x AS TEXT), 8, '0')" if postgres else "substr('00000000' || x, -8, 8)"
            )
            cursor.execute(
                "INSERT INTO members_member (id, member_number, first_name, last_name, email, "
                "phone, address, branch_id, joined_on, status, user_id, created_at) "
                f"SELECT x, 'M' || {padded}, 'Member', 'No ' || x, '', '', '', "
                f"%s + x %% {BRANCHES}, %s, 'member', NULL, %s FROM ({numbers}) n",
                [first_branch, datetime.date(2022, 1, 1), now, members],
            )
            cursor.execute(
                'INSERT INTO members_memberevent (member_id, kind, "on", reason, statement, '
                "from_branch_id, to_branch_id, recorded_by_id, recorded_at) "
                "SELECT id, 'admitted', joined_on, '', '', NULL, NULL, NULL, %s "
                "FROM members_member",
                [now],
            )
            cursor.execute(
                "CREATE TEMPORARY TABLE bench_months (i INTEGER, f DATE, t DATE, r DATE, late DATE)"
            )
            cursor.executemany("INSERT INTO bench_months VALUES (%s, %s, %s, %s, %s)", months())
            print(f"members and events: {time.perf_counter() - started:.1f} s", flush=True)
            # One in ten stopped paying at some month and paid the rest late (after AS_OF).
            cursor.execute(
                "INSERT INTO dues_payment (member_id, covers_from, covers_through, amount, "
                "currency, method, received_on, reference, reverses_id, batch_id, "
                "recorded_by_id, recorded_at) "
                "SELECT m.id, bm.f, bm.t, 20, 'USD', 'card', "
                "CASE WHEN m.id %% 10 = 0 AND bm.i >= (m.id / 10) %% 24 THEN bm.late ELSE bm.r END, "
                "'', NULL, NULL, NULL, %s FROM members_member m CROSS JOIN bench_months bm "
                "ORDER BY m.id, bm.i",
                [now],
            )
            print(f"payments: {time.perf_counter() - started:.1f} s", flush=True)
            cursor.execute(
                "INSERT INTO dues_checkoffauthorization (member_id, kind, employer_name, "
                "employee_id, reference, started_on, ended_on, end_reason, recorded_by_id, "
                "recorded_at) SELECT id, 'bank', '', '', '', %s, NULL, '', NULL, %s "
                "FROM members_member WHERE id %% 20 = 3",
                [datetime.date(2022, 1, 1), now],
            )
            cursor.execute(
                "INSERT INTO dues_waiver (member_id, requested_on, requested_by_id, starts_on, "
                "ends_on, reason, status, decided_by_id, decided_at, decision_reason) "
                "SELECT id, %s, NULL, %s, %s, 'hardship', 'granted', NULL, %s, '' "
                "FROM members_member WHERE id %% 100 = 10",
                [
                    datetime.date(2024, 9, 1),
                    datetime.date(2024, 9, 1),
                    datetime.date(2025, 2, 28),
                    now,
                ],
            )
        for statement in dropped:
            cursor.execute(statement)
        print(f"indexes: {time.perf_counter() - started:.1f} s", flush=True)
        if postgres:
            cursor.execute("SET session_replication_role = DEFAULT")
            cursor.execute("ANALYZE")
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('members_member', 'id'), %s)", [members]
            )
    print(
        f"generated {members:,} members, {24 * members:,} payments in {time.perf_counter() - started:.1f} s"
    )


def write_overrides(members: int, count: int) -> None:
    """``count`` overrides in effect on AS_OF, on every (members // count)-th member."""
    from django.db import connection, transaction
    from django.utils import timezone

    now = timezone.now()
    step = max(1, members // max(count, 1))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM standing_enforcementaction WHERE kind = 'override'")
        if not count:
            return
        columns = (
            "kind, member_id, branch_id, actor_id, actor_label, rule_version_id, rule_cited, "
            'reason, "on", recorded_at, starts_on, ends_on, in_good_standing, lifted_on, '
            "lifted_reason"
        )
        select = (
            f"SELECT 'override', m.id, m.branch_id, NULL, 'bench', NULL, 'appeals', "
            f"'Appeal ' || m.id, %s, %s, %s, {{ends}}, {{good}}, NULL, '' "
            f"FROM members_member m WHERE m.id %% {step} = 0 AND m.id <= {step * count}"
        )
        good = "CASE WHEN m.id %% 2 = 0 THEN TRUE ELSE FALSE END"
        # One in ten has an earlier, open-ended override of the other direction under it.
        cursor.execute(
            f"INSERT INTO standing_enforcementaction ({columns}) "
            + select.format(ends="NULL", good=f"NOT ({good})")
            + f" AND m.id %% {step * 10} = 0",
            [datetime.date(2024, 1, 10), now, datetime.date(2024, 1, 10)],
        )
        cursor.execute(
            f"INSERT INTO standing_enforcementaction ({columns}) "
            + select.format(ends="%s", good=good),
            [
                datetime.date(2024, 11, 1),
                now,
                datetime.date(2024, 11, 1),
                datetime.date(2025, 3, 31),
            ],
        )
    if connection.vendor == "postgresql":
        # As autovacuum soon would: right after a bulk insert the planner's statistics say the
        # table is empty, and the plan it picks costs several seconds more.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE standing_enforcementaction")


def drop_indexes(cursor, table: str, postgres: bool) -> list[str]:
    """Drop the table's plain indexes for a fast load; return the statements recreating them."""
    if postgres:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT IN "
            "(SELECT conname FROM pg_constraint)",
            [table],
        )
    else:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
            "AND sql IS NOT NULL",
            [table],
        )
    found = cursor.fetchall()
    for name, _ in found:
        cursor.execute(f'DROP INDEX "{name}"')
    return [sql for _, sql in found]


def main() -> int:
    args = parse_args()
    os.environ["DATABASE_URL"] = choose_database(args.database_url)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rankfile.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from rankfile.core.standing import determine
    from rankfile.dues.models import Payment
    from rankfile.members.models import Member
    from rankfile.standing.bulk import evaluate
    from rankfile.standing.facts import determine_member, member_facts
    from rankfile.standing.models import EnforcementAction
    from rankfile.standing.rulesets import find_version, rules_of

    call_command("migrate", verbosity=0)
    if args.regenerate or Member.objects.count() != args.members:
        generate(args.members)
    write_overrides(args.members, args.overrides)
    payments = Payment.objects.count()
    overrides = EnforcementAction.objects.filter(
        kind="override", starts_on__lte=AS_OF, ends_on__gte=AS_OF
    ).count()
    rules = rules_of(find_version(AS_OF))
    print(
        f"{connection.vendor}: {args.members:,} members, {payments:,} payments, "
        f"{overrides:,} active overrides, as of {AS_OF}"
    )

    sample = list(Member.objects.order_by("pk")[: args.sample])
    in_sample = {m.pk for m in sample}
    bulk_rows = {}
    started = time.perf_counter()
    good = total = 0
    for row in evaluate(rules, AS_OF):
        total += 1
        good += row.in_good_standing
        if row.member_id in in_sample:
            bulk_rows[row.member_id] = row
    bulk = time.perf_counter() - started
    print(f"set-based: {total:,} members ({good:,} in good standing) in {bulk:.1f} s")
    started = time.perf_counter()
    naive = [determine_member(member, AS_OF, rules=rules) for member in sample]
    loop = time.perf_counter() - started
    agree = all(
        result.in_good_standing == bulk_rows[m.pk].in_good_standing
        and result.reasons == bulk_rows[m.pk].reasons
        for m, result in zip(sample, naive, strict=True)
    )
    per_member_naive = loop / len(sample)
    per_member_bulk = bulk / total
    print(
        f"naive per-member ORM loop: {len(sample):,} members in {loop:.1f} s "
        f"({per_member_naive * 1000:.2f} ms each; all {args.members:,} would take "
        f"{per_member_naive * args.members:,.0f} s); speed-up of the set-based query: "
        f"{per_member_naive / per_member_bulk:,.0f}x; same results on the sample: {agree}"
    )

    member = sample[len(sample) // 2]
    times = []
    for _ in range(50):
        started = time.perf_counter()
        determine(member_facts(member), rules, AS_OF).explanation  # noqa: B018
        times.append(time.perf_counter() - started)
    print(
        f"one member's determination with explanation (from the database): median "
        f"{statistics.median(times) * 1000:.1f} ms, worst {max(times) * 1000:.1f} ms (target <= 50 ms)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
