"""Before a rule set is adopted: what changes, and whose standing it changes.

The proposal is compared with the rules in force on the day it would take effect (or today,
when that day has passed), member by member, with the set-based evaluation: the same rules the
software will then apply, so the preview is exactly what adoption would do on that day.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils import timezone

from rankfile.core.rules import RuleChange, RulesError, RuleSet, diff_rules, parse_rules
from rankfile.members.models import Branch
from rankfile.standing.bulk import evaluate
from rankfile.standing.rulesets import NoRulesInForce, rules_of, version_in_force


@dataclass(frozen=True)
class BranchImpact:
    branch: str
    gain: int  # members who would come into good standing
    lose: int  # members who would fall out of it


@dataclass(frozen=True)
class Impact:
    """How a proposed rule set would change standing on ``as_of``."""

    as_of: datetime.date
    compared_with: str  # the version in force then, or "" when none is
    changes: list[RuleChange]
    gain: list[int] = field(default_factory=list)  # member ids
    lose: list[int] = field(default_factory=list)
    by_branch: list[BranchImpact] = field(default_factory=list)


def parse_proposal(text: str, effective_on: datetime.date | None) -> tuple[RuleSet, datetime.date]:
    """The proposed rules and the day they would come into force, or a ValidationError naming
    the field (as adoption would)."""
    try:
        rules = parse_rules(text, source_name="the proposal")
    except RulesError as error:
        raise ValidationError({"text": str(error)}) from None
    effective = effective_on or rules.effective_on
    if effective is None:
        raise ValidationError(
            {"effective_on": "Give rule_set.effective_on in the file or an effective date."}
        )
    return rules, effective


def adoption_impact(
    rules: RuleSet, effective_on: datetime.date, as_of: datetime.date | None = None
) -> Impact:
    """Compare ``rules`` with those in force on ``as_of``: by default the later of
    ``effective_on`` and today."""
    as_of = as_of or max(effective_on, timezone.localdate())
    try:
        current = version_in_force(as_of)
    except NoRulesInForce:
        current = None
    before: dict[int, bool] = {}
    if current is not None:
        before = {r.member_id: r.in_good_standing for r in evaluate(rules_of(current), as_of)}
    gain: list[int] = []
    lose: list[int] = []
    branch_of: dict[int, int] = {}
    for row in evaluate(rules, as_of):
        was = before.get(row.member_id, False)
        if row.in_good_standing != was:
            (gain if row.in_good_standing else lose).append(row.member_id)
            branch_of[row.member_id] = row.branch_id
    names = dict(Branch.objects.values_list("pk", "name"))
    counts: dict[str, list[int]] = {}
    for member_id in gain + lose:
        counts.setdefault(names.get(branch_of[member_id], "?"), [0, 0])
    for member_id in gain:
        counts[names.get(branch_of[member_id], "?")][0] += 1
    for member_id in lose:
        counts[names.get(branch_of[member_id], "?")][1] += 1
    return Impact(
        as_of=as_of,
        compared_with=f"{current.name} {current.version}" if current else "",
        changes=diff_rules(rules_of(current), rules) if current else [],
        gain=gain,
        lose=lose,
        by_branch=[BranchImpact(name, g, lo) for name, (g, lo) in sorted(counts.items())],
    )
