"""Every change to branches, members and offices goes through one of these actions.

Each runs in one transaction, checks the actor's permission (actor None is the
administrator at the command line, recorded as "system"), and appends its audit event.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from rankfile.audit.actions import append_event
from rankfile.core import lifecycle
from rankfile.members.access import (
    require,
    require_everywhere,
    require_grant,
    require_officer_on_another,
    require_over,
    require_self_or,
    viewer_for,
)
from rankfile.members.editing import check_unchanged
from rankfile.members.models import (
    Branch,
    Member,
    MemberDirectory,
    MemberEvent,
    Office,
    Organization,
    Role,
)

CONTACT_FIELDS = ("first_name", "last_name", "email", "phone", "address")
CONTACT_LABELS = {"first_name": "first name", "last_name": "last name"}


def _check_date(on: datetime.date, what: str = "date") -> None:
    if on > timezone.localdate():
        raise ValidationError({"on": f"The {what} cannot be in the future."})


@transaction.atomic
def do_configure_organization(actor: Any, *, name: str, **settings: Any) -> Organization:
    require_everywhere(actor, "office.manage")
    organization = Organization.objects.order_by("pk").first() or Organization()
    organization.name = name
    for key, value in settings.items():
        setattr(organization, key, value)
    organization.full_clean()
    organization.save()
    append_event(
        actor=actor,
        action="organization.configure",
        target=organization,
        payload={"name": name, **{k: v for k, v in settings.items()}},
    )
    return organization


@transaction.atomic
def do_set_member_directory(actor: Any, *, visibility: str, reason: str) -> Organization:
    """Decide what members who hold no office see of the roster (MemberDirectory): an
    organization-wide administrator's decision, with its reason on the record."""
    require_everywhere(actor, "office.manage")
    if visibility not in MemberDirectory.values:
        raise ValidationError({"visibility": f"Unknown choice {visibility!r}."})
    if not reason.strip():
        raise ValidationError({"reason": "Give the reason (the decision that made this choice)."})
    organization = Organization.objects.select_for_update().order_by("pk").first()
    if organization is None:
        organization = Organization.current()
    before = organization.member_directory if organization.pk else MemberDirectory.OFFICERS
    organization.member_directory = visibility
    organization.save()
    append_event(
        actor=actor,
        action="organization.member_directory",
        target=organization,
        reason=reason.strip(),
        payload={"from": before, "to": visibility},
    )
    return organization


@transaction.atomic
def do_create_branch(
    actor: Any,
    *,
    name: str,
    slug: str,
    parent: Branch | None = None,
    founded_on: datetime.date | None = None,
) -> Branch:
    """A new branch under ``parent`` (a top-level unit when None: organization-wide only)."""
    require_over(actor, "office.manage", parent)
    branch = Branch(name=name, slug=slug, parent=parent, founded_on=founded_on)
    branch.full_clean()
    branch.save()
    append_event(
        actor=actor,
        action="branch.create",
        target=branch,
        branch=branch,
        payload={"slug": slug, "parent": parent.slug if parent else None},
    )
    return branch


def next_member_number() -> str:
    """A generated member number: the organization's prefix and the next free integer."""
    prefix = Organization.current().member_number_prefix
    numbers = Member.objects.filter(member_number__startswith=prefix).values_list(
        "member_number", flat=True
    )
    highest = 0
    for number in numbers.iterator():
        tail = number[len(prefix) :]
        if tail.isdigit():
            highest = max(highest, int(tail))
    return f"{prefix}{highest + 1:06d}"


@transaction.atomic
def do_add_member(
    actor: Any,
    *,
    first_name: str,
    last_name: str,
    branch: Branch,
    joined_on: datetime.date,
    member_number: str = "",
    email: str = "",
    phone: str = "",
    address: str = "",
    status: str = lifecycle.MEMBER,
    reason: str = "",
) -> Member:
    """Add a member with an `admitted` (or `applied`) event on ``joined_on``."""
    require(actor, "member.manage", branch.pk)
    _check_date(joined_on, "joining date")
    member = Member(
        member_number=member_number or next_member_number(),
        first_name=first_name,
        last_name=last_name,
        email=email.strip().lower(),
        phone=phone,
        address=address,
        branch=branch,
        joined_on=joined_on,
    )
    kind = lifecycle.EVENT_FOR_STATUS[lifecycle.APPLICANT if status == "applicant" else "member"]
    member.status = lifecycle.next_status(None, kind)
    member.full_clean()
    member.save()
    MemberEvent.objects.create(
        member=member, kind=kind, on=joined_on, reason=reason, recorded_by=actor
    )
    if status not in (lifecycle.APPLICANT, lifecycle.MEMBER):
        _apply_event(actor, member, lifecycle.EVENT_FOR_STATUS[status], joined_on, reason)
    append_event(
        actor=actor,
        action="member.add",
        target=member,
        member=member,
        branch=branch,
        reason=reason,
        payload={"member_number": member.member_number, "status": member.status},
    )
    return member


def _apply_event(
    actor: Any,
    member: Member,
    kind: str,
    on: datetime.date,
    reason: str,
    *,
    statement: str = "",
    to_branch: Branch | None = None,
) -> MemberEvent:
    latest = member.events.aggregate(latest=Max("on"))["latest"]
    if latest is not None and on < latest:
        raise ValidationError(
            {"on": f"The member's last recorded event is on {latest}; record events in order."}
        )
    try:
        new_status = lifecycle.next_status(member.status, kind)
    except lifecycle.LifecycleError as error:
        raise ValidationError({"kind": str(error)}) from None
    event = MemberEvent(
        member=member, kind=kind, on=on, reason=reason, statement=statement, recorded_by=actor
    )
    if kind == lifecycle.TRANSFERRED:
        if to_branch is None or to_branch.pk == member.branch_id:
            raise ValidationError({"to_branch": "Choose the branch the member moves to."})
        event.from_branch = member.branch
        event.to_branch = to_branch
        member.branch = to_branch
    event.save()
    member.status = new_status
    member.save(update_fields=["status", "branch"])
    return event


