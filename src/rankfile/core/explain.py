"""The sentences of a standing determination: one per criterion, the summary and the way back.

Kept apart from the decision logic (core/standing.py) so the wording can change without
touching what is decided. Sentences are plain English, with ISO dates and YYYY-MM months.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from rankfile.core import cutoffs, lifecycle
from rankfile.core.dates import month_label
from rankfile.core.facts import Attendance, MemberFacts, Override, status_on
from rankfile.core.rules import NOT_RECORDED_FAIL, RuleSet

PASSED, FAILED, NOT_APPLIED = "passed", "failed", "not_applied"
# How a member counts as paid on a day, in the order the explanation prefers them.
BY_PAYMENT, BY_LIFETIME, BY_CHECKOFF, BY_WAIVER = "dues", "lifetime", "checkoff", "waiver"
ONE_DAY = datetime.timedelta(days=1)


# What each criterion is called where members read it.
CRITERION_LABELS = {
    "membership": "Membership",
    "membership_length": "Length of membership",
    "dues": "Dues",
    "activity": "Attending meetings",
    "office": "Standing to hold office",
    "override": "Override",
}
OUTCOME_LABELS = {PASSED: "passed", FAILED: "failed", NOT_APPLIED: "not applied"}


@dataclass(frozen=True)
class Criterion:
    """One rule applied to one member: outcome, its sentence, and what would meet it."""

    key: str  # membership, membership_length, dues, activity, office, override
    outcome: str  # passed, failed or not_applied
    sentence: str
    remedy: str = ""

    @property
    def label(self) -> str:
        """The criterion in plain words ("Length of membership")."""
        return CRITERION_LABELS.get(self.key, self.key)

    @property
    def outcome_label(self) -> str:
        """The outcome in plain words ("not applied")."""
        return OUTCOME_LABELS.get(self.outcome, self.outcome)

    @property
    def passed(self) -> bool:
        """Only failed criteria cost good standing; one that cannot be applied does not."""
        return self.outcome != FAILED


def plural(count: int, noun: str) -> str:
    """``1 month``, ``2 months``."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def membership_criteria(
    facts: MemberFacts, rules: RuleSet, as_of: datetime.date
) -> list[Criterion]:
    """Member status on ``as_of`` and, when the rules ask, length of membership before it."""
    status = status_on(facts, as_of)
    if facts.joined_on > as_of or status is None:
        found = [
            Criterion(
                "membership", FAILED, f"not yet a member on {as_of} (joined {facts.joined_on})"
            )
        ]
    elif status not in lifecycle.CURRENT_STATUSES:
        found = [
            Criterion(
                "membership",
                FAILED,
                f"membership status on {as_of} is {status}",
                "ask to be reinstated",
            )
        ]
    else:
        found = [Criterion("membership", PASSED, f"a member since {facts.joined_on}")]
    days = rules.min_days_before_cutoff
    if days:
        met_on = facts.joined_on + datetime.timedelta(days=days)
        if facts.joined_on <= cutoffs.joined_cutoff_date(rules, as_of):
            found.append(
                Criterion(
                    "membership_length", PASSED, f"a member for at least {plural(days, 'day')}"
                )
            )
        else:
            found.append(
                Criterion(
                    "membership_length",
                    FAILED,
                    f"a member since {facts.joined_on}, fewer than {plural(days, 'day')} before {as_of}",
                    f"wait until {met_on}, when membership reaches {plural(days, 'day')}",
                )  # fmt: skip
            )
    return found


def _lapse_phrase(rules: RuleSet, through: datetime.date | None, as_of: datetime.date) -> str:
    """Why the paid-through date falls short, in the words of the binding rule."""
    if through is None:
        return "no dues paid"
    rolling = cutoffs.paid_within_cutoff(rules, as_of)
    arrears = cutoffs.arrears_cutoff(rules, as_of)
    grace = (
        f" (after a grace period of {plural(rules.grace_days, 'day')})" if rules.grace_days else ""
    )
    if rolling is not None and through < rolling and (arrears is None or rolling >= arrears):
        months = rules.paid_within_months or 0
        if not months:
            return f"dues paid through {through}, not through {rolling}{grace}"
        return f"dues paid through {through}, more than {plural(months, 'month')} ago{grace}"
    owed = cutoffs.months_in_arrears(rules, through, as_of)
    allowed = rules.months_in_arrears_before_losing_standing or 0
    return (
        f"dues paid through {through}, {plural(owed or 0, 'month')} in arrears, "
        f"more than the {allowed} allowed{grace}"
    )


