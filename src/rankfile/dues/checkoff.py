"""Dues checkoff: standing authorizations to deduct dues (payroll, bank or card).

Actions as in dues/actions.py: one transaction, the actor's permission, errors that name the
field, and an audit event.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from rankfile.audit.actions import append_event
from rankfile.dues.models import CheckoffAuthorization, CheckoffKind
from rankfile.members.access import require, require_officer_on_another
from rankfile.members.models import Member


@transaction.atomic
def do_authorize_checkoff(
    actor: Any,
    member: Member,
    *,
    kind: str,
    started_on: datetime.date,
    employer_name: str = "",
    employee_id: str = "",
    reference: str = "",
) -> CheckoffAuthorization:
    """Record a standing authorization to deduct dues (payroll, bank or card), running from
    ``started_on`` until it is ended."""
    require_officer_on_another(actor, member, "dues.record")
    if kind not in CheckoffKind.values:
        raise ValidationError({"kind": f"Unknown kind of checkoff {kind!r}."})
    employer_name, employee_id = employer_name.strip(), employee_id.strip()
    if kind == CheckoffKind.PAYROLL:
        if not employer_name:
            raise ValidationError({"employer_name": "Name the employer that deducts the dues."})
        if not employee_id:
            raise ValidationError({"employee_id": "Give the member's employee id at the employer."})
    member = Member.objects.select_for_update().select_related("branch").get(pk=member.pk)
    running = CheckoffAuthorization.objects.filter(member=member).exclude(ended_on__lt=started_on)
    if running.exists():
        raise ValidationError(
            {
                "started_on": "The member already has a checkoff authorization running then; end it first."
            }
        )
    if (
        employee_id
        and CheckoffAuthorization.objects.filter(
            employer_name=employer_name, employee_id=employee_id
        )
        .exclude(member=member)
        .exclude(ended_on__lt=started_on)
        .exists()
    ):
        raise ValidationError(
            {"employee_id": f"Another member has employee id {employee_id} at {employer_name}."}
        )
    authorization = CheckoffAuthorization(
        member=member,
        kind=kind,
        employer_name=employer_name,
        employee_id=employee_id,
        reference=reference.strip(),
        started_on=started_on,
        recorded_by=actor,
    )
    authorization.full_clean()
    authorization.save()
    append_event(
        actor=actor,
        action="dues.checkoff.authorize",
        target=authorization,
        member=member,
        branch=member.branch,
        payload={"kind": kind, "started_on": started_on.isoformat(), "employer": employer_name},
    )
    return authorization


@transaction.atomic
def do_end_checkoff(
    actor: Any, authorization: CheckoffAuthorization, *, ended_on: datetime.date, reason: str = ""
) -> CheckoffAuthorization:
    require(actor, "dues.record", authorization.member.branch_id)
    authorization = CheckoffAuthorization.objects.select_for_update().get(pk=authorization.pk)
    if authorization.ended_on is not None:
        raise ValidationError(
            {"ended_on": f"This authorization already ended on {authorization.ended_on}."}
        )
    if ended_on < authorization.started_on:
        raise ValidationError(
            {
                "ended_on": f"The authorization started on {authorization.started_on}; it cannot end before."
            }
        )
    authorization.ended_on = ended_on
    authorization.end_reason = reason.strip()
    authorization.save(update_fields=["ended_on", "end_reason"])
    member = authorization.member
    append_event(
        actor=actor,
        action="dues.checkoff.end",
        target=authorization,
        member=member,
        branch=member.branch,
        reason=reason.strip(),
        payload={"kind": authorization.kind, "ended_on": ended_on.isoformat()},
    )
    return authorization
