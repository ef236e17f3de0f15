"""Enforcement actions on the record, and the equal-treatment report over them.

An officer's action touching one member's standing (an inquiry, a manual override, a
suspension, a removal from a voter roll) is recorded with actor, member, rule cited and reason.
Only an override changes the computed standing, for its stated period (granted by an appeal
decision, or by an officer where the rules' ``appeals.officer_may_override`` allows); the
published rules decide everything else for everyone alike.
The report compares, for one kind of action in a period, those acted on with everyone the
rules matched, grouped by branch and by any further dimension in GROUPINGS (a faction, once
factions exist, is one more entry there).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from rankfile.audit.actions import actor_label, append_event
from rankfile.core.fairness import (
    FairnessReport,
    GroupFinding,
    equal_treatment_report,
    format_p,
)
from rankfile.members.access import can_see_enforcement, require_officer_on_another
from rankfile.members.actors import name_actors
from rankfile.members.models import Branch, Member
from rankfile.standing.bulk import MemberStanding, evaluate
from rankfile.standing.models import EnforcementAction, EnforcementKind
from rankfile.standing.rulesets import NoRulesInForce, find_version, rules_of

VERBS = {
    EnforcementKind.INQUIRY: "asked",
    EnforcementKind.OVERRIDE: "overridden",
    EnforcementKind.SUSPENSION: "suspended",
    EnforcementKind.ROLL_REMOVAL: "removed from a roll",
}


@transaction.atomic
def do_record_enforcement(
    actor: Any,
    member: Member,
    *,
    kind: str,
    rule_cited: str,
    reason: str,
    on: datetime.date | None = None,
    starts_on: datetime.date | None = None,
    ends_on: datetime.date | None = None,
    in_good_standing: bool | None = None,
) -> EnforcementAction:
    """Put an officer's action about one member's standing on the record. An override
    (``starts_on``..``ends_on``, ``in_good_standing``) needs rules that let officers override
    without an appeal (``appeals.officer_may_override``)."""
    require_officer_on_another(actor, member, "standing.enforce")
    if kind == EnforcementKind.OVERRIDE:
        day = on or timezone.localdate()
        try:
            allowed = rules_of(find_version(day)).officer_may_override
        except NoRulesInForce:
            allowed = False
        if not allowed:
            raise ValidationError(
                {
                    "kind": "The rules in force do not let an officer override standing "
                    "without an appeal (appeals.officer_may_override); the appeals body can."
                }
            )
    return do_record_decided_action(
        actor, member, kind=kind, rule_cited=rule_cited, reason=reason, on=on,
        starts_on=starts_on, ends_on=ends_on, in_good_standing=in_good_standing,
    )  # fmt: skip


def do_record_decided_action(
    actor: Any,
    member: Member,
    *,
    kind: str,
    rule_cited: str,
    reason: str,
    on: datetime.date | None = None,
    starts_on: datetime.date | None = None,
    ends_on: datetime.date | None = None,
    in_good_standing: bool | None = None,
    audit_action: str | None = None,
) -> EnforcementAction:
    """Validate and record an enforcement action with its audit event; the caller has checked
    who may (an officer's do_record_enforcement, or an appeal decision)."""
    errors = {}
    if kind not in EnforcementKind.values:
        errors["kind"] = f"{kind!r} is not a kind of enforcement action."
    if not rule_cited.strip():
        errors["rule_cited"] = "Cite the rule this action relies on."
    if not reason.strip():
        errors["reason"] = "Give the reason for this action."
    on = on or timezone.localdate()
    if on > timezone.localdate():
        errors["on"] = "The date cannot be in the future."
    if kind == EnforcementKind.OVERRIDE:
        if starts_on is None:
            errors["starts_on"] = "An override needs the first day it applies."
        elif ends_on is not None and ends_on < starts_on:
            errors["ends_on"] = f"The last day ({ends_on}) is before the first ({starts_on})."
        if in_good_standing is None:
            errors["in_good_standing"] = "Say whether the override is into or out of good standing."
    else:
        starts_on = ends_on = in_good_standing = None
    if errors:
        raise ValidationError(errors)
    try:
        version = find_version(on)
    except NoRulesInForce:
        version = None
    action = EnforcementAction.objects.create(
        kind=kind,
        member=member,
        branch_id=member.branch_id,
        actor=actor,
        actor_label=actor_label(actor),
        rule_version=version,
        rule_cited=rule_cited.strip(),
        reason=reason.strip(),
        on=on,
        recorded_at=timezone.now(),
        starts_on=starts_on,
        ends_on=ends_on,
        in_good_standing=in_good_standing,
    )
    payload: dict[str, Any] = {"kind": kind, "rule_cited": action.rule_cited, "on": on.isoformat()}
    if kind == EnforcementKind.OVERRIDE:
        payload.update(
            starts_on=str(starts_on),
            ends_on=None if ends_on is None else str(ends_on),
            in_good_standing=in_good_standing,
        )
    append_event(
        actor=actor,
        action=audit_action or f"standing.enforcement.{kind}",
        target=action,
        member=member,
        branch=member.branch,
        reason=reason.strip(),
        payload=payload,
    )
    return action


def do_lift_action(
    actor: Any, action: EnforcementAction, *, lifted_on: datetime.date, reason: str
) -> EnforcementAction:
    """Lift an enforcement action from ``lifted_on`` (an override stops deciding standing that
    day), audited; the caller has checked who may (an appeal decision overturning it)."""
    if not reason.strip():
        raise ValidationError({"reason": "Give the reason for lifting it."})
    if action.lifted_on is not None:
        raise ValidationError(
            {"lifted_on": f"This action was already lifted on {action.lifted_on}."}
        )
    action.lifted_on = lifted_on
    action.lifted_reason = reason.strip()
    action.save(update_fields=["lifted_on", "lifted_reason"])
    append_event(
        actor=actor,
        action="standing.enforcement.lifted",
        target=action,
        member=action.member,
        branch=action.member.branch,
        reason=reason.strip(),
        payload={"kind": action.kind, "lifted_on": lifted_on.isoformat()},
    )
    return action


def visible_enforcement(user: Any, member: Member) -> list[EnforcementAction]:
    """The actions about ``member`` if the user is that member or sits on the appeals body;
    PermissionDenied otherwise."""
    if not can_see_enforcement(user, member):
        raise PermissionDenied("Only the member concerned and the appeals body see these.")
    return name_actors(
        EnforcementAction.objects.filter(member=member).select_related("branch"),
        on=lambda action: action.on,
    )


# dimension -> labels per member, from that member's row on the report's date.
Grouping = Callable[[Iterable[MemberStanding]], dict[int, str]]


def _by_branch(rows: Iterable[MemberStanding]) -> dict[int, str]:
    names = dict(Branch.objects.values_list("pk", "name"))
    return {r.member_id: names.get(r.branch_id, "?") for r in rows}


GROUPINGS: dict[str, Grouping] = {"branch": _by_branch}


@dataclass(frozen=True)
class KindReport:
    kind: str
    label: str
    report: FairnessReport
    actions: list[EnforcementAction]

    @property
    def rows(self) -> list[tuple[GroupFinding, str]]:
        """Each group's finding with its p-value in words, for the page."""
        return [(f, format_p(f.p_value)) for f in self.report.findings]


def _matched_when_acted(actions: Iterable[EnforcementAction]) -> set[int]:
    """The members acted on whom the rules matched on the action's date, judged on the facts as
    they were recorded by the end of that day (a payment recorded later, or received later,
    does not make an inquiry made while the member was in arrears look unfounded)."""
    by_day: dict[datetime.date, set[int]] = {}
    for action in actions:
        by_day.setdefault(action.on, set()).add(action.member_id)
    matched: set[int] = set()
    zone = timezone.get_current_timezone()
    for day, member_ids in by_day.items():
        try:
            rules = rules_of(find_version(day))
        except NoRulesInForce:
            continue
        end_of_day = datetime.datetime.combine(
            day + datetime.timedelta(days=1), datetime.time(), zone
        )
        rows = evaluate(
            rules, day, member_ids=member_ids, recorded_by=end_of_day, apply_overrides=False
        )
        for row in rows:
            if row.is_member and not row.in_good_standing:
                matched.add(row.member_id)
    return matched


def equal_treatment(start: datetime.date, end: datetime.date) -> list[KindReport]:
    """For each kind of action taken from ``start`` to ``end``: the members the rules matched
    against those acted on, per group. A member acted on is judged on the date of the action,
    on the facts recorded by then; everyone else on ``end``."""
    try:
        rules = rules_of(find_version(end))
    except NoRulesInForce:
        return []
    # What the rules alone say: an override is an action like the others, judged against them.
    rows = list(evaluate(rules, end, apply_overrides=False))
    # Matched on the report's date: members who are members, yet out of good standing.
    matched_on_end = {r.member_id for r in rows if r.is_member and not r.in_good_standing}
    labels: dict[Hashable, dict[str, str]] = {r.member_id: {} for r in rows}
    for dimension, grouping in GROUPINGS.items():
        for member_id, label in grouping(rows).items():
            labels[member_id][dimension] = label
    reports = []
    actions = EnforcementAction.objects.filter(on__gte=start, on__lte=end).select_related(
        "member", "branch"
    )
    for kind, label in EnforcementKind.choices:
        taken = [a for a in actions if a.kind == kind]
        if not taken:
            continue
        acted_on = {a.member_id for a in taken}
        matched = (matched_on_end - acted_on) | _matched_when_acted(taken)
        report = equal_treatment_report(
            action=str(label),
            matched=matched,
            acted_on=acted_on,
            groups=labels,
            dimensions=list(GROUPINGS),
            verb=VERBS.get(EnforcementKind(kind), "acted on"),
        )
        reports.append(KindReport(kind, str(label), report, taken))
    return reports
