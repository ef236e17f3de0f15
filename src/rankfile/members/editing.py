"""Two people editing the same record: the second save must not silently undo the first.

An edit form carries, in a hidden field, the values the person saw when it was opened (the
"seen" token: JSON of the record's editable fields). The action, holding the record's row
lock, compares them with the values in the database; when someone else saved in between it
refuses with ``EditConflict``, which says what changed (from what, to what, and what the
person entered), and nothing is written. The form then shows the other person's values
where this person had left the field alone and this person's own entries elsewhere, with a
fresh token, so that saving again keeps both changes.

This is optimistic concurrency on the values themselves rather than on a version number:
it needs no column, and every path that writes the record (imports, the admin, the API) is
covered without having to bump a counter.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError


def as_text(value: Any) -> str:
    """A field's value as the form shows it (None is blank)."""
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True)
    return str(value)


def seen_token(values: Mapping[str, Any]) -> str:
    """The hidden field's value for a form opened on these values."""
    return json.dumps({name: as_text(value) for name, value in values.items()}, sort_keys=True)


def parse_seen(token: str | None) -> dict[str, str] | None:
    """The values a form was opened on; None when the form carries none (nothing checked)."""
    if not token:
        return None
    try:
        seen = json.loads(token)
    except ValueError:
        seen = None
    if not isinstance(seen, dict) or not all(isinstance(v, str) for v in seen.values()):
        raise ValidationError("This form is damaged or out of date: open the page again.")
    return seen


@dataclass(frozen=True)
class Change:
    name: str
    label: str
    was: str  # when the form was opened
    now: str  # in the database
    yours: str | None  # what the person entered, when it differs from what they saw


class EditConflict(ValidationError):
    """Someone else saved the record after the form was opened; nothing was saved."""

    def __init__(self, what: str, changes: list[Change], current: Mapping[str, Any]) -> None:
        self.changes = changes
        self.token = seen_token(current)
        parts = []
        for change in changes:
            part = f"{change.label} changed from “{change.was}” to “{change.now}”"
            if change.yours is not None:
                part += f" (you entered “{change.yours}”)"
            parts.append(part)
        super().__init__(
            f"Someone else saved {what} after you opened this form, so nothing was saved. "
            f"Since then: {'; '.join(parts)}. The form now shows their change where you had "
            "left a field alone, and your entries elsewhere: check it and save again."
        )


def check_unchanged(
    what: str,
    seen: Mapping[str, str] | None,
    current: Mapping[str, Any],
    submitted: Mapping[str, Any],
    labels: Mapping[str, str] | None = None,
) -> None:
    """Raise EditConflict when a field the form was opened on has changed since."""
    if seen is None:
        return
    labels = labels or {}
    changes = []
    for name, was in seen.items():
        if name not in current:
            continue
        now = as_text(current[name])
        if now == was:
            continue
        yours = as_text(submitted[name]) if name in submitted else was
        if yours == now:
            continue  # both made the same change
        changes.append(
            Change(
                name=name,
                label=labels.get(name, name.replace("_", " ")),
                was=was,
                now=now,
                yours=None if yours == was else yours,
            )
        )
    if changes:
        raise EditConflict(what, changes, current)
