"""A member's lifecycle: which status follows from which dated events.

Events: applied, admitted, lapsed, reinstated, transferred, resigned, expelled, deceased.
Statuses: applicant, member, lapsed, resigned, expelled, deceased.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

APPLIED = "applied"
ADMITTED = "admitted"
LAPSED_EVENT = "lapsed"
REINSTATED = "reinstated"
TRANSFERRED = "transferred"
RESIGNED_EVENT = "resigned"
EXPELLED_EVENT = "expelled"
DECEASED_EVENT = "deceased"

EVENT_CHOICES = [
    (APPLIED, "Applied"),
    (ADMITTED, "Admitted"),
    (LAPSED_EVENT, "Lapsed"),
    (REINSTATED, "Reinstated"),
    (TRANSFERRED, "Transferred"),
    (RESIGNED_EVENT, "Resigned"),
    (EXPELLED_EVENT, "Expelled"),
    (DECEASED_EVENT, "Deceased"),
]
EVENT_KINDS = frozenset(kind for kind, _ in EVENT_CHOICES)

APPLICANT = "applicant"
MEMBER = "member"
LAPSED = "lapsed"
RESIGNED = "resigned"
EXPELLED = "expelled"
DECEASED = "deceased"

STATUS_CHOICES = [
    (APPLICANT, "Applicant"),
    (MEMBER, "Member"),
    (LAPSED, "Lapsed"),
    (RESIGNED, "Resigned"),
    (EXPELLED, "Expelled"),
    (DECEASED, "Deceased"),
]
STATUSES = frozenset(status for status, _ in STATUS_CHOICES)
CURRENT_STATUSES = (MEMBER,)
FORMER_STATUSES = frozenset({RESIGNED, EXPELLED, DECEASED})

# Which events may follow which status: anything else is refused with a reason.
_ALLOWED: dict[str | None, frozenset[str]] = {
    None: frozenset({APPLIED, ADMITTED}),
    APPLICANT: frozenset({ADMITTED, RESIGNED_EVENT, DECEASED_EVENT}),
    MEMBER: frozenset({LAPSED_EVENT, TRANSFERRED, RESIGNED_EVENT, EXPELLED_EVENT, DECEASED_EVENT}),
    LAPSED: frozenset({REINSTATED, TRANSFERRED, RESIGNED_EVENT, EXPELLED_EVENT, DECEASED_EVENT}),
    RESIGNED: frozenset({REINSTATED, DECEASED_EVENT}),
    EXPELLED: frozenset({REINSTATED, DECEASED_EVENT}),
    DECEASED: frozenset(),
}

_STATUS_AFTER = {
    APPLIED: APPLICANT,
    ADMITTED: MEMBER,
    LAPSED_EVENT: LAPSED,
    REINSTATED: MEMBER,
    RESIGNED_EVENT: RESIGNED,
    EXPELLED_EVENT: EXPELLED,
    DECEASED_EVENT: DECEASED,
}

# The status a CSV `status` column names, and the event that brings a member there.
EVENT_FOR_STATUS = {
    APPLICANT: APPLIED,
    MEMBER: ADMITTED,
    LAPSED: LAPSED_EVENT,
    RESIGNED: RESIGNED_EVENT,
    EXPELLED: EXPELLED_EVENT,
    DECEASED: DECEASED_EVENT,
}


class LifecycleError(ValueError):
    """An event that cannot follow the member's current status."""


def allowed_events(current: str | None) -> frozenset[str]:
    """The events that may follow ``current`` (a status, or None for no record yet)."""
    return _ALLOWED[current]


def next_status(current: str | None, event: str) -> str:
    """The status after ``event``, or LifecycleError naming why it cannot happen."""
    if event not in EVENT_KINDS:
        raise LifecycleError(f"unknown event {event!r}")
    if event not in _ALLOWED[current]:
        where = f"a {current}" if current else "someone with no record yet"
        raise LifecycleError(f"{event!r} cannot be recorded for {where}")
    if event == TRANSFERRED:
        assert current is not None
        return current
    return _STATUS_AFTER[event]


def status_after(events: Iterable[tuple[datetime.date, str]]) -> str | None:
    """The status that a member's events, in date order, lead to (None with no events)."""
    status: str | None = None
    for _on, kind in sorted(events, key=lambda item: item[0]):
        status = next_status(status, kind)
    return status
