"""Remittance import of a million rows: time and peak memory of `rankfile import remittance`.

Builds a scratch SQLite database (under a temporary RANKFILE_HOME) with N members on a flat
monthly plan who each paid the previous month, writes a remittance file of N rows for the
next month (0.5 % unknown identifiers, 0.5 % wrong amounts), then runs the import command in
a child process and reports its wall time and peak resident memory. Then imports the same
file again, which must change nothing.

    python bench/bench_remittance.py [--members 1000000]
"""

from __future__ import annotations

import argparse
import csv
import datetime
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent


def build(home: Path, members: int) -> Path:
    os.environ["RANKFILE_HOME"] = str(home)
    os.environ.pop("DATABASE_URL", None)
    from rankfile.cli import setup_django

    setup_django()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from rankfile.dues.actions import do_create_plan
    from rankfile.members.actions import do_create_branch

    call_command("migrate", verbosity=0)
    branch = do_create_branch(None, name="Local 1", slug="local-1")
    plan = do_create_plan(None, name="Standard", slug="standard", kind="flat", amount="30.00")
    now = timezone.now().isoformat()
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO members_member (member_number, first_name, last_name, email, phone, "
            "address, branch_id, joined_on, status, created_at) "
            "VALUES (%s, 'Pat', %s, '', '', '', %s, '2020-01-01', 'member', %s)",
            ((f"M{i:07d}", f"Member{i}", branch.pk, now) for i in range(members)),
        )
        cursor.execute("SELECT min(id) FROM members_member")
        first_id = cursor.fetchone()[0]
        cursor.executemany(
            "INSERT INTO dues_memberplan (member_id, plan_id, starts_on, recorded_at) "
            "VALUES (%s, %s, '2020-01-01', %s)",
            ((first_id + i, plan.pk, now) for i in range(members)),
        )
        cursor.executemany(
            "INSERT INTO dues_payment (member_id, covers_from, covers_through, amount, currency, "
            "method, received_on, reference, recorded_at) "
            "VALUES (%s, '2025-01-01', '2025-01-31', '30.00', 'USD', 'remittance', "
            "'2025-02-05', '', %s)",
            ((first_id + i, now) for i in range(members)),
        )
    print(
        f"set-up: {members:,} members, plans and January payments in {time.perf_counter() - started:.1f} s"
    )

    path = home / "remittance-2025-02.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["member_number", "name", "amount", "period"])
        for i in range(members):
            number = f"X{i:07d}" if i % 200 == 7 else f"M{i:07d}"
            amount = "25.00" if i % 200 == 11 else "30.00"
            writer.writerow([number, f"Member{i}", amount, "2025-02"])
    print(f"remittance file: {path.stat().st_size / 1e6:.1f} MB, {members:,} rows")
    return path


def run_import(home: Path, path: Path) -> tuple[float, float, str]:
    env = {**os.environ, "RANKFILE_HOME": str(home)}
    env.pop("DATABASE_URL", None)
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    result = subprocess.run(
        [str(BIN / "rankfile"), "import", "remittance", str(path)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if result.returncode != 0:
        sys.exit(f"import failed: {result.stderr}")
    return elapsed, max(peak_kb, before) / 1024, result.stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-remittance-") as tmp:
        home = Path(tmp)
        path = build(home, args.members)
        elapsed, peak_mb, output = run_import(home, path)
        print(output)
        print(f"import of {args.members:,} rows: {elapsed:.1f} s, peak RSS {peak_mb:.0f} MB")
        elapsed, peak_mb, output = run_import(home, path)
        print(f"same file again: {elapsed:.1f} s ({output.splitlines()[0]})")
        print(f"date: {datetime.date.today()}")


if __name__ == "__main__":
    main()
