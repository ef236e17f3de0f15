"""Hardship waivers: asked for by the member (or entered by the treasurer's office), granted
or refused with a reason, capped by the rules in force.

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
from rankfile.members.models import Member


def can_see_waiver_reasons(user: Any, member: Member) -> bool:
    """The member themselves and the treasurer's office (those who record dues)."""
    viewer = viewer_for(user)
    return viewer.is_self(member) or viewer.can("dues.record", member.branch_id)


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
    if actor is not None and not viewer_for(actor).is_self(member):
        require(actor, "dues.record", member.branch_id)
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
    waiting = Waiver.objects.filter(member=member, status=WaiverStatus.REQUESTED).first()
    if waiting is not None and actor is not None and viewer_for(actor).is_self(member):
        raise ValidationError(
            {
                "starts_on": f"Your request for {waiting.starts_on} to {waiting.ends_on} is "
                "awaiting the treasurer's decision: one request at a time."
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


def _rules_when_starting(on: datetime.date) -> RuleSet | None:
    # Imported here: the standing app reads the dues tables, so dues may not import it at
    # module level.
    from rankfile.standing.rulesets import NoRulesInForce, rules_of, version_in_force

    try:
        return rules_of(version_in_force(on))
    except NoRulesInForce:
        return None


def _latest_end(
    starts_on: datetime.date, max_months: int | None
) -> tuple[int, datetime.date] | None:
    """(months, the last day) a waiver starting on ``starts_on`` may run: the last day it can
    count under ``waivers.max_months`` of the rules in force when it starts (or ``max_months``),
    reckoned by the same month arithmetic as the standing rules. None: no limit."""
    rules = _rules_when_starting(starts_on)
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
