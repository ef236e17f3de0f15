"""Deciding a hardship waiver: granted or refused with a reason, capped by the waiver policy
of the rules in force (`waivers.max_months`). It lives with the rules it applies; the request
is in `rankfile.dues.waivers`.

The reasons are private to the member and the treasurer's office: never in the audit log.
"""

from __future__ import annotations

import dataclasses
import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from rankfile.audit.actions import append_event
from rankfile.core.cutoffs import waiver_counts_until
from rankfile.core.rules import RuleSet
from rankfile.dues.models import Waiver, WaiverStatus
from rankfile.members.access import require, viewer_for
from rankfile.standing.rulesets import NoRulesInForce, rules_of, version_in_force


def _latest_end(
    starts_on: datetime.date, max_months: int | None
) -> tuple[int, datetime.date] | None:
    """(months, the last day) a waiver starting on ``starts_on`` may run: the last day it can
    count under ``waivers.max_months`` of the rules in force when it starts (or ``max_months``),
    reckoned by the same month arithmetic as the standing rules. None: no limit."""
    try:
        rules: RuleSet | None = rules_of(version_in_force(starts_on))
    except NoRulesInForce:
        rules = None
    if max_months is not None:
        rules = dataclasses.replace(rules or RuleSet(name="cap"), waiver_max_months=max_months)
    if rules is None or rules.waiver_max_months is None:
        return None
    last = waiver_counts_until(rules, starts_on)
    return (rules.waiver_max_months, last) if last is not None else None


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
        cap = _latest_end(waiver.starts_on, max_months)
        if cap is not None and ends_on > cap[1]:
            raise ValidationError(
                {"ends_on": f"A waiver may last at most {cap[0]} months: end it by {cap[1]}."}
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
