"""API routes for polls: the caller's polls, casting a ballot, and the officers' steps.

The ballot route is the hot path of a vote (thousands of ballots in seconds): it reads the
poll and the caller's member in two queries and leaves the rest to the one transaction of
`do_cast_ballot`; whether the poll is visible at all is looked up only when the ballot is
refused.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Router, Schema
from ninja.responses import Status

from rankfile.api.schemas import Error
from rankfile.conventions.models import Convention, DelegateElection
from rankfile.members.models import Branch, Member
from rankfile.voting import actions, queries, results
from rankfile.voting.models import Poll, PollCandidate, PollMode, PollState

router = Router(tags=["polls"])


class CandidateOut(Schema):
    id: int
    name: str


class TurnoutOut(Schema):
    voted: int
    electorate: int


class PollOut(Schema):
    id: int
    title: str
    description: str
    body: str
    kind: str
    method: str
    seats: int
    mode: str
    threshold: str
    electorate_rule: str
    weighted: bool
    as_of: datetime.date | None
    state: str
    candidates: list[CandidateOut]
    turnout: TurnoutOut
    you_may_vote: bool | None = None
    you_have_voted: bool | None = None


class PollIn(Schema):
    title: str
    kind: str
    description: str = ""
    branch: str | None = None
    convention: str | None = None
    delegate_election: int | None = None
    method: str = "scottish-stv"
    seats: int = 1
    candidates: list[str] = []
    mode: str = "secret"
    threshold: str = "majority"
    electorate_rule: str | None = None
    weighted: bool = False
    as_of: datetime.date | None = None


class ReceiptOut(Schema):
    poll: int
    receipt: str
    detail: str


def poll_out(request: HttpRequest, poll: Poll) -> dict[str, Any]:
    turnout = queries.turnout(poll)
    data: dict[str, Any] = {
        "id": poll.pk,
        "title": poll.title,
        "description": poll.description,
        "body": poll.body_name,
        "kind": poll.kind,
        "method": poll.method,
        "seats": poll.seats,
        "mode": poll.mode,
        "threshold": poll.threshold,
        "electorate_rule": poll.electorate_rule,
        "weighted": poll.weighted,
        "as_of": poll.as_of,
        "state": poll.state,
        "candidates": [{"id": c.pk, "name": c.name} for c in poll.candidates.all()],
        "turnout": {"voted": turnout.voted, "electorate": turnout.electorate},
    }
    member = Member.objects.filter(user=request.user).only("pk").first()
    if member is not None and poll.state != PollState.DRAFT:
        voter = poll.voters.filter(member=member).only("eligible", "voted").first()
        data["you_may_vote"] = bool(voter and voter.eligible and not voter.voted)
        data["you_have_voted"] = bool(voter and voter.voted)
    return data


@router.get(
    "polls",
    response={200: list[PollOut], 400: Error},
    summary="Polls the caller may see; status=open lists the open polls the caller votes in",
)
def list_polls(request: HttpRequest, status: str | None = None) -> Any:
    if status not in (None, "", *PollState.values):
        return Status(400, {"detail": f"status is one of {', '.join(PollState.values)}."})
    if status == PollState.OPEN:
        polls = [poll for poll, _voter in queries.my_open_polls(request.user)]
    else:
        qs = queries.visible_polls(request.user)
        polls = list(qs.filter(state=status) if status else qs)
    return [poll_out(request, poll) for poll in polls]


@router.get("polls/{poll_id}", response={200: PollOut, 404: Error}, summary="A poll")
def get_poll(request: HttpRequest, poll_id: int) -> Any:
    return poll_out(request, queries.access_poll(request.user, poll_id))


# What the ballot path needs of a poll never changes once it is created (kind, method, seats,
# mode, key id, candidates): it is kept per process, so a ballot costs no poll lookup. Its
# state is not taken from here: casting checks it in its own transaction.
_POLLS: dict[int, tuple[Poll, dict[int, int]]] = {}


def _ballot_poll(poll_id: int) -> tuple[Poll, dict[int, int]] | None:
    found = _POLLS.get(poll_id)
    if found is None:
        poll = Poll.objects.filter(pk=poll_id).defer("result", "result_svg").first()
        if poll is None:
            return None
        positions = dict(PollCandidate.objects.filter(poll=poll).values_list("pk", "position"))
        poll._candidate_count = len(positions)
        if len(_POLLS) > 1000:
            _POLLS.clear()
        found = _POLLS[poll_id] = (poll, positions)
    return found


def _ballot_content(poll: Poll, positions: dict[int, int], data: Any) -> dict[str, Any]:
    """The API's ballot (candidate ids) as stored content (candidate positions)."""
    if poll.is_motion or not isinstance(data, dict):
        return data if isinstance(data, dict) else {}
    key = "ranking" if poll.is_ranked else "choices"
    ids = data.get(key)
    if not isinstance(ids, list):
        raise ValidationError(f'Give "{key}": a list of candidate ids.')
    try:
        return {key: [positions[c] for c in ids]}
    except (KeyError, TypeError):
        raise ValidationError(
            "The ballot names a candidate who is not standing in this poll."
        ) from None


