"""A member's dated facts that good standing depends on: payments, checkoff, waivers, status.

Plain frozen dataclasses that refuse impossible facts (a period ending before it starts) with
the field's name; the Django side builds them from its rows (see docs/rules.md).
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from rankfile.core import cutoffs, lifecycle
from rankfile.core.rules import RuleSet


class FactsError(ValueError):
    """Facts that cannot be true (a period ending before it starts); names the field."""


@dataclass(frozen=True)
class Payment:
    """Dues paid for the period covers_from..covers_through (both included).

    ``paid_on``: when the money came in; a payment counts on dates on or after it (None: always).
    ``reversal``: a correcting entry that cancels one payment of the same period, whatever its
    date (corrections are reversing entries, never edits).
    """

    covers_from: datetime.date
    covers_through: datetime.date
    paid_on: datetime.date | None = None
    reversal: bool = False

    def __post_init__(self) -> None:
        if self.covers_through < self.covers_from:
            raise FactsError(
                f"payment covers_through {self.covers_through} is before covers_from {self.covers_from}"
            )


@dataclass(frozen=True)
class Checkoff:
    """A dues checkoff authorization (payroll deduction or bank mandate); open while ends_on is None."""

    starts_on: datetime.date
    ends_on: datetime.date | None = None

    def __post_init__(self) -> None:
        if self.ends_on is not None and self.ends_on < self.starts_on:
            raise FactsError(
                f"checkoff ends_on {self.ends_on} is before starts_on {self.starts_on}"
            )

    def covers(self, day: datetime.date) -> bool:
        """Whether the authorization runs on ``day``."""
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)


@dataclass(frozen=True)
class Waiver:
    """A hardship waiver for starts_on..ends_on; only a granted one can count as paid. One not
    granted is either ``pending`` (asked for, awaiting a decision) or refused."""

    starts_on: datetime.date
    ends_on: datetime.date
    granted: bool = True
    pending: bool = False

    def __post_init__(self) -> None:
        if self.ends_on < self.starts_on:
            raise FactsError(f"waiver ends_on {self.ends_on} is before starts_on {self.starts_on}")
        if self.granted and self.pending:
            raise FactsError("a waiver cannot be both granted and awaiting a decision")

    def counts_on(self, rules: RuleSet, day: datetime.date) -> bool:
        """Whether this waiver makes the member count as paid on ``day`` under ``rules``."""
        earliest = cutoffs.waiver_earliest_start(rules, day)
        return (
            rules.waivers_count_as_paid
            and self.granted
            and self.starts_on <= day <= self.ends_on
            and (earliest is None or self.starts_on >= earliest)
        )


@dataclass(frozen=True)
class Override:
    """A decision that sets the member's standing for starts_on..ends_on (None: until lifted),
    whatever the rules compute: granted by an appeal decision, or by an officer where the
    rules allow it. ``reason`` is shown to the member in the explanation."""

    starts_on: datetime.date
    ends_on: datetime.date | None
    in_good_standing: bool
    reason: str

    def __post_init__(self) -> None:
        if self.ends_on is not None and self.ends_on < self.starts_on:
            raise FactsError(
                f"override ends_on {self.ends_on} is before starts_on {self.starts_on}"
            )

    def covers(self, day: datetime.date) -> bool:
        """Whether the override is in effect on ``day``."""
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)


@dataclass(frozen=True)
class Attendance:
    """Whether the member attended one regular meeting they were expected at."""

    meeting_on: datetime.date
    attended: bool


@dataclass(frozen=True)
class MemberFacts:
    """Everything standing depends on, as dated facts.

    ``status_events`` are lifecycle events (date, kind); when empty, ``status`` is taken as the
    status on every date (fine for "today", wrong for past dates). ``attendance`` is None when
    attendance is not recorded at all (the activity criterion then cannot be applied).
    ``overrides`` are in the order they were granted: on a day several cover, the latest wins.
    """

    joined_on: datetime.date
    status_events: tuple[tuple[datetime.date, str], ...] = ()
    status: str = lifecycle.MEMBER
    payments: tuple[Payment, ...] = ()
    checkoffs: tuple[Checkoff, ...] = ()
    waivers: tuple[Waiver, ...] = ()
    lifetime_since: datetime.date | None = None
    attendance: tuple[Attendance, ...] | None = None
    overrides: tuple[Override, ...] = ()


def net_payments(payments: Iterable[Payment]) -> list[Payment]:
    """The payments left once each reversal has cancelled one payment of the same period.

    Among payments of the same period the latest paid is cancelled first.
    """
    payments = list(payments)
    to_cancel = Counter((p.covers_from, p.covers_through) for p in payments if p.reversal)
    kept = []
    latest_first = sorted(
        (p for p in payments if not p.reversal),
        key=lambda p: p.paid_on or datetime.date.min,
        reverse=True,
    )
    for payment in latest_first:
        period = (payment.covers_from, payment.covers_through)
        if to_cancel[period]:
            to_cancel[period] -= 1
        else:
            kept.append(payment)
    return kept


def paid_through(
    payments: Iterable[Payment], as_of: datetime.date | None = None
) -> datetime.date | None:
    """The latest day any (net, already received by ``as_of``) payment covers; None if none.

    Dues paid for a later period make the member current even across an older gap.
    """
    return max(
        (
            p.covers_through
            for p in net_payments(payments)
            if as_of is None or p.paid_on is None or p.paid_on <= as_of
        ),
        default=None,
    )


def status_on(facts: MemberFacts, day: datetime.date) -> str | None:
    """The lifecycle status on ``day`` (from the events up to it, else ``facts.status``)."""
    if not facts.status_events:
        return facts.status if facts.joined_on <= day else None
    return lifecycle.status_after(e for e in facts.status_events if e[0] <= day)


def override_on(facts: MemberFacts, day: datetime.date) -> Override | None:
    """The override in effect on ``day`` (the latest granted of those covering it), if any."""
    return next((o for o in reversed(facts.overrides) if o.covers(day)), None)
