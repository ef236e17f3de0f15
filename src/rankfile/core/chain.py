"""The audit log's hash chain.

Each event is hashed together with the hash of the event before it, so that changing,
removing, inserting or reordering any event breaks every link after it. The hash is SHA-256
over a canonical JSON form of the event's fields (sorted keys, no whitespace, UTF-8), which
does not depend on the database that stores the events.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from json.encoder import encode_basestring
from typing import Any

GENESIS_HASH = "0" * 64

# The fields that an event's hash covers, in the canonical form, by the event's format.
# Format 1 (events written before format 2 existed) left out what the record page shows
# beside them: the target's label and the member and branch the event is about, which also
# decide who sees it. Format 2 covers every field that is shown or decides visibility.
HASHED_FIELDS_V1 = (
    "seq",
    "at",
    "actor",
    "action",
    "target_type",
    "target_id",
    "reason",
    "payload",
)
HASHED_FIELDS = (*HASHED_FIELDS_V1, "target_label", "member", "branch")
CURRENT_FORMAT = 2
FORMATS = {1: HASHED_FIELDS_V1, 2: HASHED_FIELDS}

# The order of the values in a stored row as `verify_rows` reads it. A row of format 1 may
# stop after "hash".
ROW_FIELDS = (
    "seq",
    "at",
    "actor",
    "action",
    "target_type",
    "target_id",
    "reason",
    "payload",  # JSON text
    "prev_hash",
    "hash",
    "format",
    "target_label",
    "member",  # the member's id, or None
    "branch",  # the branch's id, or None
)


class CanonicalJSONEncoder(json.JSONEncoder):
    """Encodes JSON in the chain's canonical form whatever options the caller passes.

    Used as the encoder of the stored payload, so that a database that keeps JSON as text
    (SQLite) keeps exactly the bytes that were hashed and verification need not re-encode.
    """

    def __init__(self, **options: Any) -> None:
        options.update(sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        super().__init__(**options)


_canonical_encoder = CanonicalJSONEncoder()


def canonical_json(value: Any) -> str:
    """A JSON value in canonical form: sorted keys, no whitespace, characters unescaped."""
    return _canonical_encoder.encode(value)


def canonical_bytes(fields: Mapping[str, Any], prev_hash: str) -> bytes:
    """The bytes that are hashed for one event: its hashed fields and the previous hash.

    The fields of the event's ``format`` (1 when the mapping names none) are hashed; the
    format itself is not, as the two forms' documents have different keys and can never be
    equal. This is the definition of the canonical form; `verify_rows` builds the same bytes
    faster.
    """
    try:
        names = FORMATS[fields.get("format", 1)]
    except (KeyError, TypeError):
        raise ValueError(f"unknown audit event format {fields.get('format')!r}") from None
    document = {name: fields[name] for name in names}
    document["prev_hash"] = prev_hash
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def event_hash(fields: Mapping[str, Any], prev_hash: str) -> str:
    """The SHA-256 hex digest that links an event to the one before it."""
    return hashlib.sha256(canonical_bytes(fields, prev_hash)).hexdigest()


# canonical_bytes spelled out: the document's keys in sorted order, strings JSON-encoded by
# the same function json.dumps uses, the payload spliced in as canonical JSON text.
_TEMPLATE = (
    '{"action":%s,"actor":%s,"at":%s,"payload":%s,"prev_hash":"%s",'
    '"reason":%s,"seq":%d,"target_id":%s,"target_type":%s}'
)
_TEMPLATE_V2 = (
    '{"action":%s,"actor":%s,"at":%s,"branch":%s,"member":%s,"payload":%s,"prev_hash":"%s",'
    '"reason":%s,"seq":%d,"target_id":%s,"target_label":%s,"target_type":%s}'
)


def _id_text(value: Any) -> str:
    if value is None:
        return "null"
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError("a member or branch must be an integer id or None")
    return str(value)


def row_bytes(row: Sequence[Any]) -> bytes:
    """The canonical bytes of a stored row (in ROW_FIELDS order, payload as canonical JSON
    text), equal to `canonical_bytes` of the same event."""
    seq, at, actor, action, target_type, target_id, reason, payload, prev_hash = row[:9]
    if not isinstance(seq, int) or isinstance(seq, bool):
        raise TypeError("seq must be an integer")
    format_ = row[10] if len(row) > 10 else 1
    if format_ == 2:
        target_label, member, branch = row[11:14]
        return (
            _TEMPLATE_V2
            % (
                encode_basestring(action),
                encode_basestring(actor),
                encode_basestring(at),
                _id_text(branch),
                _id_text(member),
                payload,
                prev_hash,
                encode_basestring(reason),
                seq,
                encode_basestring(target_id),
                encode_basestring(target_label),
                encode_basestring(target_type),
            )
        ).encode("utf-8")
    if format_ != 1:
        raise ValueError(f"unknown audit event format {format_!r}")
    return (
        _TEMPLATE
        % (
            encode_basestring(action),
            encode_basestring(actor),
            encode_basestring(at),
            payload,
            prev_hash,
            encode_basestring(reason),
            seq,
            encode_basestring(target_id),
            encode_basestring(target_type),
        )
    ).encode("utf-8")


@dataclass(frozen=True)
class Anchor:
    """A (seq, hash) pair recorded outside the chain, which the chain must still contain."""

    seq: int
    hash: str
    source: str = "the anchored head"

    @classmethod
    def parse(cls, text: str, source: str = "the anchored head") -> Anchor:
        """Read an anchor written as ``SEQ:HASH`` (what `rankfile audit head` prints)."""
        seq_text, separator, hash_text = text.strip().partition(":")
        hash_text = hash_text.strip().lower()
        if (
            not separator
            or not (seq_text.strip().isascii() and seq_text.strip().isdigit())
            or len(hash_text) != 64
            or any(c not in "0123456789abcdef" for c in hash_text)
        ):
            raise ValueError(f"an anchor is SEQ:HASH (a number, a colon, 64 hex digits): {text!r}")
        return cls(int(seq_text), hash_text, source)


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


def verify_chain(
    events: Iterable[Mapping[str, Any]], anchors: Iterable[Anchor] = ()
) -> Verification:
    """Recompute the chain over events in sequence order and name the first broken link.

    Each event is a mapping with the HASHED_FIELDS plus ``prev_hash`` and ``hash`` as stored.
    Sequence numbers must run 1, 2, 3, ... without gaps or repeats: a deleted event leaves a
    gap, an inserted one a repeat or a link that does not match.
    """
    rows = (
        (
            event["seq"],
            event["at"],
            event["actor"],
            event["action"],
            event["target_type"],
            event["target_id"],
            event["reason"],
            canonical_json(event["payload"]),
            event["prev_hash"],
            event["hash"],
            event.get("format", 1),
            event.get("target_label"),
            event.get("member"),
            event.get("branch"),
        )
        for event in events
    )
    return verify_rows(rows, anchors)


def _canonical_payload_matches(row: Sequence[Any], stored_hash: Any) -> bool:
    """Whether the row hashes to stored_hash once its payload text is put in canonical form
    (PostgreSQL's jsonb, for one, reorders keys and adds spaces)."""
    try:
        canonical = canonical_json(json.loads(row[7]))
        if canonical == row[7]:
            return False
        fixed = (*row[:7], canonical, *row[8:])
        return hashlib.sha256(row_bytes(fixed)).hexdigest() == stored_hash
    except (TypeError, ValueError):
        return False


def verify_rows(
    rows: Iterable[Sequence[Any]],
    anchors: Iterable[Anchor] = (),
    *,
    payload_canonical: bool = True,
) -> Verification:
    """Recompute the chain over stored rows (ROW_FIELDS order) in sequence order.

    The payload is the stored JSON text, hashed as it is when it is already canonical and
    re-encoded otherwise; with payload_canonical=False (a database that rewrites JSON, such
    as PostgreSQL's jsonb) it is re-encoded before hashing. Splicing stored text is safe because the fields after the payload
    are JSON strings and fixed text, which read back uniquely from the end of the hashed
    bytes (a quote inside a JSON string always follows an odd number of backslashes), and
    those before it read uniquely from the start: equal bytes mean equal fields. Every
    anchor must name an event of the chain with that hash.
    """
    return _verify(rows, anchors, 8, 9, _row_holds if payload_canonical else _recoded_row_holds)


def verify_documents(
    rows: Iterable[Sequence[Any]],
    fields_of: Callable[[int], Sequence[Any] | None],
    anchors: Iterable[Anchor] = (),
) -> Verification:
    """Recompute the chain over rows (seq, prev_hash, hash, document) in sequence order,
    where the database itself built each event's canonical bytes as `document`.

    The database's JSON string encoding need not match Python's: a document whose hash
    does not match is checked again from the event's fields, `fields_of(seq)` (a row in
    ROW_FIELDS order), which decides. Equal bytes still mean equal fields, as long as the
    database escapes quotes and backslashes and builds no document from non-text fields
    (see verify_rows).
    """
    sha256 = hashlib.sha256

    def holds(row: Sequence[Any]) -> bool:
        try:
            if sha256(row[3]).hexdigest() == row[2]:
                return True
        except TypeError:
            pass
        fields = fields_of(row[0])
        return fields is not None and _row_holds(fields)

    return _verify(rows, anchors, 1, 2, holds)


def _row_holds(row: Sequence[Any]) -> bool:
    try:
        if hashlib.sha256(row_bytes(row)).hexdigest() == row[9]:
            return True
    except (TypeError, ValueError):
        return False
    return _canonical_payload_matches(row, row[9])


def _recoded_row_holds(row: Sequence[Any]) -> bool:
    try:
        canonical = canonical_json(json.loads(row[7]))
        fixed = (*row[:7], canonical, *row[8:])
        return hashlib.sha256(row_bytes(fixed)).hexdigest() == row[9]
    except (TypeError, ValueError):
        return False


def _verify(
    rows: Iterable[Sequence[Any]],
    anchors: Iterable[Anchor],
    prev_at: int,
    hash_at: int,
    holds: Callable[[Sequence[Any]], bool],
) -> Verification:
    by_seq: dict[int, list[Anchor]] = {}
    for anchor in anchors:
        if anchor.seq == 0 and anchor.hash != GENESIS_HASH:
            problem = f"{anchor.source} names event 0, which has no hash but the genesis hash"
            return Verification(0, GENESIS_HASH, Break(0, problem))
        by_seq.setdefault(anchor.seq, []).append(anchor)
    expected_prev = GENESIS_HASH
    expected_seq = 1
    for row in rows:
        seq = row[0]
        if seq != expected_seq:
            if isinstance(seq, int) and seq > expected_seq:
                problem = f"it is missing (the next event in the log is {seq})"
                return Verification(expected_seq - 1, expected_prev, Break(expected_seq, problem))
            problem = (
                f"it comes again after event {expected_seq - 1}"
                if seq == expected_seq - 1
                else f"it comes after event {expected_seq - 1}"
            ) + " (an event was inserted or the events were reordered)"
            return Verification(expected_seq - 1, expected_prev, Break(seq, problem))
        if row[prev_at] != expected_prev:
            return Verification(
                seq - 1,
                expected_prev,
                Break(
                    seq,
                    "its link does not match the hash of the event before it "
                    "(an event was inserted, removed or replaced before it)",
                ),
            )
        if not holds(row):
            return Verification(
                seq - 1,
                expected_prev,
                Break(seq, "its content does not match its hash (the event was changed)"),
            )
        stored_hash = row[hash_at]
        if seq in by_seq:
            for anchor in by_seq[seq]:
                if anchor.hash != stored_hash:
                    problem = (
                        f"its hash {stored_hash[:16]}… differs from {anchor.source} "
                        f"{anchor.hash[:16]}… (the log was rewritten up to here)"
                    )
                    return Verification(seq - 1, expected_prev, Break(seq, problem))
        expected_prev = stored_hash
        expected_seq += 1
    last = expected_seq - 1
    for seq in sorted(by_seq):
        if seq > last:
            anchor = by_seq[seq][0]
            problem = (
                f"it is missing: the log ends at event {last} but {anchor.source} "
                f"records event {seq} (events were removed from the end)"
            )
            return Verification(last, expected_prev, Break(seq, problem))
    return Verification(last, expected_prev, None)
