"""The dates a rule set turns an as-of date into.

Every rule of good standing is written so that all date arithmetic happens on the as-of date,
never on a member's own dates: the member's facts are only *compared* with these cut-offs. So
the per-member evaluation (core/standing.py) and the set-based SQL over all members compute the
cut-offs once, here, and agree by construction. docs/rules.md states each comparison.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from rankfile.core.dates import add_months, end_of_month_index, is_month_end, month_index
from rankfile.core.rules import RuleSet

ONE_DAY = datetime.timedelta(days=1)


def reckoned_on(rules: RuleSet, as_of: datetime.date) -> datetime.date:
    """The day dues are reckoned on: ``as_of`` minus the grace period.

    A grace period of G days means a member is judged on their dues as they stood G days ago.
    """
    return as_of - datetime.timedelta(days=rules.grace_days)


def paid_within_cutoff(rules: RuleSet, as_of: datetime.date) -> datetime.date | None:
    """Earliest paid-through date meeting ``dues.paid_within_months`` (None: rule not set).

    paid_through >= add_months(as_of - grace_days, -paid_within_months, month_end_policy).
    """
    if rules.paid_within_months is None:
        return None
    return add_months(reckoned_on(rules, as_of), -rules.paid_within_months, rules.month_end_policy)


def _arrears_cutoff(rules: RuleSet, as_of: datetime.date, allowed: int) -> datetime.date:
    # Dues for a month fall due on its first day (plus grace): with `allowed` unpaid months
    # tolerated, the month `allowed` before the reckoning month must be paid to its last day.
    return end_of_month_index(month_index(reckoned_on(rules, as_of)) - allowed)


def arrears_cutoff(rules: RuleSet, as_of: datetime.date) -> datetime.date | None:
    """Earliest paid-through date meeting ``dues.months_in_arrears_before_losing_standing``.

    The last day of the month that lies that many months before the month of
    ``as_of - grace_days`` (None: rule not set).
    """
    allowed = rules.months_in_arrears_before_losing_standing
    return None if allowed is None else _arrears_cutoff(rules, as_of, allowed)


def standing_cutoff_date(rules: RuleSet, as_of: datetime.date) -> datetime.date | None:
    """The earliest paid-through date that still keeps good standing on ``as_of``.

    The later of the two dues cut-offs that are set; None when the rules have no dues rule.
    """
    cutoffs = [c for c in (paid_within_cutoff(rules, as_of), arrears_cutoff(rules, as_of)) if c]
    return max(cutoffs, default=None)


def suspension_cutoff_date(rules: RuleSet, as_of: datetime.date) -> datetime.date | None:
    """A member paid through a date before this one (and not covered) is suspended on ``as_of``."""
    allowed = rules.months_in_arrears_before_suspension
    return None if allowed is None else _arrears_cutoff(rules, as_of, allowed)


def months_in_arrears(
    rules: RuleSet, paid_through: datetime.date | None, as_of: datetime.date
) -> int | None:
    """Whole dues months fallen due (by ``as_of`` minus grace) and not paid to their last day.

    A partly covered month counts as unpaid. None when nothing was ever paid.
    """
    if paid_through is None:
        return None
    last_paid_month = month_index(paid_through) - (0 if is_month_end(paid_through) else 1)
    return max(0, month_index(reckoned_on(rules, as_of)) - last_paid_month)


def waiver_earliest_start(rules: RuleSet, as_of: datetime.date) -> datetime.date | None:
    """A waiver counts on ``as_of`` only if it started on or after this date (``max_months``).

    starts_on > add_months(as_of, -max_months): a waiver counts for at most max_months from
    its start. None when the rules set no maximum.
    """
    if rules.waiver_max_months is None:
        return None
    return add_months(as_of, -rules.waiver_max_months, rules.month_end_policy) + ONE_DAY


def joined_cutoff_date(rules: RuleSet, as_of: datetime.date) -> datetime.date:
    """Members must have joined on or before this date (``min_days_before_cutoff``)."""
    return as_of - datetime.timedelta(days=rules.min_days_before_cutoff)


def office_window_start(rules: RuleSet, as_of: datetime.date) -> datetime.date | None:
    """First day of the span of continuous good standing needed to hold office on ``as_of``."""
    months = rules.office_continuous_standing_months
    return None if months is None else add_months(as_of, -months, rules.month_end_policy)


def first_day_when(start: datetime.date, holds: Callable[[datetime.date], bool]) -> datetime.date:
    """The first day on or after ``start`` on which ``holds`` is true, for a predicate that
    stays true once true (every cut-off above moves forward with the date)."""
    step = datetime.timedelta(days=400)
    low, high = start, start + step
    while not holds(high):
        low, high = high, high + step
    while low < high:
        middle = low + (high - low) // 2
        if holds(middle):
            high = middle
        else:
            low = middle + ONE_DAY
    return low


def paid_keeps_standing_until(rules: RuleSet, paid_through: datetime.date) -> datetime.date | None:
    """The last day on which dues paid through ``paid_through`` meet the dues rules ("paid
    through 2020-01-31 keeps you in good standing until 2020-02-29"); None: no dues rule."""
    if not rules.has_dues_rule:
        return None

    def lapsed(day: datetime.date) -> bool:
        cutoff = standing_cutoff_date(rules, day)
        return cutoff is not None and cutoff > paid_through

    # No cut-off passes the end of its own month, so the day before the paid-through month
    # starts is never lapsed: searching from there finds the first lapsed day exactly.
    return first_day_when(paid_through.replace(day=1) - ONE_DAY, lapsed) - ONE_DAY


def waiver_counts_until(rules: RuleSet, starts_on: datetime.date) -> datetime.date | None:
    """The last day a waiver starting on ``starts_on`` can count under ``waivers.max_months``
    (None: no limit). The dues app can refuse or warn about a longer waiver when granting it."""
    if rules.waiver_max_months is None:
        return None

    def too_old(day: datetime.date) -> bool:
        earliest = waiver_earliest_start(rules, day)
        return earliest is not None and starts_on < earliest

    return first_day_when(starts_on, too_old) - ONE_DAY
