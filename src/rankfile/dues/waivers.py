"""Hardship waivers: asked for by the member (or entered by the treasurer's office), granted
or refused with a reason, capped by the rules in force.

The reasons are private to the member and the treasurer's office: never in the audit log.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from rankfile.audit.actions import append_event
from rankfile.dues.models import Waiver, WaiverStatus
from rankfile.dues.periods import add_months
from rankfile.members.access import require, require_self_or, viewer_for
from rankfile.members.models import Member


@transaction.atomic
def do_request_waiver(
    actor: Any,
    member: Member,
    *,
    starts_on: datetime.date,
    ends_on: datetime.date,
    reason: str,
) -> Waiver:
    """A hardship waiver request, by the member themselves or entered by the treasurer."""
    require_self_or(actor, member, "dues.record")
    if not reason.strip():
        raise ValidationError({"reason": "Say briefly why you ask for a waiver."})
    if ends_on < starts_on:
        raise ValidationError(
            {"ends_on": f"The waiver ends ({ends_on}) before it starts ({starts_on})."}
        )
    member = Member.objects.select_for_update().select_related("branch").get(pk=member.pk)
    clash = (
        Waiver.objects.filter(member=member, starts_on__lte=ends_on, ends_on__gte=starts_on)
        .exclude(status=WaiverStatus.REFUSED)
        .first()
    )
    if clash is not None:
        raise ValidationError(
            {
                "starts_on": f"There is already a waiver {clash.get_status_display().lower()} "
                f"for {clash.starts_on} to {clash.ends_on}."
            }
        )
    waiver = Waiver.objects.create(
        member=member,
        starts_on=starts_on,
        ends_on=ends_on,
        reason=reason.strip(),
        requested_by=actor,
    )
    append_event(
        actor=actor,
        action="dues.waiver.request",
        target=waiver,
        member=member,
        branch=member.branch,
        payload={
            "starts_on": starts_on.isoformat(),
            "ends_on": ends_on.isoformat(),
            "self_service": actor is not None and viewer_for(actor).is_self(member),
        },
    )
    return waiver


def _waiver_cap(on: datetime.date) -> int | None:
    # Imported here: the standing app reads the dues tables, so dues may not import it at
    # module level.
    from rankfile.standing.rulesets import NoRulesInForce, rules_of, version_in_force

    try:
        return rules_of(version_in_force(on)).waiver_max_months
    except NoRulesInForce:
        return None


@transaction.atomic
def do_decide_waiver(
    actor: Any,
    waiver: Waiver,
    *,
    grant: bool,
    decision_reason: str,
    ends_on: datetime.date | None = None,
    max_months: int | None = None,
) -> Waiver:
    """Grant or refuse a requested waiver, with a reason. A grant may shorten the waiver
    (``ends_on``); it may not run longer than ``max_months``, which defaults to the
    `waivers.max_months` of the rules in force when the waiver starts."""
    member = waiver.member
    require(actor, "dues.record", member.branch_id)
    if actor is not None and viewer_for(actor).is_self(member):
        raise PermissionDenied("Another officer must decide your own waiver.")
    if not decision_reason.strip():
        raise ValidationError({"decision_reason": "Record the reason for the decision."})
    waiver = Waiver.objects.select_for_update().get(pk=waiver.pk)
    if waiver.status != WaiverStatus.REQUESTED:
        raise ValidationError({"status": f"This waiver was already {waiver.status}."})
    if grant:
        ends_on = ends_on or waiver.ends_on
        if ends_on < waiver.starts_on:
            raise ValidationError(
                {"ends_on": f"The waiver ends ({ends_on}) before it starts ({waiver.starts_on})."}
            )
        if max_months is None:
            max_months = _waiver_cap(waiver.starts_on)
        if max_months is not None:
            latest = add_months(waiver.starts_on, max_months) - datetime.timedelta(days=1)
            if ends_on > latest:
                raise ValidationError(
                    {
                        "ends_on": f"A waiver may last at most {max_months} months: end it by {latest}."
                    }
                )
        waiver.ends_on = ends_on
    waiver.status = WaiverStatus.GRANTED if grant else WaiverStatus.REFUSED
    waiver.decided_by = actor
    waiver.decided_at = timezone.now()
    waiver.decision_reason = decision_reason.strip()
    waiver.save(update_fields=["status", "ends_on", "decided_by", "decided_at", "decision_reason"])
    # Dates and outcome only: the reasons are private to the member and the treasurer.
    append_event(
        actor=actor,
        action=f"dues.waiver.{'grant' if grant else 'refuse'}",
        target=waiver,
        member=member,
        branch=member.branch,
        payload={
            "starts_on": waiver.starts_on.isoformat(),
            "ends_on": waiver.ends_on.isoformat(),
            "status": waiver.status,
        },
    )
    return waiver
