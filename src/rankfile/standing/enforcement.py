"""Enforcement actions on the record, and the equal-treatment report over them.

An officer's action touching one member's standing (an inquiry, a manual override, a
suspension, a removal from a voter roll) is recorded with actor, member, rule cited and reason.
It does not change the computed standing: the published rules decide that for everyone alike.
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
) -> EnforcementAction:
    """Put an officer's action about one member's standing on the record."""
    require_officer_on_another(actor, member, "standing.enforce")
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
    )
    append_event(
        actor=actor,
        action=f"standing.enforcement.{kind}",
        target=action,
        member=member,
        branch=member.branch,
        reason=reason.strip(),
        payload={"kind": kind, "rule_cited": action.rule_cited, "on": on.isoformat()},
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
        for row in evaluate(rules, day, member_ids=member_ids, recorded_by=end_of_day):
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
    rows = list(evaluate(rules, end))
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
