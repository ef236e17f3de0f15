"""Counting a closed poll's published ballots with rankfile.core.counting, and its exports."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterable
from fractions import Fraction
from typing import Any

from rankfile.core.ballots.blt import write_blt
from rankfile.core.ballots.model import BallotSet
from rankfile.core.counting import methods
from rankfile.core.counting.chart import rounds_chart_svg
from rankfile.core.counting.motions import MotionRule, decide_motion
from rankfile.core.counting.report import to_json
from rankfile.core.counting.result import CountResult
from rankfile.voting.models import Poll, Threshold

MOTION_OPTIONS = ("yes", "no", "abstain")
RULES = {
    Threshold.MAJORITY: MotionRule(threshold=Fraction(1, 2), more_than=True, basis="cast"),
    Threshold.TWO_THIRDS: MotionRule(threshold=Fraction(2, 3), more_than=False, basis="cast"),
    Threshold.MAJORITY_ENTITLED: MotionRule(
        threshold=Fraction(1, 2), more_than=True, basis="entitled"
    ),
}


def canonical_lines(contents: Iterable[tuple[dict[str, Any], int]]) -> list[str]:
    """The published ballots as sorted lines (weight, content): the same whatever their order."""
    return sorted(
        f"{weight} {json.dumps(content, sort_keys=True, separators=(',', ':'))}"
        for content, weight in contents
    )


def ballots_hash(contents: Iterable[tuple[dict[str, Any], int]]) -> str:
    return hashlib.sha256("\n".join(canonical_lines(contents)).encode()).hexdigest()


def motion_result(poll: Poll, counts: dict[str, int]) -> dict[str, Any]:
    rule = RULES[Threshold(poll.threshold)]
    decision = decide_motion(
        counts.get("yes", 0),
        counts.get("no", 0),
        counts.get("abstain", 0),
        rule,
        entitled=poll.electorate_weight if rule.basis == "entitled" else None,
    )
    return {
        "kind": "motion",
        "yes": decision.yes,
        "no": decision.no,
        "abstain": decision.abstain,
        "base": decision.base,
        "required": decision.required,
        "threshold": Threshold(poll.threshold).label,
        "outcome": decision.outcome,
        "explanation": decision.explanation,
    }


def ballot_set(
    poll: Poll, names: list[str], contents: Iterable[tuple[dict[str, Any], int]]
) -> BallotSet:
    ballots = BallotSet(list(names), seats=poll.seats, title=poll.title)
    for content, weight in contents:
        order = content.get("ranking", content.get("choices", []))
        ballots.add_order(tuple(order), weight)
    return ballots


def count_election(poll: Poll, ballots: BallotSet) -> CountResult:
    seats = 1 if poll.method in ("irv", "schulze") else poll.seats
    result = methods.count(ballots, poll.method, seats, seed=poll.seed)
    result.title = poll.title
    return result


def election_result(poll: Poll, ballots: BallotSet) -> tuple[dict[str, Any], str]:
    """(the result in the JSON schema of docs/counting.md, the SVG chart)."""
    result = count_election(poll, ballots)
    data = to_json(result)
    data["kind"] = "election"
    data["elected_positions"] = list(result.elected)
    return data, rounds_chart_svg(result)


def entered_election_set(poll: Poll, names: list[str], votes: dict[str, int]) -> BallotSet:
    """Hand counts per candidate as single-mark ballots, for plurality or approval."""
    ballots = BallotSet(list(names), seats=poll.seats, title=poll.title)
    for position, name in enumerate(names):
        if votes.get(name):
            ballots.add_order((position,), votes[name])
    return ballots


def blt_text(poll: Poll, names: list[str], contents: Iterable[tuple[dict[str, Any], int]]) -> str:
    return write_blt(ballot_set(poll, names, contents), poll.seats)


def ballots_csv(
    poll: Poll, names: list[str], contents: Iterable[tuple[dict[str, Any], int]]
) -> str:
    """One line per published ballot, in the (random) published order."""
    out = io.StringIO()
    writer = csv.writer(out)
    if poll.is_motion:
        writer.writerow(["weight", "vote"])
        for content, weight in contents:
            writer.writerow([weight, content["vote"]])
    else:
        writer.writerow(["weight", "choices in order"])
        for content, weight in contents:
            order = content.get("ranking", content.get("choices", []))
            writer.writerow([weight, *(names[c] for c in order)])
    return out.getvalue()


def result_csv(poll: Poll) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    result = poll.result or {}
    if result.get("kind") == "motion":
        writer.writerow(["option", "votes"])
        for option in MOTION_OPTIONS:
            writer.writerow([option, result[option]])
        writer.writerow(["outcome", result["outcome"]])
        return out.getvalue()
    rounds = result.get("rounds", [])
    writer.writerow(["candidate", *(f"round {r['round']}" for r in rounds)])
    for name in result.get("candidates", []):
        writer.writerow([name, *(r["tallies"].get(name, "") for r in rounds)])
    writer.writerow(["exhausted", *(r["exhausted"] for r in rounds)])
    writer.writerow(["elected", *result.get("elected", [])])
    return out.getvalue()
