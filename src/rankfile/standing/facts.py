"""A member's dated facts read from the database, and their determination on a date.

Reversed payments and the reversals themselves are left out (docs/rules.md allows it: a
reversal cancels its payment whatever its date). Attendance is None until meetings record it.
"""

from __future__ import annotations

import dataclasses
import datetime

from rankfile.core import standing as core
from rankfile.core.rules import RuleSet
from rankfile.dues.models import (
    CheckoffAuthorization,
    MemberPlan,
    Payment,
    PlanKind,
    Waiver,
    WaiverStatus,
)
from rankfile.members.models import Member, MemberEvent
from rankfile.standing.bulk import NEVER, in_words
from rankfile.standing.models import EnforcementAction, EnforcementKind, RuleSetVersion
from rankfile.standing.rulesets import find_version, rules_of


def joined_on(member: Member, admitted_on: datetime.date | None) -> datetime.date:
    """The join date: the member's own, else their first admission, else never."""
    return member.joined_on or admitted_on or NEVER


def attendance_for(member: Member) -> tuple[core.Attendance, ...] | None:
    """The hook for meeting attendance: None (not recorded) until the meetings app records it."""
    return None


def overrides_of(member: Member) -> tuple[core.Override, ...]:
    """The member's overrides in the order granted; one lifted before it began never applied."""
    found = []
    for action in EnforcementAction.objects.filter(
        member=member, kind=EnforcementKind.OVERRIDE, starts_on__isnull=False
    ).order_by("on", "pk"):
        until = action.effective_until
        if action.starts_on is None or (until is not None and until < action.starts_on):
            continue
        found.append(
            core.Override(action.starts_on, until, bool(action.in_good_standing), action.reason)
        )
    return tuple(found)


def member_facts(member: Member) -> core.MemberFacts:
    """Everything standing depends on for one member (six small indexed queries)."""
    events = list(
        MemberEvent.objects.filter(member=member).order_by("on", "pk").values_list("on", "kind")
    )
    admitted = min((on for on, kind in events if kind == "admitted"), default=None)
    rows = list(
        Payment.objects.filter(member=member)
        .order_by()
        .values_list("pk", "reverses_id", "covers_from", "covers_through", "received_on")
    )
    # Reversals and the payments they reverse are left out (the Django side's choice in the
    # docs/rules.md contract); filtered here so the query stays on the member's index.
    reversed_ids = {reverses for _, reverses, *_ in rows if reverses is not None}
    payments = tuple(
        core.Payment(covers_from, covers_through, paid_on=received_on)
        for pk, reverses, covers_from, covers_through, received_on in rows
        if reverses is None and pk not in reversed_ids
    )
    checkoffs = tuple(
        core.Checkoff(started, ended)
        for started, ended in CheckoffAuthorization.objects.filter(member=member)
        .order_by()
        .values_list("started_on", "ended_on")
    )
    waivers = tuple(
        core.Waiver(
            starts,
            ends,
            granted=status == WaiverStatus.GRANTED,
            pending=status == WaiverStatus.REQUESTED,
        )
        for starts, ends, status in Waiver.objects.filter(member=member)
        .order_by()
        .values_list("starts_on", "ends_on", "status")
    )
    lifetime_since = (
        MemberPlan.objects.filter(member=member, plan__kind=PlanKind.LIFETIME)
        .order_by("starts_on")
        .values_list("starts_on", flat=True)
        .first()
    )
    return core.MemberFacts(
        joined_on=joined_on(member, admitted),
        status_events=tuple(events),
        status=member.status,
        payments=payments,
        checkoffs=checkoffs,
        waivers=waivers,
        lifetime_since=lifetime_since,
        attendance=attendance_for(member),
        overrides=overrides_of(member),
    )


def determine_member(
    member: Member,
    as_of: datetime.date,
    *,
    version: RuleSetVersion | None = None,
    rules: RuleSet | None = None,
) -> core.Determination:
    """The member's standing on ``as_of`` under the rules in force then (or those given)."""
    if rules is None:
        rules = rules_of(version or find_version(as_of))
    result = core.determine(member_facts(member), rules, as_of)
    if result.criteria and result.criteria[0].sentence != in_words(result.criteria[0].sentence):
        criteria = (
            dataclasses.replace(result.criteria[0], sentence=in_words(result.criteria[0].sentence)),
            *result.criteria[1:],
        )
        result = dataclasses.replace(
            result, criteria=criteria, explanation=in_words(result.explanation)
        )
    return result