@router.post(
    "polls/{poll_id}/ballot",
    response={201: ReceiptOut, 400: Error, 403: Error, 404: Error, 409: Error},
    summary="Cast a ballot: {vote} for a motion, {ranking} ranked, {choices} plurality/approval",
)
def cast_ballot(request: HttpRequest, poll_id: int) -> Any:
    try:
        data = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        return Status(400, {"detail": "The body is not JSON."})
    member = Member.objects.filter(user=request.user).only("pk").first()
    try:
        try:
            code = _cast(request, poll_id, member, data)
        except actions.StalePoll:
            _POLLS.pop(poll_id, None)  # the database changed under the cache: once more
            code = _cast(request, poll_id, member, data)
    except actions.StalePoll:
        return Status(404, {"detail": "No such poll."})
    except actions.BallotRefused as refused:
        queries.access_poll(request.user, poll_id)  # 404 for a poll the caller cannot see
        status = 403 if refused.code == "not-in-electorate" else 409
        return Status(status, {"detail": refused.message})
    return Status(
        201,
        {
            "poll": poll_id,
            "receipt": code,
            "detail": "Your ballot is counted. The receipt proves you took part, not how you voted.",
        },
    )


@router.post("polls", response={201: PollOut, 400: Error, 403: Error}, summary="Draft a poll")
def create_poll(request: HttpRequest, payload: PollIn) -> Any:
    options = payload.dict()
    for name, model, field in (
        ("branch", Branch, "slug"),
        ("convention", Convention, "slug"),
        ("delegate_election", DelegateElection, "pk"),
    ):
        if options[name] is not None:
            found = model.objects.filter(**{field: options[name]}).first()
            if found is None:
                return Status(400, {"detail": f"No {name.replace('_', ' ')} {options[name]!r}."})
            options[name] = found
    poll = actions.do_create_poll(request.user, **options)
    return Status(201, poll_out(request, poll))


def _cast(request: HttpRequest, poll_id: int, member: Member | None, data: Any) -> str:
    found = _ballot_poll(poll_id)
    if found is None:
        raise actions.StalePoll()
    poll, positions = found
    try:
        content = _ballot_content(poll, positions, data)
        return actions.do_cast_ballot(request.user, poll, content, member=member)
    except ValidationError:
        # Judged against the cached poll: make sure it is still the poll in the database.
        if not Poll.objects.filter(pk=poll_id, key_id=poll.key_id).exists():
            raise actions.StalePoll() from None
        raise


def _managed(request: HttpRequest, poll_id: int) -> Poll:
    return queries.access_managed_poll(request.user, poll_id)


@router.post(
    "polls/{poll_id}/open",
    response={200: PollOut, 400: Error, 403: Error, 404: Error},
    summary="Open a poll: its electorate is fixed and recorded",
)
def open_poll(request: HttpRequest, poll_id: int) -> Any:
    return poll_out(request, actions.do_open_poll(request.user, _managed(request, poll_id)))


@router.post(
    "polls/{poll_id}/close",
    response={200: PollOut, 400: Error, 403: Error, 404: Error},
    summary="Close a poll: the ballots are published and counted",
)
def close_poll(request: HttpRequest, poll_id: int) -> Any:
    return poll_out(request, actions.do_close_poll(request.user, _managed(request, poll_id)))


@router.get(
    "polls/{poll_id}/results",
    response={200: dict[str, Any], 403: Error, 404: Error},
    summary="The result, once the poll is closed (refused before, to everyone)",
)
def poll_results(request: HttpRequest, poll_id: int) -> Any:
    poll = queries.access_poll(request.user, poll_id)
    queries.require_results(poll)
    data = dict(poll.result or {})
    data["ballots_sha256"] = poll.ballots_sha256
    if poll.mode == PollMode.NAMED:
        data["roll_call"] = [
            {"member_number": member.member_number, "name": member.full_name, "ballot": content}
            for member, content in queries.roll_call(poll)
        ]
    return data


@router.get(
    "polls/{poll_id}/ballots.blt",
    response={200: None, 403: Error, 404: Error},
    summary="The published ballots of a closed election, as BLT, in random order",
)
def poll_blt(request: HttpRequest, poll_id: int) -> Any:
    poll = queries.access_poll(request.user, poll_id)
    queries.require_results(poll)
    if poll.is_motion or poll.mode == PollMode.ENTERED:
        raise Http404("Only an election's ballots are published as BLT.")
    names = [c.name for c in poll.candidates.all()]
    text = results.blt_text(poll, names, queries.published_ballots(poll))
    return HttpResponse(text, content_type="text/plain; charset=utf-8")
