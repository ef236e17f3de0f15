"""Appending to the audit log. Every action that changes state calls `append_event` inside
its own transaction, so the event exists exactly when the change does."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from rankfile.audit.models import AuditEvent, AuditHead
from rankfile.core.chain import CURRENT_FORMAT, GENESIS_HASH, event_hash

if TYPE_CHECKING:
    from rankfile.accounts.models import User
    from rankfile.members.models import Branch, Member


def actor_label(actor: User | None) -> str:
    return actor.email if actor is not None else "system"


def hashed_fields(event: AuditEvent) -> dict[str, Any]:
    """The fields of an event as the chain hashes them (see rankfile.core.chain), with the
    event's format, which says which of them its hash covers."""
    fields = {
        "format": event.format,
        "seq": event.seq,
        "at": event.at.isoformat(timespec="microseconds"),
        "actor": event.actor_label,
        "action": event.action,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "reason": event.reason,
        "payload": event.payload,
    }
    if event.format >= 2:
        fields.update(
            target_label=event.target_label, member=event.member_id, branch=event.branch_id
        )
    return fields


def check_payload(value: Any, path: str = "payload") -> None:
    """Refuse a payload value whose JSON round trip could change it (and so its hash)."""
    if value is None or isinstance(value, str | bool | int):
        return
    if isinstance(value, list | tuple):
        for index, item in enumerate(value):
            check_payload(item, f"{path}[{index}]")
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"audit {path} has a key that is not a string: {key!r}")
            check_payload(item, f"{path}[{key!r}]")
        return
    raise TypeError(
        f"audit {path} holds a {type(value).__name__}: payloads hold strings, integers, "
        "booleans, null, lists and objects only"
    )


def append_event(
    *,
    actor: User | None,
    action: str,
    target: Any = None,
    reason: str = "",
    payload: dict[str, Any] | None = None,
    member: Member | None = None,
    branch: Branch | None = None,
) -> AuditEvent:
    """Append one event to the chain. Must be called inside the action's transaction.

    The payload must hold no secrets (no ballot contents, no passwords) and only JSON values
    that survive a round trip unchanged (strings, integers, booleans, null, lists, objects
    with string keys): the hash is computed from the value given here and verified against
    the value read back, so anything else (floats, which PostgreSQL may rewrite; non-string
    keys, which JSON turns into strings) is refused with TypeError.
    """
    head = _locked_head()
    event = _next_event(
        head.seq,
        head.hash,
        actor=actor,
        action=action,
        target=target,
        reason=reason,
        payload=payload,
        member=member,
        branch=branch,
    )
    event.save(force_insert=True)
    head.seq = event.seq
    head.hash = event.hash
    head.save(update_fields=["seq", "hash"])
    return event


# Events inserted per statement by append_events.
BATCH_EVENTS = 2000
_COLUMNS = (
    "seq",
    "at",
    "actor",
    "actor_label",
    "action",
    "target_type",
    "target_id",
    "target_label",
    "reason",
    "payload",
    "member",
    "branch",
    "prev_hash",
    "hash",
    "format",
)


def append_events(events: Iterable[dict[str, Any]]) -> int:
    """Append many events, each given as append_event's keyword arguments, in that order.

    The chain is the one appending them one by one would build (with one time for all);
    the rows go in with one prepared INSERT per batch, as Django's bulk_create spends most
    of its time building SQL for each value, and the head record moves once. For bulk work
    of many actions at once (the demo's members and payments). Returns how many events were
    appended. Must run inside a transaction.
    """
    head = _locked_head()
    connection = transaction.get_connection()
    fields = {name: AuditEvent._meta.get_field(name) for name in _COLUMNS}
    quote = connection.ops.quote_name
    table = quote(AuditEvent._meta.db_table)
    columns = ", ".join(quote(field.column) for field in fields.values())
    sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"  # noqa: S608
    now = timezone.now()
    at = fields["at"].get_db_prep_save(now, connection)
    payload_field = fields["payload"]
    event = AuditEvent(at=now, prev_hash=head.hash, seq=head.seq, format=CURRENT_FORMAT)
    rows: list[tuple[Any, ...]] = []
    count = 0
    with connection.cursor() as cursor:
        for arguments in events:
            _fill(event, event.seq + 1, event.hash if count else head.hash, **arguments)
            rows.append(
                (
                    event.seq,
                    at,
                    event.actor_id,
                    event.actor_label,
                    event.action,
                    event.target_type,
                    event.target_id,
                    event.target_label,
                    event.reason,
                    payload_field.get_db_prep_save(event.payload, connection),
                    event.member_id,
                    event.branch_id,
                    event.prev_hash,
                    event.hash,
                    event.format,
                )
            )
            count += 1
            if len(rows) >= BATCH_EVENTS:
                cursor.executemany(sql, rows)
                rows = []
        if rows:
            cursor.executemany(sql, rows)
    if count:
        head.seq, head.hash = event.seq, event.hash
        head.save(update_fields=["seq", "hash"])
    return count


def _locked_head() -> AuditHead:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("append_event must run inside the action's transaction")
    head = AuditHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        # The migration creates the head; it can still be missing after a test flushes the
        # database or someone deletes it. Rebuild it from the last event, not the genesis,
        # so appends continue the chain (unique seq and hash refuse a second event 1).
        last = AuditEvent.objects.order_by("-seq").values_list("seq", "hash").first()
        seq, hash_ = last if last is not None else (0, GENESIS_HASH)
        AuditHead.objects.get_or_create(pk=1, defaults={"seq": seq, "hash": hash_})
        head = AuditHead.objects.select_for_update().get(pk=1)
    return head


def _next_event(prev_seq: int, prev_hash: str, **arguments: Any) -> AuditEvent:
    event = AuditEvent(at=timezone.now(), format=CURRENT_FORMAT)
    _fill(event, prev_seq + 1, prev_hash, **arguments)
    return event


def _fill(
    event: AuditEvent,
    seq: int,
    prev_hash: str,
    *,
    actor: User | None,
    action: str,
    target: Any = None,
    reason: str = "",
    payload: dict[str, Any] | None = None,
    member: Member | None = None,
    branch: Branch | None = None,
) -> None:
    """Make `event` the next event of the chain (its time and format already set)."""
    payload = payload or {}
    check_payload(payload)
    event.seq = seq
    event.actor = actor
    event.actor_label = actor_label(actor)
    event.action = action
    event.target_type = target._meta.label_lower if target is not None else ""
    event.target_id = str(target.pk) if target is not None else ""
    event.target_label = str(target)[:300] if target is not None else ""
    event.reason = reason
    event.payload = payload  # type: ignore[assignment]  # a field on the class, a value here
    event.member = member
    event.branch = branch
    event.prev_hash = prev_hash
    event.hash = event_hash(hashed_fields(event), prev_hash)
