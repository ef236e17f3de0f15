"""Every write of a poll: create, open (fixing the electorate), cast, enter a hand count, close.

Casting a secret ballot appends no audit event (an event per ballot would pair a voter's
turn with a ballot by time): the poll's opening, with its electorate, and its close, with the
counts and the hash of the published ballots, are on the record. See docs/voting.md.
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from rankfile.audit.actions import append_event
from rankfile.conventions.elections import do_record_election_result
from rankfile.conventions.models import Convention, DelegateElection
from rankfile.members.access import viewer_for
from rankfile.members.models import Branch, Member
from rankfile.voting import electorate, results, sealing
from rankfile.voting.models import (
    METHOD_CHOICES,
    Ballot,
    ElectorateRule,
    EnteredCount,
    Poll,
    PollCandidate,
    PollKind,
    PollMode,
    PollState,
    SealedBallot,
    Threshold,
    Voter,
)


class BallotRefused(Exception):
    """A ballot that cannot be taken, with the reason a voter reads. `code`: "not-open",
    "already-voted" or "not-in-electorate"."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


ALREADY_VOTED = "You have already voted in this poll. Your ballot was counted once."


class StalePoll(Exception):
    """The poll object given is not the poll with that id in the database (a cache that
    outlived its database): nothing was written; look the poll up again."""


def can_manage(actor: Any, poll: Poll) -> bool:
    """Officers of the poll's body: `poll.manage` over its branch; over the whole
    organization for organization-wide polls; `convention.manage` for a convention's."""
    if actor is None:
        return True
    viewer = viewer_for(actor)
    if poll.convention_id is not None:
        return viewer.can_everywhere("convention.manage") or viewer.can_everywhere("poll.manage")
    if poll.branch_id is not None:
        return viewer.can("poll.manage", poll.branch_id)
    return viewer.can_everywhere("poll.manage")


def require_manager(actor: Any, poll: Poll) -> None:
    if not can_manage(actor, poll):
        raise PermissionDenied("You do not hold an office that manages this poll.")


