"""The member directory with 100,000 members on SQLite: page 1 and a name search.

Target (issue 2): median server time ≤ 100 ms for each. Times, per persona (an ordinary
member, a branch secretary, an organization admin), a Django test Client GET of `/members/`
and `/members/?q=smi` — the whole view, its queries and the template.

    .venv/bin/python bench/bench_directory.py [--members 100000] [--runs 20]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from bench_import import fresh_organization, write_csv  # noqa: E402

SEARCH = "smi"


def median_ms(run: Callable[[], Any], runs: int) -> tuple[float, float, Any]:
    """Median wall-clock and CPU milliseconds (SQLite runs in this process, so the CPU time
    is the work itself; the wall-clock time also counts waiting for a busy machine)."""
    result = run()  # warm-up (and the result to show)
    wall, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        run()
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return statistics.median(wall), statistics.median(cpu), result


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--keep", action="store_true", help="keep the temporary database")
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    home, slugs = fresh_organization("rankfile-bench-directory-", args.keep)
    from django.conf import settings
    from django.test import Client

    from rankfile.accounts.models import User
    from rankfile.members.actions import do_appoint
    from rankfile.members.importing import do_apply_import
    from rankfile.members.models import Member

    path = home / "members.csv"
    write_csv(path, args.members, slugs)
    assert do_apply_import(path.read_bytes(), file_name=path.name).applied
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    personas: dict[str, int] = {}
    for name, number in (("member", "M0000001"), ("secretary", "M0000002"), ("admin", "M0000003")):
        member = Member.objects.get(member_number=number)
        user = User.objects.create_user(f"{name}@example.org", "bench-password")
        Member.objects.filter(pk=member.pk).update(user=user)
        personas[name] = user.pk
        if name != "member":
            branch = None if name == "admin" else member.branch
            do_appoint(None, member, role=name, branch=branch, started_on=member.joined_on)

    print(
        f"{Member.objects.count()} members in {len(slugs)} branches, SQLite under {home}; "
        f"timing GET /members/, median of {args.runs} runs"
    )

    worst = 0.0
    for name, user_id in personas.items():
        client = Client()
        client.force_login(User.objects.get(pk=user_id))
        cases: dict[str, Callable[[], Any]] = {
            "page 1": lambda c=client: c.get("/members/").status_code,
            f"search {SEARCH!r}": lambda c=client: c.get(f"/members/?q={SEARCH}").status_code,
        }
        for case, run in cases.items():
            ms, cpu_ms, result = median_ms(run, args.runs)
            worst = max(worst, ms)
            print(f"  {name:<9} {case:<14} {ms:7.1f} ms  (CPU {cpu_ms:6.1f} ms)  -> {result}")
    ok = worst <= 100
    print(f"target (median ≤ 100 ms each): {'met' if ok else 'NOT met'} (slowest {worst:.1f} ms)")
    print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
