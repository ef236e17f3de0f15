"""The audit log's hash chain.

Each event is hashed together with the hash of the event before it, so that changing,
removing, inserting or reordering any event breaks every link after it. The hash is SHA-256
over a canonical JSON form of the event's fields (sorted keys, no whitespace, UTF-8), which
does not depend on the database that stores the events.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

GENESIS_HASH = "0" * 64

# The fields that an event's hash covers, in the canonical form.
HASHED_FIELDS = (
    "seq",
    "at",
    "actor",
    "action",
    "target_type",
    "target_id",
    "reason",
    "payload",
)


def canonical_bytes(fields: Mapping[str, Any], prev_hash: str) -> bytes:
    """The bytes that are hashed for one event: its hashed fields and the previous hash."""
    document = {name: fields[name] for name in HASHED_FIELDS}
    document["prev_hash"] = prev_hash
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def event_hash(fields: Mapping[str, Any], prev_hash: str) -> str:
    """The SHA-256 hex digest that links an event to the one before it."""
    return hashlib.sha256(canonical_bytes(fields, prev_hash)).hexdigest()


@dataclass(frozen=True)
class Break:
    """The first place where the chain does not hold."""

    seq: int
    problem: str

    def __str__(self) -> str:
        return f"event {self.seq}: {self.problem}"


@dataclass(frozen=True)
class Verification:
    checked: int
    head_hash: str
    broken: Break | None

    @property
    def ok(self) -> bool:
        return self.broken is None


def verify_chain(events: Iterable[Mapping[str, Any]]) -> Verification:
    """Recompute the chain over events in sequence order and name the first broken link.

    Each event is a mapping with the HASHED_FIELDS plus ``prev_hash`` and ``hash`` as stored.
    Sequence numbers must run 1, 2, 3, ... without gaps or repeats: a deleted event leaves a
    gap, an inserted one a repeat or a link that does not match.
    """
    expected_prev = GENESIS_HASH
    expected_seq = 1
    checked = 0
    for event in events:
        seq = event["seq"]
        if seq != expected_seq:
            problem = (
                f"sequence number {seq} where {expected_seq} was expected "
                f"({'an event is missing' if seq > expected_seq else 'an event was inserted or reordered'})"
            )
            return Verification(checked, expected_prev, Break(seq, problem))
        if event["prev_hash"] != expected_prev:
            return Verification(
                checked,
                expected_prev,
                Break(seq, "its link to the previous event does not match that event's hash"),
            )
        recomputed = event_hash(event, expected_prev)
        if recomputed != event["hash"]:
            return Verification(
                checked,
                expected_prev,
                Break(seq, "its content does not match its hash (the event was changed)"),
            )
        expected_prev = recomputed
        expected_seq += 1
        checked += 1
    return Verification(checked, expected_prev, None)