@transaction.atomic
def do_record_member_event(
    actor: Any,
    member: Member,
    *,
    kind: str,
    on: datetime.date,
    reason: str,
    to_branch: Branch | None = None,
) -> MemberEvent:
    """Record a lifecycle event (lapsed, reinstated, transferred, expelled, ...) with its
    reason. A transfer needs the right to manage members in both branches. No one records
    these about their own membership (they resign with do_resign)."""
    require_officer_on_another(actor, member, "member.manage")
    if to_branch is not None:
        require(actor, "member.manage", to_branch.pk)
    if not reason.strip():
        raise ValidationError({"reason": "Give the reason for the record."})
    _check_date(on)
    member = Member.objects.select_for_update().get(pk=member.pk)
    from_branch = member.branch
    event = _apply_event(actor, member, kind, on, reason, to_branch=to_branch)
    payload: dict[str, Any] = {"kind": kind, "on": on.isoformat(), "status": member.status}
    if to_branch is not None:
        payload.update({"from_branch": from_branch.slug, "to_branch": to_branch.slug})
    append_event(
        actor=actor,
        action=f"member.{kind}",
        target=member,
        member=member,
        branch=from_branch,
        reason=reason,
        payload=payload,
    )
    return event


@transaction.atomic
def do_resign(user: Any, member: Member, *, statement: str = "") -> MemberEvent:
    """Self-service resignation, effective today, with an optional statement."""
    viewer = viewer_for(user)
    if not viewer.is_self(member):
        raise PermissionDenied("Only members themselves can resign here.")
    member = Member.objects.select_for_update().get(pk=member.pk)
    if member.status in lifecycle.FORMER_STATUSES:
        raise ValidationError({"kind": "You are no longer a member."})
    event = _apply_event(
        user,
        member,
        lifecycle.RESIGNED_EVENT,
        timezone.localdate(),
        "Resigned from their own page",
        statement=statement.strip(),
    )
    append_event(
        actor=user,
        action="member.resigned",
        target=member,
        member=member,
        branch=member.branch,
        reason="Self-service resignation",
        payload={"with_statement": bool(statement.strip())},
    )
    return event


@transaction.atomic
def do_update_member(
    actor: Any,
    member: Member,
    *,
    reason: str = "",
    seen: Mapping[str, str] | None = None,
    **changes: Any,
) -> Member:
    """Change a member's names or contact details (by an officer, or by themselves).
    ``seen``: the values the form was opened on; EditConflict when someone else has changed
    any of them since (members/editing.py)."""
    require_self_or(actor, member, "member.manage")
    unknown = set(changes) - set(CONTACT_FIELDS)
    if unknown:
        raise ValidationError(f"Cannot change {', '.join(sorted(unknown))} here.")
    member = Member.objects.select_for_update().get(pk=member.pk)
    if "email" in changes:
        changes["email"] = changes["email"].strip().lower()
    check_unchanged(
        f"the record of {member.first_name} {member.last_name}",
        seen,
        {name: getattr(member, name) for name in CONTACT_FIELDS},
        changes,
        CONTACT_LABELS,
    )
    changed = sorted(k for k, v in changes.items() if getattr(member, k) != v)
    if not changed:
        return member
    for key in changed:
        setattr(member, key, changes[key])
    member.full_clean()
    member.save(update_fields=changed)
    # Field names only: contact details are private and the log is seen by many.
    append_event(
        actor=actor,
        action="member.update",
        target=member,
        member=member,
        branch=member.branch,
        reason=reason,
        payload={"fields": changed},
    )
    return member


@transaction.atomic
def do_appoint(
    actor: Any,
    member: Member,
    *,
    role: str,
    branch: Branch | None,
    started_on: datetime.date,
    ended_on: datetime.date | None = None,
    reason: str = "",
) -> Office:
    """Give a member an office over a branch (with its sub-branches) or the whole
    organization (branch None). No one appoints beyond their own powers (see
    access.Viewer.can_grant)."""
    if role not in Role.values:
        raise ValidationError({"role": f"Unknown role {role!r}."})
    require_grant(actor, role, branch)
    office = Office(
        member=member, role=role, branch=branch, started_on=started_on, ended_on=ended_on
    )
    office.full_clean()
    office.save()
    append_event(
        actor=actor,
        action="office.appoint",
        target=office,
        member=member,
        branch=branch,
        reason=reason,
        payload=office.describe(),
    )
    return office


@transaction.atomic
def do_end_office(actor: Any, office: Office, *, ended_on: datetime.date, reason: str) -> Office:
    """End an office: only someone who could appoint to it (its role, over its scope)."""
    office = (
        Office.objects.select_for_update(of=("self",)).select_related("branch").get(pk=office.pk)
    )
    require_grant(actor, office.role, office.branch)
    office.ended_on = ended_on
    office.full_clean()
    office.save(update_fields=["ended_on"])
    append_event(
        actor=actor,
        action="office.end",
        target=office,
        member=office.member,
        branch=office.branch,
        reason=reason,
        payload=office.describe(),
    )
    return office
