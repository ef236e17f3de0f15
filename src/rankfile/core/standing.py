"""Good standing: a pure function of a member's dated facts, a rule set and a date.

The same rules for every member, with a sentence for each criterion and the way back, so
that nobody's standing is decided by an officer case by case. The set-based SQL version over
all members compares each member's facts with the cut-offs of core/cutoffs.py in the same way;
docs/rules.md gives the exact semantics of each criterion.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from rankfile.core import cutoffs, lifecycle
from rankfile.core.explain import (
    BY_CHECKOFF,
    BY_LIFETIME,
    BY_PAYMENT,
    BY_WAIVER,
    FAILED,
    NOT_APPLIED,
    PASSED,
    Criterion,
    activity_criterion,
    dues_criterion,
    membership_criteria,
    override_criterion,
    plural,
    summarize,
)
from rankfile.core.facts import (
    Attendance,
    Checkoff,
    FactsError,
    MemberFacts,
    Override,
    Payment,
    Waiver,
    net_payments,
    override_on,
    paid_through,
    status_on,
)
from rankfile.core.rules import RuleSet

__all__ = [
    "BY_CHECKOFF", "BY_LIFETIME", "BY_PAYMENT", "BY_WAIVER", "FAILED", "NOT_APPLIED", "PASSED",
    "Attendance", "Checkoff", "Criterion", "Determination", "FactsError", "MemberFacts",
    "Override", "Payment", "Waiver", "counted_as_paid_by", "covered_spans", "determine",
    "loses_standing_on", "office_eligibility", "paid_through", "status_on",
]  # fmt: skip

ONE_DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class Determination:
    """A member's standing on a date, with the reasons and the way back."""

    as_of: datetime.date
    in_good_standing: bool
    criteria: tuple[Criterion, ...]
    paid_through: datetime.date | None
    counted_as_paid_by: str | None  # dues, lifetime, checkoff, waiver; None: not (or no dues rule)
    months_in_arrears: int | None
    suspended: bool
    loses_standing_on: datetime.date | None  # first later day out of standing, facts unchanged
    explanation: str
    way_back: str

    @property
    def reasons(self) -> str:
        """The failed criteria's sentences ("" in good standing): the CSV ``reasons`` column."""
        if self.in_good_standing:  # an override can hold a member in standing despite a rule
            return ""
        return "; ".join(c.sentence for c in self.criteria if not c.passed)

    def as_dict(self) -> dict[str, object]:
        """A JSON-ready form (ISO dates), stable for snapshots and the API."""
        return {
            "as_of": self.as_of.isoformat(),
            "in_good_standing": self.in_good_standing,
            "criteria": [
                {"key": c.key, "outcome": c.outcome, "sentence": c.sentence, "remedy": c.remedy}
                for c in self.criteria
            ],
            "paid_through": _iso(self.paid_through),
            "counted_as_paid_by": self.counted_as_paid_by,
            "months_in_arrears": self.months_in_arrears,
            "suspended": self.suspended,
            "loses_standing_on": _iso(self.loses_standing_on),
            "explanation": self.explanation,
            "way_back": self.way_back,
        }

    def criterion(self, key: str) -> Criterion | None:
        """The criterion named ``key`` (membership, membership_length, dues, activity), if applied."""
        return next((c for c in self.criteria if c.key == key), None)


def _iso(day: datetime.date | None) -> str | None:
    return None if day is None else day.isoformat()


def counted_as_paid_by(
    facts: MemberFacts, rules: RuleSet, day: datetime.date, through: datetime.date | None
) -> str | None:
    """How the member counts as paid on ``day`` (dues, lifetime, checkoff, waiver) or None.

    ``through`` is the paid-through date from payments received by ``day``.
    """
    cutoff = cutoffs.standing_cutoff_date(rules, day)
    if through is not None and cutoff is not None and through >= cutoff:
        return BY_PAYMENT
    if rules.lifetime_counts_as_paid and facts.lifetime_since and facts.lifetime_since <= day:
        return BY_LIFETIME
    if rules.checkoff_counts_as_paid and any(c.covers(day) for c in facts.checkoffs):
        return BY_CHECKOFF
    if any(w.counts_on(rules, day) for w in facts.waivers):
        return BY_WAIVER
    return None


