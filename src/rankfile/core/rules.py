"""Rule sets: the published rules that decide good standing, read from a TOML file.

A rule set is data, not code: every parameter real organizations use is a field here, checked
on load (an unknown parameter or a wrong type is refused with the field's name), so the rules
page shows members exactly what the software applies. The format is documented in
docs/rules.md; PARAMETERS below is the single list of fields that parsing, diffing and the
documentation test use.
"""

from __future__ import annotations

import dataclasses
import datetime
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rankfile.core.dates import CLAMP, MONTH_END_POLICIES

NOT_RECORDED_SKIP = "not_applied"
NOT_RECORDED_FAIL = "fail"
NOT_RECORDED_POLICIES = (NOT_RECORDED_SKIP, NOT_RECORDED_FAIL)


class RulesError(ValueError):
    """A rule file that cannot be adopted; the message names the field."""


@dataclass(frozen=True)
class Parameter:
    """One parameter of the rule-file format."""

    section: str
    name: str
    kind: type  # int, bool, str or datetime.date
    default: Any
    label: str  # how a member reads it on the rules page and in a diff
    minimum: int | None = None
    choices: tuple[str, ...] = ()
    optional: bool = False  # None (absent) is allowed and means "not applied"

    @property
    def key(self) -> str:
        """``section.name``, as errors and diffs name the field."""
        return f"{self.section}.{self.name}"


P = Parameter
PARAMETERS: tuple[Parameter, ...] = (
    P("rule_set", "name", str, None, "Name of the rule set"),
    P("rule_set", "version", str, "", "Version"),
    P("rule_set", "effective_on", datetime.date, None, "In force from", optional=True),
    P("rule_set", "decision", str, "", "Adopted by"),
    P("rule_set", "source", str, "", "Source of the rules"),
    P("dues", "paid_within_months", int, None, "Dues paid through within (months)", 0, optional=True),
    P("dues", "grace_days", int, 0, "Grace period (days)", 0),
    P("dues", "months_in_arrears_before_losing_standing", int, None,
      "Months in arrears allowed before losing good standing", 0, optional=True),
    P("dues", "months_in_arrears_before_suspension", int, None,
      "Months in arrears allowed before suspension", 0, optional=True),
    P("dues", "checkoff_counts_as_paid", bool, True, "A running dues checkoff counts as paid"),
    P("dues", "lifetime_counts_as_paid", bool, True, "Lifetime dues count as paid"),
    P("waivers", "count_as_paid", bool, True, "A granted hardship waiver counts as paid"),
    P("waivers", "max_months", int, None, "Longest a waiver counts (months)", 1, optional=True),
    P("membership", "min_days_before_cutoff", int, 0, "Days of membership needed before a cut-off", 0),
    P("activity", "meetings_attended", int, None, "Regular meetings to attend", 1, optional=True),
    P("activity", "of_last_meetings", int, None, "Out of the last regular meetings", 1, optional=True),
    P("activity", "when_not_recorded", str, NOT_RECORDED_SKIP,
      "When attendance is not recorded", choices=NOT_RECORDED_POLICIES),
    P("office", "continuous_standing_months", int, None,
      "Continuous good standing needed to hold office (months)", 1, optional=True),
    P("dates", "month_end_policy", str, CLAMP, "Month-end date arithmetic", choices=MONTH_END_POLICIES),
    P("appeals", "appeal_within_days", int, 30, "Days to appeal a decision", 1),
    P("appeals", "decide_within_days", int, 60, "Days for the appeals body to decide an appeal", 1),
    P("appeals", "officer_may_override", bool, False,
      "An officer may override a member's standing without an appeal"),
    P("appeals", "single_member_may_decide", bool, False,
      "One named member of the appeals body may decide an appeal"),
    P("discipline", "answer_within_days", int, 14, "Days the accused has to answer a charge", 1),
    P("discipline", "max_suspension_months", int, 12, "Longest suspension a hearing may impose (months)", 1),
    P("discipline", "expulsion_allowed", bool, True, "A hearing may expel"),
)  # fmt: skip
del P

SECTIONS = tuple(dict.fromkeys(p.section for p in PARAMETERS))
_BY_SECTION = {s: {p.name: p for p in PARAMETERS if p.section == s} for s in SECTIONS}
# Metadata that differs between any two versions: not listed as a change of the rules.
_METADATA = frozenset({"rule_set.version", "rule_set.effective_on", "rule_set.decision"})