def dues_criterion(
    facts: MemberFacts,
    rules: RuleSet,
    as_of: datetime.date,
    through: datetime.date | None,
    by: str | None,
) -> Criterion:
    """The dues criterion: paid recently enough, or counted as paid by lifetime dues, a running
    checkoff or a granted waiver."""
    if by == BY_PAYMENT:
        return Criterion("dues", PASSED, f"dues paid through {through}")
    lapse = _lapse_phrase(rules, through, as_of)
    if by == BY_LIFETIME:
        return Criterion(
            "dues", PASSED, f"lifetime member since {facts.lifetime_since} (counts as paid)"
        )
    if by == BY_CHECKOFF:
        since = max(c.starts_on for c in facts.checkoffs if c.covers(as_of))
        return Criterion(
            "dues", PASSED,
            f"{lapse}, but a dues checkoff authorization has run since {since} and counts as paid",
        )  # fmt: skip
    if by == BY_WAIVER:
        waiver = next(w for w in facts.waivers if w.counts_on(rules, as_of))
        return Criterion(
            "dues", PASSED,
            f"{lapse}, but a hardship waiver granted for {waiver.starts_on} to {waiver.ends_on} counts as paid",
        )  # fmt: skip
    parts = [lapse]
    if rules.checkoff_counts_as_paid:
        ended = [c.ends_on for c in facts.checkoffs if c.ends_on is not None and c.ends_on < as_of]
        parts.append(
            f"checkoff authorization ended {max(ended)}" if ended else "no checkoff authorization"
        )
    if rules.waivers_count_as_paid:
        parts.append(_waiver_phrase(facts, rules, as_of))
    remedy = f"pay from {pay_from_month(through, facts.joined_on)}"
    if rules.waivers_count_as_paid:
        remedy += " or ask for a hardship waiver"
    return Criterion("dues", FAILED, "; ".join(parts), remedy)


def _waiver_phrase(facts: MemberFacts, rules: RuleSet, as_of: datetime.date) -> str:
    current = [w for w in facts.waivers if w.starts_on <= as_of <= w.ends_on]
    if any(w.pending for w in current):
        return "a waiver request awaiting a decision"
    if any(not w.granted for w in current):
        return "a waiver request refused"
    if current:  # granted and running, yet not counting: past the maximum length
        return f"waiver past the {plural(rules.waiver_max_months or 0, 'month')} limit"
    ended = [w.ends_on for w in facts.waivers if w.granted and w.ends_on < as_of]
    return f"waiver ended {max(ended)}" if ended else "no waiver"


def pay_from_month(through: datetime.date | None, joined_on: datetime.date) -> str:
    """The first dues month (YYYY-MM) not yet paid: where the way back starts."""
    return month_label(through + ONE_DAY if through is not None else joined_on)


def last_meetings(facts: MemberFacts, rules: RuleSet, as_of: datetime.date) -> Sequence[Attendance]:
    """The member's last ``of_last_meetings`` regular meetings held on or before ``as_of``."""
    held = sorted(
        (a for a in facts.attendance or () if a.meeting_on <= as_of), key=lambda a: a.meeting_on
    )
    return held[-rules.of_last_meetings :] if rules.of_last_meetings else []


def activity_criterion(facts: MemberFacts, rules: RuleSet, as_of: datetime.date) -> Criterion:
    """Attended K of the last N regular meetings (fewer held: all of those, up to K)."""
    wanted, out_of = rules.meetings_attended or 0, rules.of_last_meetings or 0
    rule = f"{wanted} of the last {out_of} regular meetings"
    if facts.attendance is None:
        if rules.attendance_when_not_recorded == NOT_RECORDED_FAIL:
            return Criterion(
                "activity",
                FAILED,
                f"no attendance recorded (the rules ask for {rule})",
                "attend regular meetings",
            )
        return Criterion(
            "activity",
            NOT_APPLIED,
            f"attendance is not recorded, so the rule of {rule} is not applied",
        )
    held = last_meetings(facts, rules, as_of)
    attended = sum(1 for a in held if a.attended)
    needed = min(wanted, len(held))
    sentence = f"attended {attended} of the last {plural(len(held), 'regular meeting')}"
    if attended >= needed:
        return Criterion("activity", PASSED, sentence)
    return Criterion(
        "activity", FAILED, f"{sentence}; the rules ask for {needed}",
        f"attend {plural(needed - attended, 'more regular meeting')}",
    )  # fmt: skip


def override_criterion(override: Override) -> Criterion:
    """The override in effect: it decides standing whatever the other criteria say."""
    period = f"from {override.starts_on} " + (
        f"to {override.ends_on}" if override.ends_on is not None else "until lifted"
    )
    if override.in_good_standing:
        return Criterion(
            "override", PASSED, f"overridden into good standing {period}: {override.reason}"
        )
    return Criterion(
        "override", FAILED, f"overridden out of good standing {period}: {override.reason}",
        "appeal the override to the appeals body",
    )  # fmt: skip


def summarize(
    as_of: datetime.date,
    good: bool,
    criteria: Sequence[Criterion],
    rules: RuleSet,
    arrears: int | None,
    suspended: bool,
    loses_on: datetime.date | None,
) -> tuple[str, str]:
    """The plain-language explanation and the way back ("" when in good standing)."""
    if good:
        shown = [c.sentence for c in criteria]
        text = f"In good standing on {as_of}: {'; '.join(shown)}."
        if loses_on is not None:
            text += f" Good standing ends on {loses_on} unless more dues are paid or a waiver is granted."
        return text, ""
    failed = [c for c in criteria if not c.passed]
    text = f"Not in good standing on {as_of}: {'; '.join(c.sentence for c in failed)}."
    if suspended:
        allowed = rules.months_in_arrears_before_suspension
        owed = "no dues paid" if arrears is None else f"{plural(arrears, 'month')} in arrears"
        text += f" Suspended: {owed}, more than the {allowed} allowed before suspension."
    way_back = ", and ".join(c.remedy for c in failed if c.remedy)
    if way_back:
        text += f" To regain it: {way_back}."
    return text, way_back