def determine(facts: MemberFacts, rules: RuleSet, as_of: datetime.date) -> Determination:
    """Whether the member is in good standing on ``as_of`` under ``rules``, and why.

    In good standing iff no applied criterion fails: membership status (and length, when the
    rules ask), dues (when the rules have a dues rule) and activity (when they have one);
    an override in effect on ``as_of`` decides instead, and is named with its reason.
    """
    through = paid_through(facts.payments, as_of)
    by = counted_as_paid_by(facts, rules, as_of, through) if rules.has_dues_rule else None
    criteria = membership_criteria(facts, rules, as_of)
    if rules.has_dues_rule:
        criteria.append(dues_criterion(facts, rules, as_of, through, by))
    if rules.has_activity_rule:
        criteria.append(activity_criterion(facts, rules, as_of))
    good = all(c.passed for c in criteria)
    override = override_on(facts, as_of)
    if override is not None:
        criteria.append(override_criterion(override))
        good = override.in_good_standing
    arrears = cutoffs.months_in_arrears(rules, through, as_of) if rules.has_dues_rule else None
    suspension = cutoffs.suspension_cutoff_date(rules, as_of)
    suspended = (
        suspension is not None
        and by is None
        and (through is None or through < suspension)
        and not (override is not None and override.in_good_standing)
    )
    loses_on = None
    if override is not None and good:
        if override.ends_on is not None:  # the rules decide again the day after it ends
            after = determine(facts, rules, override.ends_on + ONE_DAY)
            loses_on = after.loses_standing_on if after.in_good_standing else after.as_of
    elif good:
        loses_on = loses_standing_on(facts, rules, as_of)
    explanation, way_back = summarize(as_of, good, criteria, rules, arrears, suspended, loses_on)
    return Determination(
        as_of=as_of,
        in_good_standing=good,
        criteria=tuple(criteria),
        paid_through=through,
        counted_as_paid_by=by,
        months_in_arrears=arrears,
        suspended=suspended,
        loses_standing_on=loses_on,
        explanation=explanation,
        way_back=way_back,
    )


def covered_spans(
    facts: MemberFacts, rules: RuleSet, as_of: datetime.date
) -> list[tuple[datetime.date, datetime.date | None]]:
    """Spans of days (end None: open-ended) on which the member counts as paid, from the
    payments received by ``as_of``; a day outside every span fails the dues criterion."""
    spans: list[tuple[datetime.date, datetime.date | None]] = []
    through = paid_through(facts.payments, as_of)
    if through is not None:
        spans.append((datetime.date.min, cutoffs.paid_keeps_standing_until(rules, through)))
    if rules.lifetime_counts_as_paid and facts.lifetime_since is not None:
        spans.append((facts.lifetime_since, None))
    if rules.checkoff_counts_as_paid:
        spans.extend((c.starts_on, c.ends_on) for c in facts.checkoffs)
    if rules.waivers_count_as_paid:
        spans.extend(
            (
                w.starts_on,
                min(w.ends_on, cutoffs.waiver_counts_until(rules, w.starts_on) or w.ends_on),
            )
            for w in facts.waivers
            if w.granted
        )
    return spans


def loses_standing_on(
    facts: MemberFacts, rules: RuleSet, as_of: datetime.date
) -> datetime.date | None:
    """The first day after ``as_of`` on which dues no longer count as paid, if nothing more is
    paid or granted: for arrears notices ("will lose standing within 30 days").

    None when that never happens (lifetime, open-ended checkoff) or the rules have no dues rule.
    Assumes the member counts as paid on ``as_of``.
    """
    if not rules.has_dues_rule:
        return None
    spans = covered_spans(facts, rules, as_of)
    covered_to = as_of
    extended = True
    while extended:
        extended = False
        for start, end in spans:
            if start <= covered_to + ONE_DAY and (end is None or end > covered_to):
                if end is None:
                    return None
                covered_to, extended = end, True
    return covered_to + ONE_DAY


def office_eligibility(facts: MemberFacts, rules: RuleSet, as_of: datetime.date) -> Criterion:
    """Whether the member was in good standing (member status, and dues counted as paid) on
    every day of the ``office.continuous_standing_months`` up to ``as_of``, each day judged on
    the payments received by then; activity is not part of it."""
    start = cutoffs.office_window_start(rules, as_of)
    months = rules.office_continuous_standing_months or 0
    if start is None:
        return Criterion("office", NOT_APPLIED, "no rule on continuous good standing for office")
    span = f"the {plural(months, 'month')} up to {as_of}"
    remedy = f"eligible once in good standing continuously for {plural(months, 'month')}"
    if facts.joined_on > start:
        return Criterion(
            "office", FAILED, f"a member since {facts.joined_on}, not throughout {span}", remedy
        )
    received = sorted(net_payments(facts.payments), key=lambda p: p.paid_on or datetime.date.min)
    through: datetime.date | None = None
    taken = 0
    day = start
    while day <= as_of:  # a day at a time: at most a few hundred cheap checks
        while taken < len(received) and (received[taken].paid_on or day) <= day:
            covers = received[taken].covers_through
            through = covers if through is None or covers > through else through
            taken += 1
        member = status_on(facts, day) in lifecycle.CURRENT_STATUSES
        paid = not rules.has_dues_rule or counted_as_paid_by(facts, rules, day, through) is not None
        if not (member and paid):
            return Criterion(
                "office", FAILED, f"not in good standing on {day}, within {span}", remedy
            )
        day += ONE_DAY
    return Criterion("office", PASSED, f"in good standing on every day of {span}")
