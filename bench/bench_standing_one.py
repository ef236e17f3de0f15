"""One member's good-standing determination with its explanation (target: <= 50 ms).

A member with three years of monthly payments (received as they fell due, one reversal), an
ended checkoff, a refused and a granted waiver and attendance records, judged under each
example rule set; also office eligibility. Prints the median and worst time per call.
"""

from __future__ import annotations

import datetime
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from rankfile.core.rules import load_rules
from rankfile.core.standing import (
    Attendance,
    Checkoff,
    MemberFacts,
    Payment,
    Waiver,
    determine,
    office_eligibility,
)
from rankfile.examples import RULES_DIR

ROOT = Path(__file__).resolve().parents[1]
AS_OF = datetime.date(2020, 2, 7)
ROUNDS = 300


def member() -> MemberFacts:
    payments = []
    for index in range(36):
        year, month = divmod(2016 * 12 + 8 + index, 12)
        start = datetime.date(year, month + 1, 1)
        end = (start + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
        payments.append(Payment(start, end, paid_on=start))
    payments.append(Payment(payments[-1].covers_from, payments[-1].covers_through, reversal=True))
    return MemberFacts(
        joined_on=datetime.date(2011, 9, 1),
        payments=tuple(payments),
        checkoffs=(Checkoff(datetime.date(2015, 1, 1), datetime.date(2018, 6, 30)),),
        waivers=(
            Waiver(datetime.date(2019, 9, 1), datetime.date(2019, 12, 31), granted=False),
            Waiver(datetime.date(2020, 1, 1), datetime.date(2020, 1, 31)),
        ),
        attendance=tuple(Attendance(datetime.date(2019, m, 10), m % 3 != 0) for m in range(1, 13)),
    )


def timed(call: Callable[[], object]) -> list[float]:
    runs = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        call()
        runs.append((time.perf_counter() - start) * 1000)
    return runs


def p99(runs: list[float]) -> float:
    return sorted(runs)[int(len(runs) * 0.99) - 1]


def main() -> None:
    facts = member()
    for path in sorted(RULES_DIR.glob("*.toml")):
        rules = load_rules(path)
        result = determine(facts, rules, AS_OF)
        runs = timed(lambda rules=rules: determine(facts, rules, AS_OF))
        print(
            f"determine {path.stem:32s} median {statistics.median(runs):6.3f} ms"
            f"  p99 {p99(runs):6.3f} ms  worst {max(runs):6.3f} ms  (target <= 50 ms)"
        )
        office = timed(lambda rules=rules: office_eligibility(facts, rules, AS_OF))
        print(
            f"office    {path.stem:32s} median {statistics.median(office):6.3f} ms"
            f"  p99 {p99(office):6.3f} ms  worst {max(office):6.3f} ms"
        )
        print(f"  {result.explanation}")


if __name__ == "__main__":
    main()
