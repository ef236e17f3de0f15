"""Benchmark: `rankfile count` on a 4.4 million-line BLT file (~52 MiB), and a bad last line.

Generates once, under var/bench/, 4,400,000 one-line ballots with the generator of
bench_count.py (20 candidates, 5 seats, four parties, seed 2026), and a copy whose last
ballot line names a candidate that does not exist. Times the whole process:

- `rankfile count FILE --method scottish-stv --output json`: goal <= 2 s, <= 300 MB;
- `rankfile count FILE --method meek --output json`: goal <= 3 s, <= 300 MB;
- the bad copy: the error must be reported about as fast as the good file is read
  (`--seats 21`, refused once the file is read, stands for a full read).

    .venv/bin/python bench/bench_count_large.py [--runs 5]   (or: make bench-count-large)
"""

from __future__ import annotations

import argparse
import sys
import time

from bench_count import generate
from count_timing import bench_file, load, report, run_whole

BALLOTS = 4_400_000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    path = bench_file(f"count-{BALLOTS}-2026.blt")
    if not path.exists():
        start = time.perf_counter()
        generate(path, BALLOTS)
        print(f"generated {path} in {time.perf_counter() - start:.1f} s")
    bad = bench_file(f"count-{BALLOTS}-2026-bad-last-line.blt")
    if not bad.exists():
        data = path.read_bytes()
        end = data.index(b"\n0\n")
        last = data.rindex(b"\n", 0, end)
        bad.write_bytes(data[: last + 1] + b"1 3 21 5 0" + data[end:])
    print(f"file: {path.stat().st_size / 2**20:.1f} MiB, {BALLOTS:,} ballot lines")
    print("before:", load())
    results = []
    for method, goal in (("scottish-stv", 2.0), ("meek", 3.0)):
        figures = run_whole(["count", str(path), "--method", method, "--output", "json"], args.runs)
        met = report(f"rankfile count FILE --method {method} --output json", figures, goal)
        peak_ok = max(p for _, _, p in figures) * 1024 <= 300e6
        print(f"  peak memory <= 300 MB: {'met' if peak_ok else 'NOT met'}")
        results.append(met and peak_ok)
    read = run_whole(["count", str(path), "--seats", "21"], args.runs, expect_status=1)
    report("a full read (--seats 21: refused once the file is read)", read, None)
    error = run_whole(["count", str(bad), "--output", "json"], args.runs, expect_status=1)
    fast = min(w for w, _, _ in error) <= 1.1 * min(w for w, _, _ in read)
    fast_cpu = min(c for _, c, _ in error) <= 1.1 * min(c for _, c, _ in read)
    report("the bad last line reported", error, None)
    print(
        f"  error as fast as a full read (within 10%): {'met' if fast else 'NOT met'} "
        f"(by CPU time: {'met' if fast_cpu else 'NOT met'})"
    )
    results.append(fast)
    print("after:", load())
    print("all goals met" if all(results) else "some goal NOT met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
