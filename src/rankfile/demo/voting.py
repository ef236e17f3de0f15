"""Demo step: Harbour City's votes, through the voting actions.

A closed secret STV election of the branch committee, a closed secret motion (two thirds),
a closed roll-call vote, and an open secret election the `member` persona can vote in. The
electorate is judged on the latest month start on which that member was in good standing (he
has since fallen behind: a record date fixed before the vote, as organizations do).
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from rankfile.accounts.models import User
from rankfile.core.dates import add_months
from rankfile.members.models import Branch, Member
from rankfile.standing.facts import determine_member
from rankfile.voting.actions import do_cast_ballot, do_close_poll, do_create_poll, do_open_poll
from rankfile.voting.models import Voter

if TYPE_CHECKING:
    from rankfile.demo import DemoContext

BRANCH = "Harbour City"


def _record_date(member: Member) -> datetime.date:
    """The latest first of a month (this month back a year) on which `member` stood well."""
    first = timezone.localdate().replace(day=1)
    for back in range(13):
        day = add_months(first, -back, "clamp")
        if determine_member(member, day).in_good_standing:
            return day
    return first


def _ranking(rng: Any, popularity: list[float]) -> list[int]:
    """A partial ranking drawn by popularity, without repeats."""
    left = list(range(len(popularity)))
    order: list[int] = []
    length = rng.randint(1, len(left))
    while left and len(order) < length:
        pick = rng.choices(left, weights=[popularity[c] for c in left])[0]
        order.append(pick)
        left.remove(pick)
    return order


def _voters(poll: Any) -> list[Member]:
    ids = Voter.objects.filter(poll=poll, eligible=True).values_list("member_id", flat=True)
    return list(Member.objects.filter(pk__in=list(ids)).order_by("member_number"))


def load(context: DemoContext) -> None:
    rng = context.rng
    branch = Branch.objects.get(name=BRANCH)
    secretary = User.objects.get(email="secretary@demo.rankfile.org")
    persona = Member.objects.get(email="member@demo.rankfile.org")
    as_of = _record_date(persona)
    people = list(Member.objects.filter(branch=branch, status="member").exclude(pk=persona.pk)[:40])
    if len(people) < 10:
        return  # a small demo (`--members 50`): too few in the branch for credible polls
    names = [m for m in rng.sample(people, 6)]

    committee = do_create_poll(
        secretary,
        title="Elect the Harbour City branch committee",
        description="Three seats, counted by Scottish STV.",
        kind="election",
        branch=branch,
        method="scottish-stv",
        seats=3,
        candidates=names,
        as_of=as_of,
    )
    do_open_poll(secretary, committee)
    popularity = [rng.uniform(0.5, 3.0) for _ in names]
    for voter in _voters(committee):
        if voter.pk != persona.pk and rng.random() < 0.8:
            do_cast_ballot(None, committee, {"ranking": _ranking(rng, popularity)}, member=voter)
    do_close_poll(secretary, committee)

    budget = do_create_poll(
        secretary,
        title="Adopt the branch budget for next year",
        description="That the branch adopts the budget circulated by the treasurer.",
        kind="motion",
        branch=branch,
        threshold="two-thirds",
        as_of=as_of,
    )
    _motion(rng, secretary, budget, persona, yes=0.62, no=0.3)

    strike = do_create_poll(
        secretary,
        title="Endorse the transit workers' strike",
        description="That the branch endorses the strike and joins the picket lines.",
        kind="motion",
        branch=branch,
        mode="named",
        as_of=as_of,
    )
    _motion(rng, secretary, strike, persona, yes=0.8, no=0.12)

    council = do_create_poll(
        secretary,
        title="Elect Harbour City's delegate to the regional council",
        description="One seat, by instant runoff. Rank as many candidates as you like.",
        kind="election",
        branch=branch,
        method="irv",
        seats=1,
        candidates=rng.sample(people, 4),
        as_of=as_of,
    )
    do_open_poll(secretary, council)
    popularity = [rng.uniform(0.5, 3.0) for _ in range(4)]
    for voter in _voters(council):
        if voter.pk != persona.pk and rng.random() < 0.4:
            do_cast_ballot(None, council, {"ranking": _ranking(rng, popularity)}, member=voter)
    context.data["polls"] = [committee.pk, budget.pk, strike.pk, council.pk]


def _motion(
    rng: Any, secretary: User, poll: Any, persona: Member, *, yes: float, no: float
) -> None:
    do_open_poll(secretary, poll)
    for voter in _voters(poll):
        if voter.pk == persona.pk or rng.random() < 0.15:
            continue
        roll = rng.random()
        vote = "yes" if roll < yes else "no" if roll < yes + no else "abstain"
        do_cast_ballot(None, poll, {"vote": vote}, member=voter)
    do_close_poll(secretary, poll)
