"""Appending to the audit log. Every action that changes state calls `append_event` inside
its own transaction, so the event exists exactly when the change does."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from rankfile.audit.models import AuditEvent, AuditHead
from rankfile.core.chain import GENESIS_HASH, event_hash

if TYPE_CHECKING:
    from rankfile.accounts.models import User
    from rankfile.members.models import Branch, Member


def actor_label(actor: User | None) -> str:
    return actor.email if actor is not None else "system"


def hashed_fields(event: AuditEvent) -> dict[str, Any]:
    """The fields of an event as the chain hashes them (see rankfile.core.chain)."""
    return {
        "seq": event.seq,
        "at": event.at.isoformat(timespec="microseconds"),
        "actor": event.actor_label,
        "action": event.action,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "reason": event.reason,
        "payload": event.payload,
    }


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
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("append_event must run inside the action's transaction")
    payload = payload or {}
    check_payload(payload)
    head = AuditHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        # The migration creates the head; it can still be missing after a test flushes the
        # database or someone deletes it. Rebuild it from the last event, not the genesis,
        # so appends continue the chain (unique seq and hash refuse a second event 1).
        last = AuditEvent.objects.order_by("-seq").values_list("seq", "hash").first()
        seq, hash_ = last if last is not None else (0, GENESIS_HASH)
        AuditHead.objects.get_or_create(pk=1, defaults={"seq": seq, "hash": hash_})
        head = AuditHead.objects.select_for_update().get(pk=1)
    event = AuditEvent(
        seq=head.seq + 1,
        at=timezone.now(),
        actor=actor,
        actor_label=actor_label(actor),
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_label=str(target)[:300] if target is not None else "",
        reason=reason,
        payload=payload,
        member=member,
        branch=branch,
        prev_hash=head.hash,
    )
    event.hash = event_hash(hashed_fields(event), head.hash)
    event.save(force_insert=True)
    head.seq = event.seq
    head.hash = event.hash
    head.save(update_fields=["seq", "hash"])
    return event


def append_events(events: list[dict[str, Any]]) -> int:
    """Append several events in order, each given as `append_event`'s keyword arguments,
    under one lock of the head and with one insert per thousand events: for actions that
    record one event per row (an import that changes thousands of members). The chain is
    the one `append_event` would make, event by event. Returns how many were appended."""
    if not events:
        return 0
    first = append_event(**events[0])  # takes (or rebuilds) and locks the head
    head = AuditHead.objects.select_for_update().get(pk=1)
    seq, prev = first.seq, first.hash
    built = []
    for spec in events[1:]:
        payload = spec.get("payload") or {}
        check_payload(payload)
        actor, target = spec["actor"], spec.get("target")
        seq += 1
        event = AuditEvent(
            seq=seq,
            at=timezone.now(),
            actor=actor,
            actor_label=actor_label(actor),
            action=spec["action"],
            target_type=target._meta.label_lower if target is not None else "",
            target_id=str(target.pk) if target is not None else "",
            target_label=str(target)[:300] if target is not None else "",
            reason=spec.get("reason", ""),
            payload=payload,
            member=spec.get("member"),
            branch=spec.get("branch"),
            prev_hash=prev,
        )
        event.hash = prev = event_hash(hashed_fields(event), prev)
        built.append(event)
    AuditEvent.objects.bulk_create(built, batch_size=1000)
    head.seq, head.hash = seq, prev
    head.save(update_fields=["seq", "hash"])
    return len(events)
