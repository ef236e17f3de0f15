"""Periods and what a plan asks for one: calendar arithmetic on dates, exact in Decimal."""

from __future__ import annotations

import calendar
import datetime
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def parse_period(text: str) -> tuple[datetime.date, datetime.date]:
    """``YYYY-MM`` is that month, ``YYYY`` that year (first to last day, both included).
    Raises ValueError with a readable message."""
    text = text.strip()
    try:
        if len(text) == 7 and text[4] == "-":
            year, month = int(text[:4]), int(text[5:])
            return datetime.date(year, month, 1), month_end(year, month)
        if len(text) == 4:
            year = int(text)
            return datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    except ValueError:
        pass
    raise ValueError(f"{text!r} is not a period: write YYYY-MM (a month) or YYYY (a year)")


def whole_months(covers_from: datetime.date, covers_through: datetime.date) -> int | None:
    """How many calendar months the period covers, when it is whole months (from a first of
    the month to a last of the month); None otherwise."""
    if covers_from.day != 1:
        return None
    if covers_through != month_end(covers_through.year, covers_through.month):
        return None
    months = (
        (covers_through.year - covers_from.year) * 12 + covers_through.month - covers_from.month
    )
    return months + 1 if months >= 0 else None


def expected_amount(
    kind: str,
    period: str,
    amount: Decimal,
    covers_from: datetime.date,
    covers_through: datetime.date,
) -> Decimal | None:
    """What a plan asks for the period: ``amount`` is the plan's (or its bracket's) amount
    per period. None when the period is not whole months and so cannot be compared. A
    lifetime plan asks nothing for a period (its one payment is separate); a zero plan
    nothing at all."""
    if kind in ("lifetime", "zero"):
        return Decimal("0.00")
    months = whole_months(covers_from, covers_through)
    if months is None:
        return None
    if period == "year":
        return (amount * months / 12).quantize(CENT, rounding=ROUND_HALF_UP)
    return (amount * months).quantize(CENT, rounding=ROUND_HALF_UP)


def parse_amount(text: str) -> Decimal:
    """A non-negative amount with at most two decimals ("12", "12.5", "12.50"); a comma as
    thousands separator is not accepted (ambiguous across countries). Raises ValueError."""
    from decimal import InvalidOperation

    cleaned = text.strip()
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(f"{cleaned!r} is not an amount") from None
    if not value.is_finite():
        raise ValueError(f"{cleaned!r} is not an amount")
    if value < 0:
        raise ValueError(f"{cleaned} is negative: record a correction as a reversal")
    if value != value.quantize(CENT):
        raise ValueError(f"{cleaned} has more than two decimals")
    return value.quantize(CENT)
