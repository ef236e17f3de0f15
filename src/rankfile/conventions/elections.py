"""Delegate elections per branch and the credentials roll.

The voting machinery (meetings and voting) is not part of this app. It calls one action:

    do_record_election_result(None, election, elected_delegates, elected_alternates, source)

with the elected members in order (alternates are seated in the order given). Until then an
officer enters results by hand on the election's page, through the same action.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from rankfile.audit.actions import append_event
from rankfile.conventions.models import (
    Candidate,
    Credential,
    DelegateElection,
    ElectionResult,
    ElectionStatus,
    SeatKind,
    SeatStatus,
)
from rankfile.core import lifecycle
from rankfile.members.access import require, require_everywhere, viewer_for
from rankfile.members.models import Member
from rankfile.standing.models import SnapshotEntry


def ineligibility(election: DelegateElection, member: Member) -> str | None:
    """Why a member may not stand or be elected in this election, or None if they may:
    they must be in the branch and in good standing in the snapshot the seats come from,
    and still a member."""
    entry = (
        SnapshotEntry.objects.filter(snapshot_id=election.table.snapshot_id, member=member)
        .only("branch_id", "in_good_standing")
        .first()
    )
    if entry is None:
        return f"{member} ({member.member_number}) is not on the credentials snapshot."
    if entry.branch_id != election.branch_id:
        return f"{member} ({member.member_number}) was not in {election.branch} at the cut-off."
    if not entry.in_good_standing:
        return f"{member} ({member.member_number}) was not in good standing at the cut-off."
    if member.status in lifecycle.FORMER_STATUSES:
        return f"{member} ({member.member_number}) is no longer a member."
    return None


def _check_open(election: DelegateElection) -> None:
    if election.status == ElectionStatus.NO_SEATS:
        raise ValidationError(f"{election.branch} has no delegates to elect.")


@transaction.atomic
def do_stand(actor: Any, election: DelegateElection, member: Member) -> Candidate:
    """A member stands for delegate (or an officer nominates them)."""
    viewer = viewer_for(actor) if actor is not None else None
    if viewer is not None and not viewer.is_self(member):
        require(actor, "convention.record_result", election.branch_id)
    _check_open(election)
    problem = ineligibility(election, member)
    if problem:
        raise ValidationError(problem)
    candidate, created = Candidate.objects.get_or_create(
        election=election,
        member=member,
        defaults={"nominated_by": actor, "nominated_at": timezone.now()},
    )
    if not created and candidate.withdrawn_at is None:
        raise ValidationError(f"{member} is already a candidate.")
    candidate.withdrawn_at = None
    candidate.save()
    append_event(
        actor=actor,
        action="convention.stand",
        target=candidate,
        member=member,
        branch=election.branch,
        payload={"convention": election.convention.slug, "branch": election.branch.slug},
    )
    return candidate


@transaction.atomic
def do_withdraw(actor: Any, candidate: Candidate) -> Candidate:
    viewer = viewer_for(actor) if actor is not None else None
    if viewer is not None and not viewer.is_self(candidate.member):
        require(actor, "convention.record_result", candidate.election.branch_id)
    if candidate.withdrawn_at is not None:
        raise ValidationError("This candidacy is already withdrawn.")
    candidate.withdrawn_at = timezone.now()
    candidate.save(update_fields=["withdrawn_at"])
    append_event(
        actor=actor,
        action="convention.withdraw",
        target=candidate,
        member=candidate.member,
        branch=candidate.election.branch,
        payload={"convention": candidate.election.convention.slug},
    )
    return candidate


@transaction.atomic
def do_record_election_result(
    actor: Any,
    election: DelegateElection,
    elected_delegates: Sequence[Member],
    elected_alternates: Sequence[Member],
    source: str,
    *,
    reason: str = "",
) -> ElectionResult:
    """Record who a branch elected: delegates, and alternates in the order they are seated.

    `source` says where the result comes from ("Poll 42, Scottish STV", "Branch meeting
    2026-09-14, hand count"). `actor` None is the system (the voting machinery closing a
    poll); a person must be the credentials committee, an admin or the branch's secretary.
    Every elected member must be eligible (see `ineligibility`); at most the seats the
    apportionment gives may be filled. Replacing a recorded result needs a `reason`, unless
    the apportionment changed the seats since. Raises ValidationError naming the problem.
    """
    election = DelegateElection.objects.select_for_update().get(pk=election.pk)
    require(actor, "convention.record_result", election.branch_id)
    _check_open(election)
    source, reason = source.strip(), reason.strip()
    if not source:
        raise ValidationError({"source": "Say where the result comes from."})
    errors = []
    if not elected_delegates:
        errors.append("At least one delegate must be elected.")
    if len(elected_delegates) > election.delegates:
        errors.append(
            f"{len(elected_delegates)} delegates elected, but {election.branch} has "
            f"{election.delegates} seats."
        )
    if len(elected_alternates) > election.alternates:
        errors.append(
            f"{len(elected_alternates)} alternates elected, but {election.branch} has "
            f"{election.alternates}."
        )
    everyone = [*elected_delegates, *elected_alternates]
    seen: set[int] = set()
    for member in everyone:
        if member.pk in seen:
            errors.append(f"{member} ({member.member_number}) is listed twice.")
        seen.add(member.pk)
        problem = ineligibility(election, member)
        if problem:
            errors.append(problem)
    if errors:
        raise ValidationError(errors)
    previous = election.results.filter(current=True).first()
    if previous is not None:
        if not reason and election.status == ElectionStatus.REVIEW:
            reason = f"Seats changed by apportionment no. {election.table.number}"
        if not reason:
            raise ValidationError({"reason": "A result is already recorded: say why it changes."})
        previous.current = False
        previous.save(update_fields=["current"])
    result = ElectionResult.objects.create(
        election=election,
        source=source,
        reason=reason,
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    Credential.objects.bulk_create(
        [
            Credential(
                result=result,
                member=member,
                kind=SeatKind.DELEGATE,
                rank=rank,
                status=SeatStatus.CREDENTIALED,
            )
            for rank, member in enumerate(elected_delegates, start=1)
        ]
        + [
            Credential(
                result=result,
                member=member,
                kind=SeatKind.ALTERNATE,
                rank=rank,
                status=SeatStatus.WAITING,
            )
            for rank, member in enumerate(elected_alternates, start=1)
        ]
    )
    election.status = ElectionStatus.DECIDED
    election.save(update_fields=["status"])
    append_event(
        actor=actor,
        action="convention.election_result",
        target=result,
        branch=election.branch,
        reason=reason,
        payload={
            "convention": election.convention.slug,
            "branch": election.branch.slug,
            "source": source,
            "delegates": [member.member_number for member in elected_delegates],
            "alternates": [member.member_number for member in elected_alternates],
            "replaces": previous.pk if previous else None,
        },
    )
    return result


@transaction.atomic
def do_seat_alternate(
    actor: Any,
    absent: Credential,
    *,
    reason: str,
    alternate: Credential | None = None,
) -> Credential:
    """Seat an alternate in place of an absent delegate (or of a seated alternate who left).

    Alternates sit in the order they were elected: by default the first one waiting; naming a
    later one is refused while an earlier one waits.
    """
    require_everywhere(actor, "convention.manage")
    absent = Credential.objects.select_for_update().select_related("result").get(pk=absent.pk)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why the delegate's seat is taken by an alternate."})
    if not absent.result.current:
        raise ValidationError("That result has been replaced.")
    if absent.status not in (SeatStatus.CREDENTIALED, SeatStatus.SEATED):
        raise ValidationError(f"{absent.member} does not hold a seat.")
    waiting = list(
        Credential.objects.select_for_update()
        .filter(result=absent.result, kind=SeatKind.ALTERNATE, status=SeatStatus.WAITING)
        .select_related("member")
        .order_by("rank")
    )
    if not waiting:
        raise ValidationError(f"{absent.result.election.branch} has no alternate left to seat.")
    if alternate is None:
        alternate = waiting[0]
    elif alternate.pk not in {seat.pk for seat in waiting}:
        raise ValidationError(f"{alternate.member} is not a waiting alternate of this branch.")
    elif alternate.pk != waiting[0].pk:
        raise ValidationError(
            f"Alternates sit in the order elected: {waiting[0].member} is next, "
            f"before {alternate.member}."
        )
    else:
        alternate = waiting[0]
    absent.status = SeatStatus.ABSENT
    absent.save(update_fields=["status"])
    alternate.status = SeatStatus.SEATED
    alternate.replaces = absent
    alternate.seated_reason = reason
    alternate.seated_by = actor
    alternate.seated_at = timezone.now()
    alternate.save()
    election = absent.result.election
    append_event(
        actor=actor,
        action="convention.seat_alternate",
        target=alternate,
        member=alternate.member,
        branch=election.branch,
        reason=reason,
        payload={
            "convention": election.convention.slug,
            "branch": election.branch.slug,
            "absent": absent.member.member_number,
            "seated": alternate.member.member_number,
        },
    )
    return alternate


@transaction.atomic
def do_return_to_seat(actor: Any, returning: Credential, *, reason: str) -> Credential:
    """Give an absent delegate (or a seated alternate who had left) their seat back: the
    alternate who sat in their place goes back to waiting, first in line again."""
    require_everywhere(actor, "convention.manage")
    returning = (
        Credential.objects.select_for_update()
        .select_related("result__election__branch", "result__election__convention", "member")
        .get(pk=returning.pk)
    )
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why the seat goes back."})
    if not returning.result.current:
        raise ValidationError("That result has been replaced.")
    if returning.status != SeatStatus.ABSENT:
        raise ValidationError(f"{returning.member} is not marked absent.")
    substitute = (
        Credential.objects.select_for_update()
        .select_related("member")
        .filter(replaces=returning)
        .first()
    )
    if substitute is None or substitute.status != SeatStatus.SEATED:
        raise ValidationError(
            f"The alternate who took {returning.member}'s seat does not hold it now; "
            "give it back from that alternate first."
        )
    substitute.status = SeatStatus.WAITING
    substitute.replaces = None
    substitute.seated_reason = ""
    substitute.seated_by = None
    substitute.seated_at = None
    substitute.save()
    returning.status = (
        SeatStatus.CREDENTIALED if returning.kind == SeatKind.DELEGATE else SeatStatus.SEATED
    )
    returning.save(update_fields=["status"])
    election = returning.result.election
    append_event(
        actor=actor,
        action="convention.return_to_seat",
        target=returning,
        member=returning.member,
        branch=election.branch,
        reason=reason,
        payload={
            "convention": election.convention.slug,
            "branch": election.branch.slug,
            "returned": returning.member.member_number,
            "back_to_waiting": substitute.member.member_number,
        },
    )
    return returning


@dataclass
class RollBranch:
    """One branch on the credentials roll."""

    election: DelegateElection
    result: ElectionResult | None
    delegates: list[Credential] = field(default_factory=list)
    alternates: list[Credential] = field(default_factory=list)

    @property
    def seated(self) -> int:
        """Voting delegates now: credentialed delegates and seated alternates."""
        return sum(
            1
            for seat in [*self.delegates, *self.alternates]
            if seat.status in (SeatStatus.CREDENTIALED, SeatStatus.SEATED)
        )

    @property
    def vacant(self) -> int:
        return max(self.election.delegates - self.seated, 0)


@dataclass(frozen=True)
class RollTotals:
    """The credentials roll's figures for the whole convention."""

    allotted: int  # delegate seats the apportionment gives
    elected: int  # delegates elected
    seated: int  # voting delegates now: credentialed delegates and seated alternates
    alternates_seated: int  # alternates seated in place of absent delegates
    absent: int  # delegates and alternates marked absent
    vacant: int  # seats not filled
    awaiting: int  # branches with seats and no result yet


