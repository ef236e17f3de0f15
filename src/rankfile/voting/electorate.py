"""Who may vote in a poll, fixed when it opens, and why a member is left out.

Members in good standing of the poll's body on its date come from the set-based standing
evaluation (standing/bulk.py), so everyone is judged by the same rules in one query, and a
member left out keeps the standing explanation in its own words. A convention's electorate is
its seated delegates from the credentials roll, each with one vote or, in a card vote, the
members their branch represents shared among the branch's delegates.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from rankfile.conventions.elections import credentials_roll
from rankfile.conventions.models import ApportionmentRow, SeatStatus
from rankfile.members.models import Member, subtree_ids
from rankfile.standing import bulk
from rankfile.standing.rulesets import NoRulesInForce, find_version, rules_of
from rankfile.voting.models import ElectorateRule, Poll, Voter


@dataclass(frozen=True)
class Entry:
    member_id: int
    member_number: str
    eligible: bool
    reason: str
    weight: int = 1


def compute(poll: Poll) -> list[Entry]:
    """Every member evaluated for the poll's electorate (eligible or not, with the reason)."""
    if poll.electorate_rule == ElectorateRule.DELEGATES:
        return _delegates(poll)
    assert poll.as_of is not None
    try:
        rules = rules_of(find_version(poll.as_of))
    except NoRulesInForce as error:
        raise ValidationError(f"{error} Adopt the rules before opening a poll.") from None
    branch_ids = subtree_ids([poll.branch_id]) if poll.branch_id else None
    entries = []
    for row in bulk.evaluate(rules, poll.as_of, branch_ids=branch_ids):
        if not row.is_member and not row.in_good_standing:
            # Applicants and former members are not part of the body: no row, and the poll
            # page says they were not members on the date.
            continue
        reason = (
            "" if row.in_good_standing else f"Not in good standing on {poll.as_of}: {row.reasons}"
        )
        entries.append(Entry(row.member_id, row.member_number, row.in_good_standing, reason))
    return entries


def _delegates(poll: Poll) -> list[Entry]:
    if poll.convention_id is None:
        raise ValidationError("Only a convention's poll has its delegates as the electorate.")
    roll = credentials_roll(poll.convention)
    represented = {}
    if poll.weighted:
        tables = {branch.election.table_id for branch in roll}
        represented = {
            (row.table_id, row.branch_id): row.members_in_good_standing
            for row in ApportionmentRow.objects.filter(table_id__in=tables)
        }
    entries = []
    for branch in roll:
        seated = [
            seat
            for seat in [*branch.delegates, *branch.alternates]
            if seat.status in (SeatStatus.CREDENTIALED, SeatStatus.SEATED)
        ]
        members = represented.get((branch.election.table_id, branch.election.branch_id), 0)
        for index, seat in enumerate(seated):
            weight = 1
            if poll.weighted:
                # The branch's members shared among its seated delegates; the remainder goes
                # to the first on the list, so the card votes add up to the members.
                share, extra = divmod(members, len(seated))
                weight = share + (1 if index < extra else 0)
            entries.append(Entry(seat.member_id, seat.member.member_number, weight > 0, "", weight))
    if not any(e.eligible for e in entries):
        raise ValidationError(f"{poll.convention} has no seated delegate yet.")
    return entries


def digest(entries: list[Entry]) -> str:
    """A hash of the electorate (member numbers and weights) for the audit record."""
    lines = sorted(f"{e.member_number}:{e.weight}" for e in entries if e.eligible)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def why_not(poll: Poll, member: Member | None) -> str | None:
    """Why this member may not vote in the poll (None when they may)."""
    if member is None:
        return "This account is not linked to a membership record."
    voter = Voter.objects.filter(poll=poll, member=member).only("eligible", "reason").first()
    if voter is not None:
        return None if voter.eligible else voter.reason
    if poll.electorate_rule == ElectorateRule.DELEGATES:
        return f"Only the seated delegates of {poll.convention} vote in this poll."
    body = poll.body_name
    return f"You were not a member of {body} on {poll.as_of}, so you are not in this poll's electorate."