@transaction.atomic
def do_create_poll(
    actor: Any,
    *,
    title: str,
    kind: str,
    description: str = "",
    branch: Branch | None = None,
    convention: Convention | None = None,
    delegate_election: DelegateElection | None = None,
    method: str = "scottish-stv",
    seats: int = 1,
    candidates: Sequence[str | Member] = (),
    mode: str = "secret",
    threshold: str = "majority",
    electorate_rule: str | None = None,
    weighted: bool = False,
    as_of: datetime.date | None = None,
) -> Poll:
    """A poll in draft: nothing is fixed until it opens. Candidates are names or members."""
    title = title.strip()
    errors: dict[str, str] = {}
    if not title:
        errors["title"] = "Give the poll a title."
    if kind not in PollKind.values:
        errors["kind"] = f"Choose a motion or an election, not {kind!r}."
    if mode not in PollMode.values:
        errors["mode"] = f"Choose secret, named or entered, not {mode!r}."
    if threshold not in Threshold.values:
        errors["threshold"] = f"Unknown threshold {threshold!r}."
    if delegate_election is not None:
        branch, convention = delegate_election.branch, None
        if kind != PollKind.ELECTION:
            errors["kind"] = "A delegate election is an election."
    if branch is not None and convention is not None:
        errors["convention"] = "A poll belongs to a branch, the organization or a convention."
    rule = electorate_rule or (
        ElectorateRule.DELEGATES if convention is not None else ElectorateRule.STANDING
    )
    if rule not in ElectorateRule.values:
        errors["electorate_rule"] = f"Unknown electorate rule {rule!r}."
    elif rule == ElectorateRule.DELEGATES and convention is None:
        errors["electorate_rule"] = "Only a convention's poll has its delegates as electorate."
    if weighted and rule != ElectorateRule.DELEGATES:
        errors["weighted"] = "Weighted (card) votes are for a convention's delegates."
    if weighted and mode == PollMode.SECRET:
        errors["weighted"] = (
            "A card vote is a roll call: a weight on a secret ballot could name its voter. "
            "Choose the named or entered mode."
        )
    names: list[tuple[str, Member | None]] = []
    if kind == PollKind.ELECTION:
        if method not in {m for m, _ in METHOD_CHOICES}:
            errors["method"] = f"Unknown counting method {method!r}."
        for entry in candidates:
            if isinstance(entry, Member):
                names.append((entry.full_name, entry))
            elif str(entry).strip():
                names.append((str(entry).strip(), None))
        if len(names) < 2:
            errors["candidates"] = "An election needs at least two candidates."
        if len(names) > 250:
            errors["candidates"] = "At most 250 candidates."
        if len({n for n, _ in names}) != len(names):
            errors["candidates"] = "Two candidates have the same name."
        if seats < 1 or (names and seats >= len(names) and method not in ("approval",)):
            errors["seats"] = "There must be at least one seat and fewer seats than candidates."
        if method in ("irv", "schulze") and seats != 1:
            errors["seats"] = "Instant runoff and Schulze fill one seat."
        if mode == PollMode.ENTERED and method not in ("plurality", "block-plurality", "approval"):
            errors["mode"] = (
                "A hand count gives votes per candidate: use plurality, block or approval, "
                "or count ranked ballots from their file."
            )
    else:
        method, seats = "", 1
    if errors:
        raise ValidationError(errors)
    poll = Poll(
        title=title,
        description=description.strip(),
        branch=branch,
        convention=convention,
        delegate_election=delegate_election,
        kind=kind,
        method=method,
        seats=seats,
        mode=mode,
        threshold=threshold,
        electorate_rule=rule,
        weighted=weighted,
        as_of=as_of,
        created_by=actor,
        created_at=timezone.now(),
    )
    require_manager(actor, poll)
    poll.save()
    PollCandidate.objects.bulk_create(
        [
            PollCandidate(poll=poll, position=i, name=name, member=member)
            for i, (name, member) in enumerate(names)
        ]
    )
    append_event(
        actor=actor,
        action="poll.create",
        target=poll,
        branch=branch,
        payload={
            "title": title,
            "body": poll.body_name,
            "kind": kind,
            "method": method,
            "seats": seats,
            "mode": mode,
            "threshold": threshold,
            "electorate_rule": rule,
            "weighted": weighted,
            "candidates": [name for name, _ in names],
        },
    )
    return poll


def _locked(poll: Poll) -> Poll:
    return Poll.objects.select_for_update().get(pk=poll.pk)


@transaction.atomic
def do_open_poll(actor: Any, poll: Poll, *, as_of: datetime.date | None = None) -> Poll:
    """Open the poll and fix its electorate, which goes on the record (count and hash)."""
    poll = _locked(poll)
    require_manager(actor, poll)
    if poll.state != PollState.DRAFT:
        raise ValidationError(f"The poll is {poll.get_state_display().lower()}, not a draft.")
    poll.as_of = as_of or poll.as_of or timezone.localdate()
    entries = electorate.compute(poll)
    eligible = [e for e in entries if e.eligible]
    if not eligible:
        raise ValidationError("No one is entitled to vote in this poll: it cannot open.")
    Voter.objects.bulk_create(
        [
            Voter(
                poll=poll,
                member_id=e.member_id,
                eligible=e.eligible,
                reason=e.reason,
                weight=e.weight,
            )
            for e in entries
        ],
        batch_size=2000,
    )
    poll.state = PollState.OPEN
    poll.opened_at = timezone.now()
    poll.electorate_size = len(eligible)
    poll.electorate_weight = sum(e.weight for e in eligible)
    poll.save()
    append_event(
        actor=actor,
        action="poll.open",
        target=poll,
        branch=poll.branch,
        payload={
            "title": poll.title,
            "as_of": poll.as_of.isoformat(),
            "electorate_rule": poll.electorate_rule,
            "electorate": len(eligible),
            "electorate_weight": poll.electorate_weight,
            "left_out": len(entries) - len(eligible),
            "electorate_sha256": electorate.digest(entries),
        },
    )
    return poll


