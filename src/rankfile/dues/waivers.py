"""Hardship waivers: asked for by the member (or entered by the treasurer's office). They are
granted or refused by `rankfile.standing.waivers.do_decide_waiver`, which applies the cap of
the rules in force (the standing app reads the dues tables, so the dues app may not read the
rules).

The reasons are private to the member and the treasurer's office: never in the audit log.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from rankfile.audit.actions import append_event
from rankfile.dues.models import Waiver, WaiverStatus
from rankfile.members.access import require_self_or, viewer_for
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