def roll_totals(roll: Sequence[RollBranch]) -> RollTotals:
    """Sum a credentials roll (from `credentials_roll`) over its branches."""
    return RollTotals(
        allotted=sum(entry.election.delegates for entry in roll),
        elected=sum(len(entry.delegates) for entry in roll),
        seated=sum(entry.seated for entry in roll),
        alternates_seated=sum(
            1 for entry in roll for seat in entry.alternates if seat.status == SeatStatus.SEATED
        ),
        absent=sum(
            1
            for entry in roll
            for seat in [*entry.delegates, *entry.alternates]
            if seat.status == SeatStatus.ABSENT
        ),
        vacant=sum(entry.vacant for entry in roll),
        awaiting=sum(1 for entry in roll if entry.result is None and entry.election.delegates),
    )


def credentials_roll(convention: Any, *, election: Any = None) -> list[RollBranch]:
    """Every branch's election (or just `election`) with its current result and
    credentials, in three queries."""
    chosen = DelegateElection.objects.filter(convention=convention)
    if election is not None:
        chosen = chosen.filter(pk=election.pk)
    elections = list(chosen.select_related("branch", "table").order_by("branch__name"))
    results = {
        result.election_id: result
        for result in ElectionResult.objects.filter(election__in=elections, current=True)
    }
    roll = {
        election.pk: RollBranch(election=election, result=results.get(election.pk))
        for election in elections
    }
    seats = (
        Credential.objects.filter(result__in=results.values())
        .select_related("member", "replaces__member", "result")
        .order_by("kind", "rank")
    )
    for seat in seats:
        entry = roll[seat.result.election_id]
        (entry.delegates if seat.kind == SeatKind.DELEGATE else entry.alternates).append(seat)
    return list(roll.values())
