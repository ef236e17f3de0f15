"""Conventions and their credentials: every write is one of these actions.

Each runs in one transaction, checks the actor's permission (actor None is the administrator
at the command line or the demo, recorded as "system") and appends its audit event.

Which branches send delegates: the *leaf* branches (branches with no sub-branch) that exist
on the convention's cut-off date — founded on or before it (or with no founding date) and not
dissolved by then. Regions and the national body send none; members in good standing
recorded in such a branch are listed on the table as not counted, never dropped silently.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from rankfile.audit.actions import append_event
from rankfile.conventions import formula as delegate_formula
from rankfile.conventions.models import (
    ApportionmentRow,
    ApportionmentTable,
    Convention,
    DelegateElection,
    ElectionStatus,
)
from rankfile.core.apportionment import ApportionmentError
from rankfile.members.access import require_everywhere
from rankfile.members.editing import check_unchanged
from rankfile.members.models import Branch
from rankfile.standing.models import Snapshot, SnapshotEntry

CONVENTION_FIELDS = (
    "name",
    "slug",
    "opens_on",
    "closes_on",
    "cutoff_on",
    "discussion_opens_on",
    "discussion_closes_on",
    "formula",
    "formula_source",
    "alternates_per",
    "alternates_rounding",
    "alternates_at_least",
)


def _check_convention(convention: Convention) -> None:
    errors: dict[str, str] = {}
    try:
        convention.formula = delegate_formula.check(convention.formula)
    except ApportionmentError as error:
        errors["formula"] = str(error)
    try:
        delegate_formula.alternates_rule(
            convention.alternates_per,
            convention.alternates_rounding,
            convention.alternates_at_least,
        )
    except ApportionmentError as error:
        errors["alternates_per"] = str(error)
    if convention.closes_on and convention.opens_on and convention.closes_on < convention.opens_on:
        errors["closes_on"] = "The convention cannot close before it opens."
    if convention.cutoff_on and convention.opens_on and convention.cutoff_on > convention.opens_on:
        errors["cutoff_on"] = "The credentials cut-off must be on or before the opening day."
    opens, closes = convention.discussion_opens_on, convention.discussion_closes_on
    if (opens is None) != (closes is None):
        errors["discussion_closes_on"] = "Give both dates of the discussion period, or neither."
    elif opens and closes and closes < opens:
        errors["discussion_closes_on"] = "The discussion period cannot end before it starts."
    if errors:
        raise ValidationError(errors)
    convention.full_clean()


def describe_convention(convention: Convention) -> dict[str, Any]:
    """The convention's fields as recorded in its audit events (and as an edit form saw them)."""
    return {
        field: (value.isoformat() if isinstance(value, datetime.date) else value)
        for field in CONVENTION_FIELDS
        for value in [getattr(convention, field)]
    }


@transaction.atomic
def do_create_convention(actor: Any, **fields: Any) -> Convention:
    require_everywhere(actor, "convention.manage")
    convention = Convention(created_by=actor, created_at=timezone.now(), **fields)
    _check_convention(convention)
    convention.save()
    append_event(
        actor=actor,
        action="convention.create",
        target=convention,
        payload=describe_convention(convention),
    )
    return convention


@transaction.atomic
def do_update_convention(
    actor: Any, convention: Convention, *, seen: Mapping[str, str] | None = None, **fields: Any
) -> Convention:
    """Change a convention's dates or rules. A changed formula applies to the next
    computation; the published table stays until a new one is published with a reason.
    ``seen``: the values the form was opened on (EditConflict when changed since)."""
    require_everywhere(actor, "convention.manage")
    convention = Convention.objects.select_for_update().get(pk=convention.pk)
    before = describe_convention(convention)
    check_unchanged(f"the convention “{convention.name}”", seen, before, fields)
    for field, value in fields.items():
        setattr(convention, field, value)
    _check_convention(convention)
    convention.save()
    after = describe_convention(convention)
    changed = {
        key: {"from": before[key], "to": after[key]} for key in after if before[key] != after[key]
    }
    append_event(
        actor=actor, action="convention.update", target=convention, payload={"changed": changed}
    )
    return convention


