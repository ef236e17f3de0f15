"""Import 100,000 members from a CSV file into a fresh SQLite database.

Targets (issue 2): ≤ 20 s, peak memory < 500 MB. Prints the time of the first import, the
time of importing the same file again (nothing changes), and the peak RSS of this process.

    .venv/bin/python bench/bench_import.py [--members 100000]
"""

from __future__ import annotations

import argparse
import atexit
import datetime
import os
import random
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

FIRST = "Ana Ben Chloe Dev Eli Fatma Gus Hana Ivo Jun Kai Lena Milo Nia Omar Pia Ravi Sia Tom Uma"
LAST = "Smith Garcia Nguyen Okafor Kowalski Rossi Silva Haddad Novak Tanaka Jensen Moreau Ali"


def write_csv(path: Path, count: int, branches: list[str]) -> None:
    rng = random.Random(7)
    first, last = FIRST.split(), LAST.split()
    start = datetime.date(2000, 1, 1).toordinal()
    statuses = ["", "", "", "", "member", "lapsed", "resigned"]
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("member_number,first_name,last_name,email,phone,branch,joined_on,status\n")
        for n in range(1, count + 1):
            f, la = rng.choice(first), rng.choice(last)
            joined = datetime.date.fromordinal(start + rng.randrange(9000))
            out.write(
                f"M{n:07d},{f},{la},{f.lower()}.{la.lower()}{n}@example.org,555-{n % 10000:04d},"
                f"{rng.choice(branches)},{joined.isoformat()},{rng.choice(statuses)}\n"
            )


def fresh_organization(prefix: str, keep: bool) -> tuple[Path, list[str]]:
    """A migrated SQLite database in a new temporary RANKFILE_HOME (removed at exit unless
    kept), with 10 regions of 30 branches each; returns the home and the branch slugs."""
    home = Path(tempfile.mkdtemp(prefix=prefix))
    if not keep:
        atexit.register(shutil.rmtree, home, True)
    os.environ["RANKFILE_HOME"] = str(home)
    os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "rankfile.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from rankfile.members.actions import do_create_branch

    slugs = []
    for r in range(10):
        region = do_create_branch(None, name=f"Region {r}", slug=f"region-{r}")
        for b in range(30):
            slug = f"branch-{r}-{b}"
            do_create_branch(None, name=f"Branch {r}-{b}", slug=slug, parent=region)
            slugs.append(slug)
    return home, slugs


def peak_rss_mb() -> float:
    # ru_maxrss is in kilobytes on Linux
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--keep", action="store_true", help="keep the temporary database")
    args = parser.parse_args()
    home, slugs = fresh_organization("rankfile-bench-import-", args.keep)
    from rankfile.members.csvfile import inspect_chunks
    from rankfile.members.importing import FileSource, do_apply_import

    path = home / "members.csv"
    write_csv(path, args.members, slugs)
    print(f"{args.members} members, {path.stat().st_size / 1e6:.1f} MB CSV, SQLite under {home}")
    rss_before = peak_rss_mb()

    def source():
        # Streamed as `rankfile import members` reads it (one pass for the facts first).
        with path.open("rb") as handle:
            facts = inspect_chunks(iter(lambda: handle.read(1 << 20), b""))
        return FileSource(open=lambda: path.open("rb"), facts=facts)

    started = time.perf_counter()
    plan = do_apply_import(source(), file_name=path.name)
    first = time.perf_counter() - started
    assert plan.applied and not plan.errors, plan.errors[:5]
    print(f"first import:  {first:6.2f} s  {plan.summary()}")

    started = time.perf_counter()
    again = do_apply_import(source(), file_name=path.name)
    second = time.perf_counter() - started
    assert again.counts()["created"] == 0 and again.counts()["updated"] == 0
    print(f"second import: {second:6.2f} s  {again.summary()}")

    peak = peak_rss_mb()
    print(f"peak RSS: {peak:.0f} MB (before importing: {rss_before:.0f} MB)")
    ok = first <= 20 and peak < 500
    print(f"targets (≤ 20 s, < 500 MB): {'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
