"""Snapshots: every member's standing frozen as of a cut-off date (a credentials roll).

The SHA-256 of a snapshot is taken over a canonical text, so anyone holding the entries can
check it (`snapshot_text`, docs/standing.md):

    rankfile-snapshot 1
    as_of <YYYY-MM-DD>
    rules <SHA-256 of the adopted rule file>
    <member_number> TAB <branch id> TAB <1|0> TAB <reasons>     (one line per member,
                                                                 in member-number order)
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from rankfile.audit.actions import append_event
from rankfile.members.access import require_everywhere
from rankfile.standing.bulk import evaluate
from rankfile.standing.models import RuleSetVersion, Snapshot, SnapshotEntry
from rankfile.standing.rulesets import find_version, rules_of

BATCH = 5000


def _line(member_number: str, branch_id: int, good: bool, reasons: str) -> str:
    # Reasons never hold tabs or newlines (they are our own sentences); keep lines unambiguous.
    clean = reasons.replace("\t", " ").replace("\n", " ")
    return f"{member_number}\t{branch_id}\t{1 if good else 0}\t{clean}\n"


def snapshot_digest(
    as_of: datetime.date, rules_hash: str, lines: Iterable[tuple[str, int, bool, str]]
) -> str:
    """The SHA-256 of a snapshot's canonical text (see the module docstring)."""
    digest = hashlib.sha256(f"rankfile-snapshot 1\nas_of {as_of}\nrules {rules_hash}\n".encode())
    for line in lines:
        digest.update(_line(*line).encode("utf-8"))
    return digest.hexdigest()


def verify_snapshot(snapshot: Snapshot) -> bool:
    """Whether the stored entries still give the snapshot's recorded hash."""
    entries = snapshot.entries.order_by("member_number").values_list(
        "member_number", "branch_id", "in_good_standing", "reasons"
    )
    found = snapshot_digest(snapshot.as_of, snapshot.rule_version.content_hash, entries.iterator())
    return found == snapshot.content_hash


@transaction.atomic
def do_create_snapshot(
    actor: Any,
    as_of: datetime.date,
    label: str,
    *,
    version: RuleSetVersion | None = None,
) -> Snapshot:
    """Freeze the standing of every member on the roll on ``as_of`` (their status then is
    member) under the rules in force then (or ``version``); immutable once created, with the
    SHA-256 of its contents."""
    require_everywhere(actor, "standing.enforce")
    if not label.strip():
        raise ValidationError({"label": "Give the snapshot a label (e.g. the convention)."})
    version = version or find_version(as_of)
    rules = rules_of(version)
    # The roll is the members on that date: those who joined later or had left by then are
    # not in it (and do not swell the "of N members").
    rows = [r for r in evaluate(rules, as_of) if r.on_roll]
    digest = snapshot_digest(
        as_of,
        version.content_hash,
        ((r.member_number, r.branch_id, r.in_good_standing, r.reasons) for r in rows),
    )
    snapshot = Snapshot.objects.create(
        label=label.strip(),
        as_of=as_of,
        rule_version=version,
        created_by=actor,
        created_at=timezone.now(),
        content_hash=digest,
        members_counted=len(rows),
        in_good_standing=sum(1 for r in rows if r.in_good_standing),
    )
    SnapshotEntry.objects.bulk_create(
        (
            SnapshotEntry(
                snapshot=snapshot,
                member_id=r.member_id,
                member_number=r.member_number,
                branch_id=r.branch_id,
                in_good_standing=r.in_good_standing,
                reasons=r.reasons,
            )
            for r in rows
        ),
        batch_size=BATCH,
    )
    append_event(
        actor=actor,
        action="standing.snapshot",
        target=snapshot,
        payload={
            "label": snapshot.label,
            "as_of": as_of.isoformat(),
            "rules": f"{version.name} {version.version}",
            "rules_sha256": version.content_hash,
            "sha256": digest,
            "members": snapshot.members_counted,
            "in_good_standing": snapshot.in_good_standing,
        },
    )
    return snapshot


@transaction.atomic
def do_publish_snapshot(actor: Any, snapshot: Snapshot) -> Snapshot:
    """Publish a snapshot: every member sees the counts per branch; names stay with those
    who hold standing.view over the branch."""
    require_everywhere(actor, "standing.enforce")
    if snapshot.published_at is not None:
        raise ValidationError("This snapshot is already published.")
    snapshot.published_at = timezone.now()
    snapshot.save(update_fields=["published_at"])
    append_event(
        actor=actor,
        action="standing.snapshot_publish",
        target=snapshot,
        payload={"sha256": snapshot.content_hash},
    )
    return snapshot


def counts_by_branch(snapshot: Snapshot) -> list[dict[str, Any]]:
    """Members counted and in good standing, per branch (what every member may see)."""
    rows = (
        snapshot.entries.order_by()
        .values("branch_id", "branch__name")
        .annotate(members=Count("id"), good=Count("id", filter=Q(in_good_standing=True)))
        .order_by("branch__name")
    )
    return [
        {"branch_id": r["branch_id"], "branch": r["branch__name"], "members": r["members"],
         "good": r["good"]}
        for r in rows
    ]  # fmt: skip