def delegate_branches(on: datetime.date) -> list[Branch]:
    """The branches that send delegates: leaf branches existing on the cut-off date."""
    existing = list(
        Branch.objects.filter(Q(founded_on__isnull=True) | Q(founded_on__lte=on))
        .filter(Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=on))
        .order_by("name")
    )
    parents = {branch.parent_id for branch in existing if branch.parent_id is not None}
    return [branch for branch in existing if branch.pk not in parents]


def count_in_good_standing(snapshot: Snapshot) -> dict[int, int]:
    """Members in good standing per branch in the snapshot: {branch id: count}, one query."""
    rows = (
        SnapshotEntry.objects.filter(snapshot=snapshot, in_good_standing=True)
        .order_by()
        .values("branch_id")
        .annotate(members=Count("pk"))
        .values_list("branch_id", "members")
    )
    return dict(rows)


def latest_table(convention: Convention, *, published: bool = False) -> ApportionmentTable | None:
    tables = ApportionmentTable.objects.filter(convention=convention)
    if published:
        tables = tables.filter(published_at__isnull=False)
    return tables.order_by("-number").first()


@transaction.atomic
def do_compute_apportionment(
    actor: Any,
    convention: Convention,
    snapshot: Snapshot,
    *,
    reason: str = "",
    cutoff_note: str = "",
) -> ApportionmentTable:
    """Count members in good standing per delegate branch in `snapshot`, apportion by the
    convention's formula and keep the result as a new, unpublished table.

    The snapshot must be as of the cut-off date, or `cutoff_note` must say why not; once a
    table is published, a new computation must give its `reason`.
    """
    require_everywhere(actor, "convention.manage")
    convention = Convention.objects.select_for_update().get(pk=convention.pk)
    reason, cutoff_note = reason.strip(), cutoff_note.strip()
    if snapshot.as_of != convention.cutoff_on and not cutoff_note:
        raise ValidationError(
            {
                "cutoff_note": (
                    f"The snapshot is as of {snapshot.as_of}, not the cut-off "
                    f"{convention.cutoff_on}: say why it is used."
                )
            }
        )
    if latest_table(convention, published=True) is not None and not reason:
        raise ValidationError(
            {"reason": "The apportionment is already published: give the reason for the change."}
        )
    branches = delegate_branches(convention.cutoff_on)
    if not branches:
        raise ValidationError(f"No branch existed on the cut-off date {convention.cutoff_on}.")
    counts = count_in_good_standing(snapshot)
    units = [(branch.name, counts.get(branch.pk, 0)) for branch in branches]
    delegate_ids = {branch.pk for branch in branches}
    others = {pk: n for pk, n in counts.items() if pk not in delegate_ids}
    uncounted = dict(
        sorted(
            (name, others[pk])
            for pk, name in Branch.objects.filter(pk__in=others).values_list("pk", "name")
        )
    )
    try:
        result = delegate_formula.apply(convention.formula, units)
        alternates_rule = delegate_formula.alternates_rule(
            convention.alternates_per,
            convention.alternates_rounding,
            convention.alternates_at_least,
        )
    except ApportionmentError as error:
        raise ValidationError({"formula": str(error)}) from None
    previous = latest_table(convention)
    table = ApportionmentTable.objects.create(
        convention=convention,
        number=(previous.number + 1) if previous else 1,
        snapshot=snapshot,
        formula=convention.formula,
        alternates_rule=alternates_rule,
        result=result.to_dict(),
        uncounted=uncounted,
        cutoff_note=cutoff_note,
        reason=reason,
        computed_by=actor,
        computed_at=timezone.now(),
    )
    ApportionmentRow.objects.bulk_create(
        ApportionmentRow(
            table=table,
            position=position,
            branch=branch,
            members_in_good_standing=unit["count"],
            quota=unit["quota"] or "",
            quota_decimal=unit["quota_decimal"] or "",
            delegates=unit["seats"],
            alternates=delegate_formula.alternates_for(alternates_rule, unit["seats"]),
        )
        for position, (branch, unit) in enumerate(zip(branches, table.result["units"], strict=True))
    )
    append_event(
        actor=actor,
        action="convention.apportion",
        target=table,
        reason=reason or cutoff_note,
        payload={
            "convention": convention.slug,
            "number": table.number,
            "snapshot": snapshot.pk,
            "snapshot_as_of": snapshot.as_of.isoformat(),
            "snapshot_hash": snapshot.content_hash,
            "formula": table.formula,
            "delegates": result.seats_by_name(),
        },
    )
    return table


