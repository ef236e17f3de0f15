"""Apportionment speed: 10,000 units among 100,000 seats with every method (target ≤ 1 s each).

Counts are drawn from a fixed seed, skewed like real branches (many small, a few large), so
that equal counts and ties occur; ties are settled by lot with a recorded seed. Each method is
timed without bounds, with a minimum of 1, and with a minimum of 1 and a maximum of 40.
Run: make bench-apportion
"""

from __future__ import annotations

import random
import sys
import time

from rankfile.core.apportionment import RatioFormula, TieBreak, apportion, apportion_by_formula

UNITS = 10_000
SEATS = 100_000
TARGET_SECONDS = 1.0
METHODS = ("hamilton", "jefferson", "webster", "adams", "huntington-hill")
BOUNDS = (
    ("no bounds", {}),
    ("min 1", {"minimum": 1}),
    ("min 1, max 40", {"minimum": 1, "maximum": 40}),
)


def branch_counts(seed: int = 4) -> list[tuple[str, int]]:
    rng = random.Random(seed)
    return [(f"Branch {index:05d}", int(rng.paretovariate(1.2) * 40)) for index in range(UNITS)]


def main() -> int:
    units = branch_counts()
    print(f"{UNITS:,} units, {sum(c for _, c in units):,} members, {SEATS:,} seats")
    slowest = 0.0
    for method in METHODS:
        for label, bounds in BOUNDS:
            started = time.perf_counter()
            result = apportion(units, SEATS, method, tie_break=TieBreak.lot(1), **bounds)
            elapsed = time.perf_counter() - started
            slowest = max(slowest, elapsed)
            assert result.seats == sum(unit.seats for unit in result.units) == SEATS
            print(
                f"  {method:<16} {label:<14} {elapsed:6.3f} s  "
                f"ties {len(result.ties)}  warnings {len(result.warnings)}"
            )
    started = time.perf_counter()
    by_formula = apportion_by_formula(units, RatioFormula(per=75, at_least=1))
    elapsed = time.perf_counter() - started
    print(
        f"  {'ratio 1 per 75':<16} {'at least 1':<14} {elapsed:6.3f} s  seats {by_formula.seats:,}"
    )
    slowest = max(slowest, elapsed)
    verdict = "within" if slowest <= TARGET_SECONDS else "OVER"
    print(f"slowest {slowest:.3f} s: {verdict} the {TARGET_SECONDS:.0f} s target")
    return 0 if slowest <= TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
