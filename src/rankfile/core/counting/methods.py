"""One entry point for every ranked-ballot method, by name."""

from __future__ import annotations

from rankfile.core.ballots.model import BallotSet
from rankfile.core.counting.result import CountResult

METHODS = (
    "scottish-stv",
    "meek",
    "wigm",
    "irv",
    "plurality",
    "block-plurality",
    "approval",
    "schulze",
)


def count(
    ballots: BallotSet,
    method: str = "scottish-stv",
    seats: int | None = None,
    seed: int | None = None,
    batch_elimination: bool = False,
) -> CountResult:
    """Count `ballots` by `method` (one of METHODS); `seed` is used only for ties by lot.

    Every method checks the seats and the ballots the same way first
    (`validation.seats_to_fill`): a CountInputError (a ValueError) says what is wrong.
    `batch_elimination` is for instant runoff only.
    """
    if method == "scottish-stv":
        from rankfile.core.counting.gregory import count_scottish_stv

        return count_scottish_stv(ballots, seats, seed)
    if method == "wigm":
        from rankfile.core.counting.gregory import count_wigm

        return count_wigm(ballots, seats, seed)
    if method == "meek":
        from rankfile.core.counting.meek import count_meek

        return count_meek(ballots, seats, seed)
    if method == "irv":
        from rankfile.core.counting.irv import count_irv

        if seats is not None:
            from rankfile.core.counting.validation import seats_to_fill

            seats_to_fill(ballots, seats, "irv")
        return count_irv(ballots, seed, batch_elimination=batch_elimination)
    if method in ("plurality", "block-plurality", "approval"):
        from rankfile.core.counting import plurality

        if method == "approval":
            return plurality.count_approval(ballots, seats, seed)
        return plurality.count_plurality(ballots, seats, seed, block=method == "block-plurality")
    if method == "schulze":
        from rankfile.core.counting.schulze import count_schulze

        if seats is not None:
            from rankfile.core.counting.validation import seats_to_fill

            seats_to_fill(ballots, seats, "schulze")
        return count_schulze(ballots, seed)
    raise ValueError(f"unknown method {method!r}; choose from {', '.join(METHODS)}")
