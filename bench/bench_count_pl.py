"""Benchmark: `rankfile count` on a million Plackett-Luce ballots (issue 9).

Generates once, under var/bench/, a BLT file of 1,000,000 one-line ballots: 20 candidates,
5 seats, preferences drawn Plackett-Luce with strengths 1/(i+1)^0.7, ranking lengths
geometric with mean 3 (seed 2026). Times the whole process
`rankfile count FILE --method scottish-stv --output json`.

Goal: <= 0.7 s wall, < 300 MB peak memory.

    .venv/bin/python bench/bench_count_pl.py [--runs 7]   (or: make bench-count-pl)
"""

from __future__ import annotations

import argparse
import sys
import time

from count_timing import bench_file, generate_plackett_luce, load, report, run_whole

BALLOTS = 1_000_000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    path = bench_file(f"plackett-luce-{BALLOTS}-2026.blt")
    if not path.exists():
        start = time.perf_counter()
        generate_plackett_luce(path, BALLOTS)
        print(f"generated {path} in {time.perf_counter() - start:.1f} s")
    print("before:", load())
    figures = run_whole(
        ["count", str(path), "--method", "scottish-stv", "--output", "json"], args.runs
    )
    met = report("rankfile count FILE --method scottish-stv --output json", figures, 0.7)
    peak_ok = max(p for _, _, p in figures) * 1024 < 300e6
    print("after:", load())
    # Counted after the runs: a child's peak memory counts what it shares with its parent.
    distinct = len(set(path.read_bytes().split(b"\n")))
    print(
        f"file: {path.stat().st_size / 1e6:.1f} MB, {BALLOTS:,} ballots, {distinct:,} distinct lines"
    )
    print(f"peak memory < 300 MB: {'met' if peak_ok else 'NOT met'}")
    print("all goals met" if met and peak_ok else "some goal NOT met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
