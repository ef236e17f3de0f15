"""Hamilton's method (largest remainders, also called Hare–Niemeyer).

Each unit gets the whole part of its quota; the seats left over go one each to the units with
the largest fractional parts. Always within quota, but not house-monotone: one more seat in
total can take a seat from a unit (the Alabama paradox), which is why it is checked and named.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rankfile.core.apportionment.result import ALABAMA_PARADOX, Notice, Tie
from rankfile.core.apportionment.shares import fair_scale
from rankfile.core.apportionment.ties import TieBreak, settle


@dataclass
class _Remainders:
    whole: list[int]  # the whole part of each quota
    sure: list[int]  # units that surely get one more seat
    tied: list[int]  # units tied for the last `contested` extra seats
    contested: int


def _largest_remainders(
    counts: Sequence[int], seats: int, minimum: int, maximum: int | None
) -> _Remainders:
    scale = fair_scale(counts, seats, minimum, maximum)
    p, q = scale.numerator, scale.denominator
    low, high = minimum * q, None if maximum is None else maximum * q
    whole: list[int] = []
    remainder: list[int] = []  # numerators over q: integer keys sort fast and exactly
    for count in counts:
        share = count * p
        if share <= low:
            whole.append(minimum)
            remainder.append(0)
        elif high is not None and share >= high:
            whole.append(maximum or 0)
            remainder.append(0)
        else:
            part, rest = divmod(share, q)
            whole.append(part)
            remainder.append(rest)
    extra = seats - sum(whole)
    if not extra:
        return _Remainders(whole, [], [], 0)
    # The fractional parts add up to `extra`, each below 1, so the cut-off is above zero.
    cut = sorted(remainder, reverse=True)[extra - 1]
    sure = [index for index, rest in enumerate(remainder) if rest > cut]
    at_cut = [index for index, rest in enumerate(remainder) if rest == cut]
    contested = extra - len(sure)
    if contested == len(at_cut):
        return _Remainders(whole, sure + at_cut, [], 0)
    return _Remainders(whole, sure, at_cut, contested)


def hamilton(
    names: Sequence[str],
    counts: Sequence[int],
    seats: int,
    minimum: int,
    maximum: int | None,
    tie_break: TieBreak | None,
    base: int = 0,
) -> tuple[list[int], list[Tie], list[Notice]]:
    """Seats per unit by largest remainders, the tie settled (if any), Alabama warnings.

    `base` seats per unit given before this apportionment only change how warnings read.
    """
    rounding = _largest_remainders(counts, seats, minimum, maximum)
    result = list(rounding.whole)
    for index in rounding.sure:
        result[index] += 1
    ties: list[Tie] = []
    if rounding.tied:
        winners, tie = settle(rounding.tied, rounding.contested, names, counts, tie_break)
        for index in winners:
            result[index] += 1
        ties.append(tie)
    return result, ties, _alabama_warnings(names, counts, seats, minimum, maximum, result, base)


def _alabama_warnings(
    names: Sequence[str],
    counts: Sequence[int],
    seats: int,
    minimum: int,
    maximum: int | None,
    result: Sequence[int],
    base: int,
) -> list[Notice]:
    with_members = sum(1 for count in counts if count > 0)
    if maximum is not None:
        capacity = with_members * maximum + (len(counts) - with_members) * minimum
        if seats + 1 > capacity:
            return []
    if not with_members:
        return []
    bigger = _largest_remainders(counts, seats + 1, minimum, maximum)
    sure, tied = set(bigger.sure), set(bigger.tied)
    warnings = []
    total = seats + 1 + base * len(counts)
    for index, held in enumerate(result):
        now = base + held
        fewest = base + bigger.whole[index] + (index in sure)
        most = fewest + (index in tied)
        if most < now:
            message = (
                f"{names[index]} would have {most} instead of {now} seats if there were "
                f"{total} in total (Alabama paradox)"
            )
        elif fewest < now:
            message = (
                f"{names[index]} could have {fewest} instead of {now} seats if there were "
                f"{total} in total, depending on a tie (Alabama paradox)"
            )
        else:
            continue
        warnings.append(Notice(ALABAMA_PARADOX, names[index], message))
    return warnings
