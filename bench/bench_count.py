"""Benchmark: `rankfile count` on a million ranked ballots, against pyrankvote's STV.

Generates (once, cached under var/bench/) a BLT file of 1,000,000 ballots, one line per ballot:
20 candidates, 5 seats, ranking lengths like real elections (most voters rank 1-4), drawn from
a seeded model (candidates of uneven popularity in four parties; voters tend to rank their
party's candidates next). Then times the whole process
`rankfile count FILE --method scottish-stv --output json` (wall and CPU time, minimum and
median of several runs, and the child's peak memory; goal of issue 9: <= 0.5 s) and
pyrankvote's `single_transferable_vote` on the same ballots (the count alone), and prints the
ratio.

    .venv/bin/python bench/bench_count.py [--ballots N] [--runs R] [--skip-pyrankvote]
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import subprocess
import sys
import time
from pathlib import Path

from count_timing import load, report

ROOT = Path(__file__).resolve().parent.parent
CANDIDATES = 20
SEATS = 5
SEED = 2026
# Share of voters ranking 1, 2, 3, ... candidates (the tail spreads over 5-20).
LENGTHS = [0.30, 0.22, 0.16, 0.11, 0.06, 0.04, 0.03, 0.02, 0.02, 0.01]
LENGTHS += [(1 - sum(LENGTHS)) / 10] * 10


def generate(path: Path, ballots: int, seed: int = SEED) -> None:
    rng = random.Random(seed)
    popularity = [rng.paretovariate(1.2) for _ in range(CANDIDATES)]
    party = [c % 4 for c in range(CANDIDATES)]
    lengths = rng.choices(range(1, CANDIDATES + 1), weights=LENGTHS, k=ballots)
    firsts = rng.choices(range(CANDIDATES), weights=popularity, k=ballots)
    same_party = {p: [c for c in range(CANDIDATES) if party[c] == p] for p in range(4)}
    lines = [f"{CANDIDATES} {SEATS}"]
    append = lines.append
    for first, length in zip(firsts, lengths, strict=True):
        ranking = [first]
        chosen = {first}
        while len(ranking) < length:
            pool = same_party[party[ranking[-1]]] if rng.random() < 0.6 else range(CANDIDATES)
            options = [c for c in pool if c not in chosen] or [
                c for c in range(CANDIDATES) if c not in chosen
            ]
            c = rng.choices(options, weights=[popularity[o] for o in options])[0]
            ranking.append(c)
            chosen.add(c)
        append("1 " + " ".join(str(c + 1) for c in ranking) + " 0")
    append("0")
    lines.extend(f'"Candidate {c + 1} (P{party[c] + 1})"' for c in range(CANDIDATES))
    lines.append('"Benchmark: one million ballots"')
    path.write_text("\n".join(lines) + "\n")


def time_rankfile(path: Path, runs: int) -> list[tuple[float, float, int]]:
    """(wall seconds, CPU seconds, peak RSS in KiB) of each run of the whole process."""
    command = [
        str(ROOT / ".venv" / "bin" / "rankfile"),
        "count",
        str(path),
        "--method",
        "scottish-stv",
        "--output",
        "json",
    ]
    figures = []
    for _ in range(runs):
        start = time.perf_counter()
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode:
            raise SystemExit(f"rankfile count failed with status {child.returncode}")
        figures.append((wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss))
    return figures


def time_pyrankvote(path: Path) -> tuple[float, list[str]]:
    import pyrankvote
    from pyrankvote import Ballot, Candidate

    from rankfile.core.ballots.blt import read_blt

    ballots = read_blt(path)
    candidates = [Candidate(name) for name in ballots.candidates]
    papers = []
    for ranking, weight in ballots.rankings.items():
        ballot_candidates = [candidates[level[0]] for level in ranking]
        papers.extend(Ballot(ranked_candidates=ballot_candidates) for _ in range(weight))
    gc.disable()
    start = time.process_time()
    result = pyrankvote.single_transferable_vote(candidates, papers, number_of_seats=SEATS)
    elapsed = time.process_time() - start
    gc.enable()
    return elapsed, [c.name for c in result.get_winners()]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ballots", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--skip-pyrankvote", action="store_true")
    args = parser.parse_args()
    folder = ROOT / "var" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"count-{args.ballots}-{SEED}.blt"
    if not path.exists():
        start = time.perf_counter()
        generate(path, args.ballots)
        print(f"generated {path} in {time.perf_counter() - start:.1f} s")
    # The whole process first, while this one is small: a child's peak memory counts what it
    # shares with its parent before it starts rankfile.
    print("before:", load())
    runs = time_rankfile(path, args.runs)
    for wall, cpu, peak in runs:
        print(f"  wall {wall:.3f} s, CPU {cpu:.3f} s, peak memory {peak / 1024:.0f} MiB")
    goal = 0.5 if args.ballots == 1_000_000 else None
    report("rankfile count FILE --method scottish-stv --output json (whole process)", runs, goal)
    print("after:", load())
    sys.path.insert(0, str(ROOT / "src"))
    from rankfile.core.ballots.blt import read_blt
    from rankfile.core.counting.gregory import count_scottish_stv

    start = time.process_time()
    ballots = read_blt(path)
    read_cpu = time.process_time() - start
    # Both counts alone are timed the same way: in this process, the garbage collector off,
    # in CPU time (the machine may be shared; each count uses one core).
    gc.disable()
    start = time.process_time()
    result = count_scottish_stv(ballots)
    count_alone = time.process_time() - start
    gc.enable()
    print(
        f"file: {path.stat().st_size / 1e6:.1f} MB, {ballots.total:,} ballots, "
        f"{len(ballots.rankings):,} distinct rankings, {len(result.rounds)} stages"
    )
    print("rankfile elected:", ", ".join(result.name(c) for c in result.elected))
    print(
        f"in process: reading the file {read_cpu:.3f} s CPU, the count alone {count_alone:.3f} s CPU"
    )
    if not args.skip_pyrankvote:
        elapsed, winners = time_pyrankvote(path)
        print(f"pyrankvote single_transferable_vote (count alone): {elapsed:.3f} s CPU")
        print("pyrankvote elected:", ", ".join(winners))
        best_cpu = min(cpu for _, cpu, _ in runs)
        print(f"ratio pyrankvote count / rankfile whole process (CPU): {elapsed / best_cpu:.1f}x")
        print(f"ratio pyrankvote count / rankfile count alone: {elapsed / count_alone:.0f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
