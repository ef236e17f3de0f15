"""One check of what is to be counted, the same for every method and every ballot file.

Every counting function calls `seats_to_fill` before it counts, so that a count never starts
on something it cannot decide (no ballots, no candidates, more seats than candidates, zero
or negative seats) and the message says what is wrong, whichever method or format is used.
"""

from __future__ import annotations

from rankfile.core.ballots.model import BallotSet

# Methods that elect exactly one candidate.
SINGLE_SEAT = ("irv", "schulze")
# Methods for which a file without seats means one seat.
ONE_SEAT_BY_DEFAULT = ("plurality", "block-plurality", "approval")


class CountInputError(ValueError):
    """The ballots or the seats cannot be counted; the message says why."""


def seats_to_fill(ballots: BallotSet, seats: int | None, method: str) -> int:
    """The number of seats `method` fills for `ballots`, or CountInputError saying why not.

    `seats` is the number asked for (None: the file's, or one for single-seat methods and
    plurality, block plurality and approval when the file does not say).
    """
    if seats is not None and seats < 1:
        raise CountInputError(f"the number of seats must be at least 1 (asked for {seats})")
    if method in SINGLE_SEAT:
        if seats is not None and seats != 1:
            raise CountInputError(f"{method} elects one candidate: it cannot fill {seats} seats")
        chosen = 1
    elif seats is not None:
        chosen = seats
    elif ballots.seats is not None:
        chosen = ballots.seats
    elif method in ONE_SEAT_BY_DEFAULT:
        chosen = 1
    else:
        raise CountInputError("the number of seats is not in the ballot file: give it (--seats N)")
    standing = len(ballots.candidates) - len(ballots.withdrawn)
    if not ballots.candidates:
        raise CountInputError("the ballot file names no candidates: there is nothing to count")
    if standing < 1:
        raise CountInputError("every candidate has withdrawn: there is nothing to count")
    if chosen > standing:
        who = "candidate" if standing == 1 else "candidates"
        raise CountInputError(
            f"{chosen} seats to fill but only {standing} {who} standing: "
            "give at most as many seats as candidates"
        )
    if not ballots.total:
        raise CountInputError("the ballot file holds no ballots: there is nothing to count")
    if not ballots.marks_a_candidate():
        raise CountInputError(
            "no ballot marks a candidate who is standing: there is nothing to count"
        )
    return chosen