def check_content(poll: Poll, data: Any) -> dict[str, Any]:
    """The ballot's content in its stored form, or ValidationError saying what is wrong.
    Candidates are given by position (0-based)."""
    if not isinstance(data, dict):
        raise ValidationError("A ballot is an object.")
    if poll.is_motion:
        vote = data.get("vote")
        if vote not in results.MOTION_OPTIONS:
            raise ValidationError('Vote "yes", "no" or "abstain".')
        return {"vote": vote}
    count = _count(poll)
    key = "ranking" if poll.is_ranked else "choices"
    order = data.get(key)
    if not isinstance(order, list) or not all(
        isinstance(c, int) and not isinstance(c, bool) for c in order
    ):
        raise ValidationError(f'Give "{key}" as a list of candidates.')
    if any(c < 0 or c >= count for c in order):
        raise ValidationError("The ballot names a candidate who is not standing in this poll.")
    if len(set(order)) != len(order):
        raise ValidationError("A candidate appears twice on the ballot.")
    if not order:
        raise ValidationError(
            "Rank at least one candidate." if poll.is_ranked else "Mark at least one candidate."
        )
    if not poll.is_ranked:
        if len(order) > poll.max_choices:
            allowed = poll.max_choices
            raise ValidationError(f"Mark at most {allowed} candidate{'s' if allowed != 1 else ''}.")
        order = sorted(order)
    return {key: order}


def _not_open(state: str | None) -> BallotRefused:
    return BallotRefused(
        "This poll is closed: no more ballots are taken."
        if state == PollState.CLOSED
        else "This poll is not open for voting yet.",
        "not-open",
    )


# PostgreSQL: mark the voter only while the poll is open, holding a shared lock on the poll
# row in the same statement (one round trip): ballots go in side by side, a close (FOR UPDATE)
# waits for those in flight, and a ballot that waited for a close sees it closed (the locked
# row is re-checked) and marks nothing.
MARK_VOTER_SQL = """
UPDATE voting_voter SET voted = true, receipt_hash = %s
WHERE poll_id = %s AND member_id = %s AND eligible AND NOT voted
  AND EXISTS (SELECT 1 FROM voting_poll WHERE id = %s AND key_id = %s AND state = 'open'
              FOR SHARE)
"""


