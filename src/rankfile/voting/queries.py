"""Reading polls: which a person may see, turnout, results (only once closed)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from rankfile.members.access import viewer_for
from rankfile.members.models import Branch
from rankfile.voting.actions import can_manage
from rankfile.voting.models import Ballot, Poll, PollState, Voter


def _ancestors(branch_id: int) -> set[int]:
    parents = dict(Branch.objects.values_list("pk", "parent_id"))
    found: set[int] = set()
    current: int | None = branch_id
    while current is not None and current not in found:
        found.add(current)
        current = parents.get(current)
    return found


def visible_polls(user: Any) -> QuerySet[Poll]:
    """Polls a person may see: those of the organization and conventions, those of their
    branch and the branches above it, those of branches they manage polls in, and any they
    are in the electorate of. Drafts only to those who manage them."""
    viewer = viewer_for(user)
    qs = Poll.objects.select_related("branch", "convention")
    scope = viewer.scope("poll.manage")
    if viewer.superuser or not isinstance(scope, frozenset):
        return qs
    branches: set[int] = set(scope)
    if viewer.member is not None:
        branches |= _ancestors(viewer.member.branch_id)
    condition = Q(branch__isnull=True) | Q(branch_id__in=branches)
    if viewer.member is not None:
        condition |= Q(voters__member=viewer.member)
    qs = qs.filter(condition).distinct()
    return qs.filter(~Q(state=PollState.DRAFT) | Q(branch_id__in=scope))


def access_poll(user: Any, poll_id: int | str) -> Poll:
    """The poll, if the user may see it; Http404 otherwise."""
    try:
        return visible_polls(user).get(pk=int(poll_id))
    except (Poll.DoesNotExist, ValueError, TypeError):
        raise Http404("No such poll.") from None


def access_managed_poll(user: Any, poll_id: int | str) -> Poll:
    poll = access_poll(user, poll_id)
    if not can_manage(user, poll):
        raise PermissionDenied("You do not hold an office that manages this poll.")
    return poll


@dataclass(frozen=True)
class Turnout:
    voted: int
    electorate: int

    @property
    def percent(self) -> int:
        return round(100 * self.voted / self.electorate) if self.electorate else 0


def turnout(poll: Poll) -> Turnout:
    voted = (
        Voter.objects.filter(poll=poll, voted=True).count() if poll.state != PollState.DRAFT else 0
    )
    return Turnout(voted, poll.electorate_size)


def results_visible(poll: Poll) -> bool:
    """Results exist for no one, the chair and admins included, until the poll closes."""
    return poll.state == PollState.CLOSED


def require_results(poll: Poll) -> None:
    if not results_visible(poll):
        raise PermissionDenied(
            "Results are hidden from everyone until the poll closes; only the turnout is shown."
        )


def published_ballots(poll: Poll) -> list[tuple[dict[str, Any], int]]:
    """The published ballots (contents and weights) in their stored, random order."""
    require_results(poll)
    return list(Ballot.objects.filter(poll=poll).values_list("content", "weight"))


def roll_call(poll: Poll) -> list[tuple[Any, dict[str, Any]]]:
    """Who voted what, in a named poll once closed."""
    require_results(poll)
    if poll.mode != "named":
        return []
    return [
        (ballot.member, ballot.content)
        for ballot in Ballot.objects.filter(poll=poll)
        .select_related("member")
        .order_by("member__last_name", "member__first_name")
    ]


def my_open_polls(user: Any) -> list[tuple[Poll, Voter]]:
    """The open polls the user may vote in (or has voted in), for the home page."""
    viewer = viewer_for(user)
    if viewer.member is None:
        return []
    voters = Voter.objects.filter(
        member=viewer.member, eligible=True, poll__state=PollState.OPEN
    ).select_related("poll")
    return [(v.poll, v) for v in voters]
