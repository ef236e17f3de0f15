"""Benchmark: `rankfile audit verify` over 1,000,000 events on SQLite (target: ≤ 10 s).

Builds a fresh database in a temporary RANKFILE_HOME, fills it with a chained log of
officers' actions (hashed with rankfile.core.chain and stored exactly as the model's fields
store them), then times `rankfile audit verify` and `rankfile audit head` as whole processes.
With --postgres URL it does the same in a new database on that server (dropped afterwards).

    .venv/bin/python bench/bench_audit.py [--events N] [--keep] [--postgres URL]
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_SECONDS = 10.0
BATCH = 20_000

ACTIONS = [
    "member.admitted",
    "member.lapsed",
    "member.reinstated",
    "member.transferred",
    "dues.payment_recorded",
    "office.assigned",
    "standing.notice_sent",
]
REASONS = [
    "",
    "Dues unpaid for three months",
    "Reinstated after paying arrears",
    "Transfer requested by the member",
    "Décision de la section — reçu n° 12",
    "Elected at the branch meeting of 2026-03-04",
]
BRANCHES = ["north", "south", "east", "west", "harbour", "university", "rail-depot"]


def payload_for(action: str, rng: random.Random) -> dict[str, object]:
    member_number = f"A-{rng.randrange(1, 100_000):06d}"
    if action == "dues.payment_recorded":
        return {
            "member_number": member_number,
            "dues": {"plan": "sliding", "amount_cents": rng.randrange(500, 5000), "months": 1},
        }
    if action == "member.transferred":
        return {"member_number": member_number, "from": rng.choice(BRANCHES), "to": "north"}
    if action == "office.assigned":
        return {"office": "secretary", "branch": rng.choice(BRANCHES), "on": "2026-03-04"}
    return {"member_number": member_number, "branch": rng.choice(BRANCHES)}


def fill(count: int) -> None:
    """Append `count` chained events straight into the table, as append_event stores them."""
    from django.db import connection, transaction

    from rankfile.audit.models import AuditEvent, AuditHead
    from rankfile.core.chain import GENESIS_HASH, event_hash

    rng = random.Random(2026)
    at_field = AuditEvent._meta.get_field("at")
    payload_field = AuditEvent._meta.get_field("payload")
    columns = [
        "seq",
        "at",
        "actor_label",
        "action",
        "target_type",
        "target_id",
        "target_label",
        "reason",
        "payload",
        "prev_hash",
        "hash",
        "format",
    ]
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        AuditEvent._meta.db_table, ", ".join(columns), ", ".join(["%s"] * len(columns))
    )
    actors = ["system"] + [f"officer{n}@example.org" for n in range(40)]
    at = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    prev_hash = GENESIS_HASH
    rows = []
    for seq in range(1, count + 1):
        at += datetime.timedelta(seconds=rng.randrange(1, 300), microseconds=rng.randrange(10**6))
        action = rng.choice(ACTIONS)
        target_id = str(rng.randrange(1, 100_000))
        fields = {
            "format": 2,
            "target_label": f"Member {target_id}",
            "member": None,  # no members in this database: the foreign keys stay empty
            "branch": None,
            "seq": seq,
            "at": at.isoformat(timespec="microseconds"),
            "actor": rng.choice(actors),
            "action": action,
            "target_type": "members.member",
            "target_id": target_id,
            "reason": rng.choice(REASONS),
            "payload": payload_for(action, rng),
        }
        prev_hash, link = event_hash(fields, prev_hash), prev_hash
        rows.append(
            (
                seq,
                at_field.get_db_prep_save(at, connection),
                fields["actor"],
                action,
                "members.member",
                target_id,
                f"Member {target_id}",
                fields["reason"],
                payload_field.get_db_prep_save(fields["payload"], connection),
                link,
                prev_hash,
                2,
            )
        )
        if len(rows) == BATCH or seq == count:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.executemany(sql, rows)
            rows = []
    with transaction.atomic():
        AuditHead.objects.update_or_create(pk=1, defaults={"seq": count, "hash": prev_hash})


def timed(command: list[str], env: dict[str, str]) -> tuple[float, subprocess.CompletedProcess]:
    started = time.perf_counter()
    finished = subprocess.run(command, env=env, capture_output=True, text=True)
    return time.perf_counter() - started, finished


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--keep", action="store_true", help="keep the database and say where")
    parser.add_argument(
        "--postgres", metavar="URL", help="a PostgreSQL server, e.g. postgres://postgres@127.0.0.1"
    )
    args = parser.parse_args()

    home = Path(tempfile.mkdtemp(prefix="rankfile-bench-audit-"))
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["RANKFILE_HOME"] = str(home)
    os.environ.pop("DATABASE_URL", None)
    os.environ["RANKFILE_HOME"] = str(home)
    database_name = f"rankfile_bench_audit_{os.getpid()}"
    if args.postgres:
        server = (
            args.postgres.rstrip("/").rsplit("/", 1)[0]
            if args.postgres.count("/") > 2
            else args.postgres
        )
        postgres_database(server, f"CREATE DATABASE {database_name}")
        env["DATABASE_URL"] = os.environ["DATABASE_URL"] = f"{server}/{database_name}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rankfile.settings")
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connections

        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        fill(args.events)
        filled = time.perf_counter() - started
        connections.close_all()
        print(f"events:            {args.events:,}")
        if args.postgres:
            print(f"database:          PostgreSQL, {database_name}")
        else:
            database = home / "var" / "rankfile.sqlite3"
            print(f"database:          SQLite, {database.stat().st_size / 2**20:,.0f} MiB")
        print(f"filling it:        {filled:.1f} s (hashing and inserting, not part of the target)")

        rankfile = str(Path(sys.executable).with_name("rankfile"))
        seconds, verified = timed([rankfile, "audit", "verify"], env)
        child = resource.getrusage(resource.RUSAGE_CHILDREN)
        peak, cpu = child.ru_maxrss / 1024, child.ru_utime + child.ru_stime
        head_seconds, head = timed([rankfile, "audit", "head"], env)
        if verified.returncode != 0 or not verified.stdout.startswith(f"{args.events} events"):
            print(f"verify failed: {verified.stdout}{verified.stderr}", file=sys.stderr)
            return 1
        print(
            f"audit verify:      {seconds:.2f} s whole process ({cpu:.2f} s CPU), "
            f"peak memory {peak:.0f} MiB"
        )
        print(
            f"                   {args.events / seconds:,.0f} events/s; {verified.stdout.strip()}"
        )
        print(f"audit head:        {head_seconds:.2f} s whole process ({head.stdout.strip()})")
        if args.events >= 1_000_000:
            verdict = "met" if seconds <= TARGET_SECONDS else "MISSED"
            print(f"target ≤ {TARGET_SECONDS:.0f} s for 1,000,000 events: {verdict}")
        if args.keep:
            print(f"kept: RANKFILE_HOME={home} DATABASE_URL={env.get('DATABASE_URL', '')}")
        return 0
    finally:
        if not args.keep:
            shutil.rmtree(home, ignore_errors=True)
            if args.postgres:
                postgres_database(server, f"DROP DATABASE IF EXISTS {database_name}")


def postgres_database(server: str, statement: str) -> None:
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(statement)


if __name__ == "__main__":
    sys.exit(main())
