"""Calendar arithmetic for dues rules: months added to dates under a stated month-end policy.

"One month before 31 March" has no single answer; rule sets must say which one they mean.
Every policy here is monotone (a later date never gives an earlier result), which lets the
standing rules turn "paid within N months of D" into one cut-off date per D.
"""

from __future__ import annotations

import calendar
import datetime

CLAMP = "clamp"
END_OF_MONTH = "end_of_month"
ROLL_FORWARD = "roll_forward"
MONTH_END_POLICIES = (CLAMP, END_OF_MONTH, ROLL_FORWARD)


def last_day_of_month(year: int, month: int) -> datetime.date:
    """The last day of ``month`` in ``year``."""
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def is_month_end(day: datetime.date) -> bool:
    """Whether ``day`` is the last day of its month."""
    return (day + datetime.timedelta(days=1)).day == 1


def month_index(day: datetime.date) -> int:
    """A running month number (year * 12 + month - 1), for counting whole months."""
    return day.year * 12 + day.month - 1


def month_from_index(index: int) -> tuple[int, int]:
    """The (year, month) of a running month number."""
    return divmod(index, 12)[0], index % 12 + 1


def end_of_month_index(index: int) -> datetime.date:
    """The last day of the month with running number ``index``."""
    year, month = month_from_index(index)
    return last_day_of_month(year, month)


def add_months(day: datetime.date, months: int, policy: str = CLAMP) -> datetime.date:
    """``day`` moved by ``months`` calendar months (negative: back) under a month-end policy.

    - ``clamp``: a day past the end of the target month becomes its last day
      (2020-03-31 - 1 month = 2020-02-29; 2020-01-31 + 1 month = 2020-02-29).
    - ``end_of_month``: like clamp, and a month's last day maps to the target month's last day
      (2020-02-29 + 1 month = 2020-03-31; 2020-02-29 - 1 month = 2020-01-31).
    - ``roll_forward``: a day past the end of the target month becomes the first day of the
      month after (2020-03-31 - 1 month = 2020-03-01; 2020-01-31 + 1 month = 2020-03-01).
    """
    if policy not in MONTH_END_POLICIES:
        raise ValueError(f"unknown month-end policy {policy!r}")
    year, month = month_from_index(month_index(day) + months)
    last = calendar.monthrange(year, month)[1]
    if policy == END_OF_MONTH and is_month_end(day):
        return datetime.date(year, month, last)
    if day.day <= last:
        return datetime.date(year, month, day.day)
    if policy == ROLL_FORWARD:
        return datetime.date(year, month, last) + datetime.timedelta(days=1)
    return datetime.date(year, month, last)


def month_label(day: datetime.date) -> str:
    """``YYYY-MM``, the way dues months are named to members."""
    return f"{day.year:04d}-{day.month:02d}"
