"""Equal treatment: were the members acted on a fair draw from everyone the rule matched?

For one kind of enforcement action in a period (say, inquiries about dues), the input is the
members the cited rule matched at the time, those acted on, and each member's group labels
along any number of dimensions (branch, faction, ...). For every group of every dimension the
report gives matched and acted counts and rates, and a one-sided Fisher exact test of that group
against the rest of the matched members.

One-sided ("this group was acted on more often than the rest"), because the harm looked for is
selective enforcement against a group; a group left alone shows up as the other groups being
acted on more. p-values are exact Fractions (hypergeometric sums with integer binomials), equal
to scipy.stats.fisher_exact(..., alternative="greater") up to float rounding (the tests check
this), so no float decides a flag. A group is flagged when p <= alpha / (number of groups in
its dimension): Bonferroni, because testing every branch makes some small p likely by chance.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, localcontext
from fractions import Fraction
from math import comb

NO_GROUP = "(no group)"
DEFAULT_ALPHA = Fraction(1, 100)


def fisher_greater(acted_in_group: int, group_size: int, acted: int, matched: int) -> Fraction:
    """P(at least ``acted_in_group`` of ``acted`` fall in the group) when ``acted`` members are
    drawn at random from ``matched`` of whom ``group_size`` are in the group (exact)."""
    top = min(group_size, acted)
    tail = sum(
        comb(group_size, x) * comb(matched - group_size, acted - x)
        for x in range(acted_in_group, top + 1)
    )
    return Fraction(tail, comb(matched, acted))


def fisher_two_sided(acted_in_group: int, group_size: int, acted: int, matched: int) -> Fraction:
    """Two-sided exact p: the probability of every table no more likely than the observed one
    (scipy's definition). Given for reference; flags use the one-sided test."""
    low, high = max(0, acted - (matched - group_size)), min(group_size, acted)
    weights = {
        x: comb(group_size, x) * comb(matched - group_size, acted - x) for x in range(low, high + 1)
    }
    observed = weights[acted_in_group]
    return Fraction(sum(w for w in weights.values() if w <= observed), comb(matched, acted))


def format_p(p: Fraction) -> str:
    """A p-value in plain decimals with two significant digits (0.000019, 0.25, 1.0)."""
    if p == 0:
        return "0"
    with localcontext() as context:
        context.prec = 40
        value = Decimal(p.numerator) / Decimal(p.denominator)
        rounded = value.quantize(Decimal(1).scaleb(value.adjusted() - 1))
    return format(rounded, "f")


def percent(part: int, whole: int) -> str:
    """``15%`` (rounded half up), or ``-`` for an empty whole."""
    if not whole:
        return "-"
    return f"{int(Fraction(100 * part, whole) + Fraction(1, 2))}%"


@dataclass(frozen=True)
class GroupFinding:
    """One group of one dimension against the rest of the matched members."""

    dimension: str
    group: str
    matched: int
    acted: int
    rest_matched: int
    rest_acted: int
    p_value: Fraction  # one-sided Fisher exact: this group acted on more than the rest
    threshold: Fraction  # alpha divided by the number of groups in the dimension
    flagged: bool
    acted_outside_rule: int  # members of the group acted on whom the rule did not match

    @property
    def rate(self) -> Fraction | None:
        """Share of the group's matched members that were acted on."""
        return Fraction(self.acted, self.matched) if self.matched else None

    @property
    def rest_rate(self) -> Fraction | None:
        """Share of the other matched members that were acted on."""
        return Fraction(self.rest_acted, self.rest_matched) if self.rest_matched else None


@dataclass(frozen=True)
class FairnessReport:
    """The equal-treatment report for one kind of action in one period."""

    action: str
    matched: int
    acted: int
    acted_outside_rule: int
    alpha: Fraction
    findings: tuple[GroupFinding, ...]
    summary: str

    @property
    def flagged(self) -> tuple[GroupFinding, ...]:
        """The groups acted on significantly more often than the rest."""
        return tuple(f for f in self.findings if f.flagged)

    def in_dimension(self, dimension: str) -> tuple[GroupFinding, ...]:
        """The findings for one dimension (e.g. all branches)."""
        return tuple(f for f in self.findings if f.dimension == dimension)


def equal_treatment_report(
    *,
    action: str,
    matched: Iterable[Hashable],
    acted_on: Iterable[Hashable],
    groups: Mapping[Hashable, Mapping[str, str]],
    dimensions: Sequence[str] | None = None,
    verb: str = "acted on",
    alpha: Fraction = DEFAULT_ALPHA,
) -> FairnessReport:
    """Compare those acted on with everyone the cited rule matched, group by group.

    ``groups`` maps each member (matched or acted on) to labels, e.g. {"branch": "Atlanta",
    "faction": "Renewal"}; a member without a label in a dimension is in NO_GROUP there.
    ``dimensions`` defaults to every dimension any member has, in sorted order. ``verb`` is the
    past participle the summary uses ("asked", "suspended").
    """
    matched_set, acted_set = set(matched), set(acted_on)
    outside = acted_set - matched_set
    acted_in_rule = acted_set & matched_set
    if dimensions is None:
        dimensions = sorted({d for labels in groups.values() for d in labels})
    findings: list[GroupFinding] = []
    for dimension in dimensions:

        def label(member: Hashable, dimension: str = dimension) -> str:
            return groups.get(member, {}).get(dimension, NO_GROUP)

        names = sorted({label(m) for m in matched_set | acted_set})
        tested = max(1, sum(1 for n in names if any(label(m) == n for m in matched_set)))
        for name in names:
            group_matched = sum(1 for m in matched_set if label(m) == name)
            group_acted = sum(1 for m in acted_in_rule if label(m) == name)
            p = (
                fisher_greater(group_acted, group_matched, len(acted_in_rule), len(matched_set))
                if matched_set
                else Fraction(1)
            )
            threshold = alpha / tested
            findings.append(
                GroupFinding(
                    dimension=dimension,
                    group=name,
                    matched=group_matched,
                    acted=group_acted,
                    rest_matched=len(matched_set) - group_matched,
                    rest_acted=len(acted_in_rule) - group_acted,
                    p_value=p,
                    threshold=threshold,
                    flagged=group_acted > 0 and p <= threshold,
                    acted_outside_rule=sum(1 for m in outside if label(m) == name),
                )
            )
    summary = _summary(action, verb, len(matched_set), len(acted_in_rule), len(outside), findings)
    return FairnessReport(
        action=action,
        matched=len(matched_set),
        acted=len(acted_in_rule),
        acted_outside_rule=len(outside),
        alpha=alpha,
        findings=tuple(findings),
        summary=summary,
    )


def _summary(
    action: str, verb: str, matched: int, acted: int, outside: int, findings: Sequence[GroupFinding]
) -> str:
    members = "member" if matched == 1 else "members"
    were = "was" if acted == 1 else "were"
    text = f"{action}: the rule matched {matched} {members}; {acted} {were} {verb}"
    flagged = [f for f in findings if f.flagged]
    for finding in flagged:
        share = (
            f"all {acted} are" if finding.acted == acted else f"{finding.acted} of the {acted} are"
        )
        if acted == 1:
            share = "that one is"
        text += (
            f"; {share} in {finding.group}, which has {finding.matched} of the {matched}: "
            f"p = {format_p(finding.p_value)}"
        )
    if flagged:
        text += " (one-sided Fisher exact test against the rest; flagged as a disparity)"
    elif acted:
        text += "; no group was acted on significantly more often than the rest"
    text += "."
    if outside:
        whom = "member" if outside == 1 else "members"
        text += f" {outside} {whom} {'was' if outside == 1 else 'were'} {verb} although the rule did not match them."
    return text
