"""Shared by the counting benchmarks: the ballot files they generate and how they time them.

Every file is generated once, deterministically (a fixed seed), under var/bench/. A run is the
whole process `rankfile count FILE ...` as a user starts it: wall time, CPU time and peak
memory (the child's ru_maxrss). The machine may be shared, so each benchmark runs several
times and prints the minimum and the median, with the load average before and after.
"""

from __future__ import annotations

import math
import os
import random
import statistics
import subprocess
import time
from bisect import bisect
from itertools import accumulate
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / "var" / "bench"
RANKFILE = str(ROOT / ".venv" / "bin" / "rankfile")
CANDIDATES = 20
SEATS = 5


def bench_file(name: str) -> Path:
    FOLDER.mkdir(parents=True, exist_ok=True)
    return FOLDER / name


def generate_plackett_luce(path: Path, ballots: int, seed: int = 2026) -> None:
    """One line per ballot: 20 candidates, 5 seats; Plackett-Luce preferences.

    Candidate i (from 0) has strength 1/(i+1)^0.7; each preference is drawn among the
    candidates not yet ranked with probability proportional to strength (drawing from all
    and drawing again on a repeat is the same law). Ranking lengths are geometric with mean 3
    (p = 1/3), at most 20.
    """
    rng = random.Random(seed)
    cumulative = list(accumulate(1 / (i + 1) ** 0.7 for i in range(CANDIDATES)))
    total = cumulative[-1]
    log_q = math.log(1 - 1 / 3)
    draw = rng.random
    lines = [f"{CANDIDATES} {SEATS}"]
    append = lines.append
    for _ in range(ballots):
        length = min(CANDIDATES, 1 + int(math.log(1.0 - draw()) / log_q))
        ranking: list[int] = []
        while len(ranking) < length:
            c = bisect(cumulative, draw() * total)
            if c not in ranking:
                ranking.append(c)
        append("1 " + " ".join(str(c + 1) for c in ranking) + " 0")
    append("0")
    lines.extend(f'"Candidate {c + 1}"' for c in range(CANDIDATES))
    lines.append('"Benchmark: one million Plackett-Luce ballots"')
    path.write_text("\n".join(lines) + "\n")


def run_whole(args: list[str], runs: int, expect_status: int = 0) -> list[tuple[float, float, int]]:
    """(wall seconds, CPU seconds, peak RSS in KiB) of each run of `rankfile *args`."""
    figures = []
    for _ in range(runs):
        start = time.perf_counter()
        child = subprocess.Popen(
            [RANKFILE, *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        code = os.waitstatus_to_exitcode(status)
        assert child.stderr is not None
        error = child.stderr.read().decode()
        child.stderr.close()
        if code != expect_status:
            raise SystemExit(f"rankfile {' '.join(args)} exited {code}: {error}")
        figures.append((wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss))
    return figures


def report(label: str, figures: list[tuple[float, float, int]], goal: float | None) -> bool:
    """Print min and median of wall and CPU time and the peak memory; whether the goal is met
    by the minimum wall time (the run least disturbed by other work on the machine) and, as a
    hint when the machine is busy, by the minimum CPU time."""
    walls = [w for w, _, _ in figures]
    cpus = [c for _, c, _ in figures]
    peak = max(p for _, _, p in figures) / 1024
    best = min(walls)
    met = goal is None or best <= goal
    goal_text = ""
    if goal is not None:
        by_cpu = "met" if min(cpus) <= goal else "NOT met"
        goal_text = f"  goal <= {goal} s: {'met' if met else 'NOT met'} (by CPU time: {by_cpu})"
    print(
        f"{label}: wall min {best:.3f} s, median {statistics.median(walls):.3f} s; "
        f"CPU min {min(cpus):.3f} s, median {statistics.median(cpus):.3f} s; "
        f"peak {peak:.0f} MiB ({len(figures)} runs){goal_text}"
    )
    return met


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (1 min), {five:.1f} (5 min) on {os.cpu_count()} CPUs"