def _mark_voter(poll: Poll, member: Member, code_hash: str) -> None:
    """Mark the member as having voted, in the caller's transaction, or raise why not."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(MARK_VOTER_SQL, [code_hash, poll.pk, member.pk, poll.pk, poll.key_id])
            marked = cursor.rowcount
    else:
        # SQLite: writers are one at a time (IMMEDIATE transactions), so the state read here
        # cannot change before this transaction ends.
        _check_open(poll)
        marked = Voter.objects.filter(
            poll_id=poll.pk, member_id=member.pk, eligible=True, voted=False
        ).update(voted=True, receipt_hash=code_hash)
    if marked != 1:
        _check_open(poll)
        raise _refusal(poll, member)


def _check_open(poll: Poll) -> None:
    row = Poll.objects.filter(pk=poll.pk).values_list("state", "key_id").first()
    if row is None or row[1] != poll.key_id:
        raise StalePoll()
    if row[0] != PollState.OPEN:
        raise _not_open(row[0])


def do_cast_ballot(actor: Any, poll: Poll, content: Any, *, member: Member | None = None) -> str:
    """Take one ballot from the actor's member and return their receipt code.

    Marking the voter and storing the ballot are one transaction; the voter's row is marked
    only if it was not and the poll is open (one conditional UPDATE, atomic under its row
    lock, with a shared lock on the poll), and a secret
    ballot's keyed voter token is unique per poll, so a second ballot is refused by the
    database whatever the timing. Raises BallotRefused or ValidationError (bad content).
    """
    if member is None:
        member = Member.objects.filter(user=actor).only("pk").first() if actor else None
    if member is None:
        raise BallotRefused(
            "This account is not linked to a membership record.", "not-in-electorate"
        )
    if poll.mode == PollMode.ENTERED:
        raise BallotRefused(
            "This poll is counted by hand: the tellers enter the counts.", "not-open"
        )
    stored = check_content(poll, content)
    code, code_hash = sealing.receipt()
    try:
        with transaction.atomic():
            _mark_voter(poll, member, code_hash)
            if poll.mode == PollMode.SECRET:
                SealedBallot.objects.create(
                    poll_id=poll.pk,
                    token=sealing.voter_token(poll.key_id, member.pk),
                    box=sealing.seal(poll.key_id, stored, sealing.padded_size(_count(poll))),
                )
            else:
                weight = Voter.objects.filter(poll_id=poll.pk, member_id=member.pk).values_list(
                    "weight", flat=True
                )[0]
                Ballot.objects.create(poll_id=poll.pk, content=stored, weight=weight, member=member)
    except IntegrityError:
        raise BallotRefused(ALREADY_VOTED, "already-voted") from None
    return code


def _count(poll: Poll) -> int:
    """The number of candidates (looked up once per poll object)."""
    cached: int | None = getattr(poll, "_candidate_count", None)
    if cached is None:
        cached = 0 if poll.is_motion else poll.candidates.count()
        poll._candidate_count = cached
    return cached


def _refusal(poll: Poll, member: Member) -> BallotRefused:
    voter = Voter.objects.filter(poll_id=poll.pk, member_id=member.pk).first()
    if voter is not None and voter.voted:
        return BallotRefused(ALREADY_VOTED, "already-voted")
    return BallotRefused(
        electorate.why_not(poll, member) or "You are not in this poll's electorate.",
        "not-in-electorate",
    )


@transaction.atomic
def do_enter_counts(actor: Any, poll: Poll, counts: dict[str, int]) -> Poll:
    """The tellers' hand count (entered mode), on the record; entering again replaces it."""
    poll = _locked(poll)
    require_manager(actor, poll)
    if poll.mode != PollMode.ENTERED:
        raise ValidationError("Only a hand-counted poll takes entered counts.")
    if poll.state != PollState.OPEN:
        raise ValidationError("Counts are entered while the poll is open, before it closes.")
    options = (
        list(results.MOTION_OPTIONS) if poll.is_motion else [c.name for c in poll.candidates.all()]
    )
    unknown = set(counts) - set(options)
    if unknown:
        raise ValidationError(f"Not an option of this poll: {', '.join(sorted(unknown))}.")
    if any(not isinstance(v, int) or isinstance(v, bool) or v < 0 for v in counts.values()):
        raise ValidationError("Counts are whole numbers, zero or more.")
    if poll.is_motion and sum(counts.values()) > poll.electorate_weight:
        raise ValidationError(
            f"{sum(counts.values())} votes, but only {poll.electorate_weight} are entitled."
        )
    EnteredCount.objects.filter(poll=poll).delete()
    EnteredCount.objects.bulk_create(
        [EnteredCount(poll=poll, option=o, votes=counts.get(o, 0)) for o in options]
    )
    append_event(
        actor=actor,
        action="poll.enter_counts",
        target=poll,
        branch=poll.branch,
        payload={"counts": {o: counts.get(o, 0) for o in options}},
    )
    return poll


