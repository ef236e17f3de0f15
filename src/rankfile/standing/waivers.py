"""Deciding a hardship waiver: granted or refused with a reason, capped by the waiver policy
of the rules in force (`waivers.max_months`). It lives with the rules it applies; the request
is in `rankfile.dues.waivers`.

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
from rankfile.members.access import require, viewer_for
from rankfile.standing.rulesets import NoRulesInForce, rules_of, version_in_force


def _waiver_cap(on: datetime.date) -> int | None:
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