def changes_between(
    previous: ApportionmentTable | None, current: ApportionmentTable
) -> list[dict[str, Any]]:
    """Per branch, what differs between two tables (members counted, delegates, alternates)."""
    if previous is None:
        return []

    def rows(table: ApportionmentTable) -> dict[str, ApportionmentRow]:
        return {row.branch.name: row for row in table.rows.select_related("branch")}

    before, after = rows(previous), rows(current)
    changes = []
    for name in sorted(before.keys() | after.keys()):
        old, new = before.get(name), after.get(name)
        figures = {
            "branch": name,
            "members_before": old.members_in_good_standing if old else None,
            "members_after": new.members_in_good_standing if new else None,
            "delegates_before": old.delegates if old else 0,
            "delegates_after": new.delegates if new else 0,
            "alternates_before": old.alternates if old else 0,
            "alternates_after": new.alternates if new else 0,
        }
        if (
            figures["members_before"] != figures["members_after"]
            or figures["delegates_before"] != figures["delegates_after"]
            or figures["alternates_before"] != figures["alternates_after"]
        ):
            changes.append(figures)
    return changes


def _open_elections(table: ApportionmentTable) -> list[DelegateElection]:
    """Give every branch in a newly published table its election, with the table's seats.

    An election whose result is already recorded and whose seats change goes to review: the
    result must be recorded again for the new number of seats.
    """
    existing = {
        election.branch_id: election
        for election in DelegateElection.objects.select_for_update().filter(
            convention=table.convention
        )
    }
    seats = {row.branch_id: (row.delegates, row.alternates) for row in table.rows.all()}
    elections = []
    for branch_id in seats.keys() | existing.keys():
        delegates, alternates = seats.get(branch_id, (0, 0))
        election = existing.get(branch_id)
        if election is None:
            election = DelegateElection(convention=table.convention, branch_id=branch_id)
            election.status = ElectionStatus.OPEN if delegates else ElectionStatus.NO_SEATS
        else:
            changed = (election.delegates, election.alternates) != (delegates, alternates)
            decided = election.results.filter(current=True).exists()
            if decided and changed:
                election.status = ElectionStatus.REVIEW
            elif not decided:
                election.status = ElectionStatus.OPEN if delegates else ElectionStatus.NO_SEATS
        election.table = table
        election.delegates, election.alternates = delegates, alternates
        election.save()
        elections.append(election)
    return elections


def table_totals(rows: Iterable[ApportionmentRow]) -> dict[str, int]:
    """An apportionment table's totals over its branches: members in good standing,
    delegates and alternates."""
    totals = {"members": 0, "delegates": 0, "alternates": 0}
    for row in rows:
        totals["members"] += row.members_in_good_standing
        totals["delegates"] += row.delegates
        totals["alternates"] += row.alternates
    return totals


@transaction.atomic
def do_publish_apportionment(
    actor: Any, table: ApportionmentTable, *, reason: str = ""
) -> ApportionmentTable:
    """Publish a table to every member and open (or update) each branch's delegate election.

    Replacing a published table needs a reason (given when it was computed, or here); the
    audit event records what changed for each branch.
    """
    require_everywhere(actor, "convention.manage")
    table = ApportionmentTable.objects.select_for_update().get(pk=table.pk)
    if table.is_published:
        raise ValidationError("This apportionment is already published.")
    previous = latest_table(table.convention, published=True)
    if previous is not None and previous.number > table.number:
        raise ValidationError(
            f"A later apportionment (no. {previous.number}) is already published."
        )
    reason = reason.strip() or table.reason
    if previous is not None and not reason:
        raise ValidationError(
            {"reason": "An apportionment is already published: give the reason for the change."}
        )
    table.reason = reason
    table.published_at = timezone.now()
    table.published_by = actor
    table.save(update_fields=["reason", "published_at", "published_by"])
    _open_elections(table)
    append_event(
        actor=actor,
        action="convention.publish",
        target=table,
        reason=reason,
        payload={
            "convention": table.convention.slug,
            "number": table.number,
            "replaces": previous.number if previous else None,
            "changes": changes_between(previous, table),
        },
    )
    return table