def _publish_sealed(poll: Poll) -> None:
    """Open the sealed ballots and write them in random order under new random ids, in this
    transaction; delete the sealed rows; rewrite every voter row, so that no live row keeps
    the transaction id of a vote."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            # Deleted rows' bytes are overwritten, not left in free pages.
            cursor.execute("PRAGMA secure_delete = ON")
    contents = [
        sealing.unseal(poll.key_id, box)
        for box in SealedBallot.objects.filter(poll=poll).values_list("box", flat=True)
    ]
    secrets.SystemRandom().shuffle(contents)
    Ballot.objects.bulk_create(
        [Ballot(poll=poll, content=c, weight=1) for c in contents], batch_size=2000
    )
    SealedBallot.objects.filter(poll=poll).delete()
    Voter.objects.filter(poll=poll).update(voted=F("voted"))


def _after_close() -> None:
    """Leave no trace of the deleted sealed rows where the database can drop it."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and settings.BALLOT_VACUUM_FULL:
            cursor.execute("VACUUM FULL voting_sealedballot, voting_voter")
        elif connection.vendor == "sqlite":
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def do_close_poll(actor: Any, poll: Poll) -> Poll:
    """Close the poll: publish the ballots, count them, record the result (and a delegate
    election's through the conventions app), with the counts and the ballots' hash on the
    record."""
    with transaction.atomic():
        poll = _close(actor, poll)
    if poll.mode == PollMode.SECRET and not connection.in_atomic_block:
        try:
            _after_close()
        except Exception:  # noqa: BLE001 - housekeeping must not undo a recorded close
            pass
    return poll


def _close(actor: Any, poll: Poll) -> Poll:
    poll = _locked(poll)
    require_manager(actor, poll)
    if poll.state != PollState.OPEN:
        raise ValidationError(f"The poll is {poll.get_state_display().lower()}, not open.")
    if poll.mode == PollMode.SECRET:
        _publish_sealed(poll)
    names = [c.name for c in poll.candidates.all()]
    voted = Voter.objects.filter(poll=poll, voted=True).count()
    if poll.mode == PollMode.ENTERED:
        entered = dict(EnteredCount.objects.filter(poll=poll).values_list("option", "votes"))
        if not entered:
            raise ValidationError("Enter the tellers' counts before closing the poll.")
        contents = [({"option": k}, v) for k, v in sorted(entered.items())]
        if poll.is_motion:
            poll.result = results.motion_result(poll, entered)
        else:
            ballots = results.entered_election_set(poll, names, entered)
            poll.result, poll.result_svg = results.election_result(poll, ballots)
    else:
        contents = list(Ballot.objects.filter(poll=poll).values_list("content", "weight"))
        if poll.is_motion:
            tally = {option: 0 for option in results.MOTION_OPTIONS}
            for content, weight in contents:
                tally[content["vote"]] += weight
            poll.result = results.motion_result(poll, tally)
        elif contents:
            ballots = results.ballot_set(poll, names, contents)
            poll.result, poll.result_svg = results.election_result(poll, ballots)
        else:
            poll.result = {"kind": "election", "elected": [], "rounds": [], "candidates": names,
                           "notes": ["No ballots were cast."]}  # fmt: skip
    poll.ballots_sha256 = results.ballots_hash(contents)
    poll.state = PollState.CLOSED
    poll.closed_at = timezone.now()
    poll.save()
    counted = sum(weight for _, weight in contents)
    append_event(
        actor=actor,
        action="poll.close",
        target=poll,
        branch=poll.branch,
        payload={
            "title": poll.title,
            "electorate": poll.electorate_size,
            "voted": voted,
            "ballots": counted,
            "ballots_sha256": poll.ballots_sha256,
            "outcome": poll.result.get("outcome", "") if poll.is_motion else "",
            "elected": [] if poll.is_motion else list(poll.result.get("elected", [])),
        },
    )
    if poll.delegate_election_id and not poll.is_motion:
        _report_delegates(poll)
    return poll


def _report_delegates(poll: Poll) -> None:
    election = poll.delegate_election
    assert election is not None and poll.result is not None
    candidates = {c.position: c for c in poll.candidates.select_related("member")}
    elected = [candidates[p].member for p in poll.result.get("elected_positions", [])]
    members = [m for m in elected if m is not None]
    if not members:
        return
    # The system records it, as the closing of the poll: the officer who closed the poll
    # need not hold the credentials committee's powers.
    do_record_election_result(
        None,
        election,
        members[: election.delegates],
        members[election.delegates : election.delegates + election.alternates],
        f"Poll {poll.pk}, {dict(METHOD_CHOICES).get(poll.method, poll.method)}",
        reason=f"Poll {poll.pk} closed" if election.results.filter(current=True).exists() else "",
    )