@dataclass(frozen=True)
class RuleSet:
    """One version of an organization's good-standing rules (see docs/rules.md for each field).

    Optional parameters left out (None) mean the criterion is not applied.
    """

    name: str
    version: str = ""
    effective_on: datetime.date | None = None
    decision: str = ""
    source: str = ""
    paid_within_months: int | None = None
    grace_days: int = 0
    months_in_arrears_before_losing_standing: int | None = None
    months_in_arrears_before_suspension: int | None = None
    checkoff_counts_as_paid: bool = True
    lifetime_counts_as_paid: bool = True
    waivers_count_as_paid: bool = True
    waiver_max_months: int | None = None
    min_days_before_cutoff: int = 0
    meetings_attended: int | None = None
    of_last_meetings: int | None = None
    attendance_when_not_recorded: str = NOT_RECORDED_SKIP
    office_continuous_standing_months: int | None = None
    month_end_policy: str = CLAMP
    appeal_within_days: int = 30
    decide_within_days: int = 60
    officer_may_override: bool = False
    single_member_may_decide: bool = False
    answer_within_days: int = 14
    max_suspension_months: int = 12
    expulsion_allowed: bool = True
    # The parsed file, section by section, as written (for the rules page and re-export).
    raw: Mapping[str, Mapping[str, Any]] = field(default_factory=dict, compare=False, repr=False)

    @property
    def has_dues_rule(self) -> bool:
        """Whether any dues criterion applies (zero-dues organizations have none)."""
        return (
            self.paid_within_months is not None
            or self.months_in_arrears_before_losing_standing is not None
        )

    @property
    def has_activity_rule(self) -> bool:
        """Whether the meeting-attendance criterion applies."""
        return self.meetings_attended is not None


# Where each file parameter lands on RuleSet when the names differ (sections share names).
_ATTRIBUTE = {
    "waivers.count_as_paid": "waivers_count_as_paid",
    "waivers.max_months": "waiver_max_months",
    "activity.when_not_recorded": "attendance_when_not_recorded",
    "office.continuous_standing_months": "office_continuous_standing_months",
}


def attribute_for(parameter: Parameter) -> str:
    """The RuleSet attribute that holds ``parameter``."""
    return _ATTRIBUTE.get(parameter.key, parameter.name)


def load_rules(path: str | Path) -> RuleSet:
    """Read and validate a rule file; RulesError names the file and the faulty field."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise RulesError(f"{path}: cannot read the rule file ({error})") from error
    return parse_rules(text, source_name=str(path))


def parse_rules(text: str, source_name: str = "rules") -> RuleSet:
    """Parse TOML rule text; RulesError (naming the field) when it is not a valid rule set."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise RulesError(f"{source_name}: not valid TOML: {error}") from error
    try:
        return rules_from_dict(data)
    except RulesError as error:
        raise RulesError(f"{source_name}: {error}") from error


def rules_from_dict(data: Mapping[str, Any]) -> RuleSet:
    """Validate a parsed rule file (sections of parameters) into a RuleSet."""
    values: dict[str, Any] = {}
    for section, body in data.items():
        if section not in _BY_SECTION:
            known = ", ".join(f"[{s}]" for s in SECTIONS)
            raise RulesError(f"unknown section [{section}] (known sections: {known})")
        if not isinstance(body, Mapping):
            raise RulesError(f"[{section}] must be a table of parameters")
        for name, value in body.items():
            spec = _BY_SECTION[section].get(name)
            if spec is None:
                known = ", ".join(_BY_SECTION[section])
                raise RulesError(
                    f"unknown parameter {section}.{name} (known in [{section}]: {known})"
                )
            values[attribute_for(spec)] = _checked(spec, value)
    if "name" not in values:
        raise RulesError("rule_set.name is required")
    rules = RuleSet(**values, raw={s: dict(b) for s, b in data.items()})
    _check_consistency(rules)
    return rules


def _checked(spec: Parameter, value: Any) -> Any:
    key, kind = spec.key, spec.kind
    # bool is an int in Python: `grace_days = true` must not pass as 1.
    if kind is int and (isinstance(value, bool) or not isinstance(value, int)):
        raise RulesError(f"{key} must be a whole number, not {_shown(value)}")
    if kind is bool and not isinstance(value, bool):
        raise RulesError(f"{key} must be true or false, not {_shown(value)}")
    if kind is str and not isinstance(value, str):
        raise RulesError(f"{key} must be a text in quotes, not {_shown(value)}")
    if kind is datetime.date:
        if isinstance(value, str):
            try:
                value = datetime.date.fromisoformat(value)
            except ValueError as error:
                raise RulesError(f"{key} is not a real date: {value!r}") from error
        if isinstance(value, datetime.datetime) or not isinstance(value, datetime.date):
            raise RulesError(f"{key} must be a date like 2024-01-31, not {_shown(value)}")
    if spec.minimum is not None and value < spec.minimum:
        raise RulesError(f"{key} must be at least {spec.minimum}, not {value}")
    if spec.choices and value not in spec.choices:
        raise RulesError(f"{key} must be one of {', '.join(spec.choices)}, not {value!r}")
    return value


def _shown(value: Any) -> str:
    return f"{type(value).__name__} {value!r}"


def _check_consistency(rules: RuleSet) -> None:
    lose = rules.months_in_arrears_before_losing_standing
    suspend = rules.months_in_arrears_before_suspension
    if suspend is not None and lose is not None and suspend < lose:
        raise RulesError(
            "dues.months_in_arrears_before_suspension must not be less than "
            "dues.months_in_arrears_before_losing_standing (a suspended member has lost standing)"
        )
    if suspend is not None and not rules.has_dues_rule:
        raise RulesError(
            "dues.months_in_arrears_before_suspension needs a rule for losing good standing "
            "(dues.paid_within_months or dues.months_in_arrears_before_losing_standing)"
        )
    if (rules.meetings_attended is None) != (rules.of_last_meetings is None):
        raise RulesError(
            "activity.meetings_attended and activity.of_last_meetings go together: set both or neither"
        )
    if rules.meetings_attended is not None and rules.of_last_meetings is not None:
        if rules.meetings_attended > rules.of_last_meetings:
            raise RulesError(
                f"activity.meetings_attended ({rules.meetings_attended}) cannot exceed "
                f"activity.of_last_meetings ({rules.of_last_meetings})"
            )


def rules_to_dict(rules: RuleSet) -> dict[str, dict[str, Any]]:
    """Every parameter with its value in force (defaults filled in), section by section."""
    out: dict[str, dict[str, Any]] = {s: {} for s in SECTIONS}
    for spec in PARAMETERS:
        out[spec.section][spec.name] = getattr(rules, attribute_for(spec))
    return out


def describe_rules(rules: RuleSet) -> list[tuple[str, str, str]]:
    """(key, label, value in words) for every parameter: the rules page every member sees."""
    return [
        (spec.key, spec.label, describe_value(getattr(rules, attribute_for(spec))))
        for spec in PARAMETERS
    ]


@dataclass(frozen=True)
class RuleChange:
    """One parameter that differs between two versions of the rules."""

    key: str
    label: str
    old: Any
    new: Any

    @property
    def sentence(self) -> str:
        """The change as a member reads it."""
        return f"{self.label}: {describe_value(self.old)} → {describe_value(self.new)}"


def describe_value(value: Any) -> str:
    """A parameter's value in plain words (None means the criterion is not applied)."""
    if value is None:
        return "not applied"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def diff_rules(old: RuleSet, new: RuleSet) -> list[RuleChange]:
    """The parameters whose values differ, in documentation order (version metadata left out)."""
    changes = []
    for spec in PARAMETERS:
        if spec.key in _METADATA:
            continue
        before, after = getattr(old, attribute_for(spec)), getattr(new, attribute_for(spec))
        if before != after:
            changes.append(RuleChange(spec.key, spec.label, before, after))
    return changes


def rules_in_force(rule_sets: Iterable[RuleSet], on: datetime.date) -> RuleSet | None:
    """The version in force on ``on``: the latest effective on or before it (None if none is)."""
    candidates = [r for r in rule_sets if r.effective_on is not None and r.effective_on <= on]
    return max(candidates, key=lambda r: r.effective_on or on, default=None)


def replace(rules: RuleSet, **changes: Any) -> RuleSet:
    """A copy of ``rules`` with some parameters changed and checked (for tests and previews)."""
    updated = dataclasses.replace(rules, **changes)
    by_attribute = {attribute_for(p): p for p in PARAMETERS}
    for name, value in changes.items():
        spec = by_attribute.get(name)
        if spec is not None and not (spec.optional and value is None):
            _checked(spec, value)
    _check_consistency(updated)
    return updated
