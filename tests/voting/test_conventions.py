"""Polls and conventions: a branch's delegate election decided by a poll, and a convention's
card vote by its seated delegates."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from rankfile.conventions.models import Credential, ElectionResult
from rankfile.voting.actions import do_cast_ballot, do_close_poll, do_create_poll, do_open_poll
from rankfile.voting.models import Voter
from tests.conventions.conftest import setting  # noqa: F401  (fixture)
from tests.conventions.test_elections import election, published  # noqa: F401  (fixture)
from tests.voting.test_concurrency import OPEN_RULES

ON = datetime.date(2026, 10, 1)


@pytest.fixture
def decided(published: Any) -> Any:  # noqa: F811
    """East's delegate election decided by a secret STV poll of East's members."""
    from rankfile.standing.rulesets import do_adopt_rules

    do_adopt_rules(None, text=OPEN_RULES, decision="Founding meeting")
    east = election(published, "east")
    candidates = published.east_members[8:13]
    poll = do_create_poll(
        published.people.secretary,
        title="East's delegates",
        kind="election",
        delegate_election=east,
        candidates=candidates,
        seats=east.delegates,
        as_of=ON,
    )
    poll = do_open_poll(published.people.secretary, poll)
    for index, member in enumerate(published.east_members[8:30]):
        ranking = [index % 5, (index + 1) % 5, (index + 2) % 5]
        do_cast_ballot(None, poll, {"ranking": ranking}, member=member)
    published.poll = do_close_poll(published.people.secretary, poll)
    published.east = east
    return published


def test_it_reports_a_delegate_election_through_the_conventions_app(decided: Any) -> None:
    result = ElectionResult.objects.get(election=decided.east, current=True)
    assert result.source.startswith(f"Poll {decided.poll.pk}")
    delegates = list(
        Credential.objects.filter(result=result, kind="delegate")
        .order_by("rank")
        .values_list("member__first_name", "member__last_name")
    )
    assert [f"{first} {last}" for first, last in delegates] == decided.poll.result["elected"][
        : decided.east.delegates
    ]


def test_it_gives_a_convention_card_vote_to_its_seated_delegates(decided: Any) -> None:
    poll = do_create_poll(
        decided.credentials,
        title="Adopt the perspectives document",
        kind="motion",
        convention=decided.convention,
        mode="named",
        weighted=True,
    )
    poll = do_open_poll(decided.credentials, poll)
    voters = list(Voter.objects.filter(poll=poll, eligible=True))
    assert len(voters) == decided.east.delegates
    # East's 33 members in good standing at the cut-off, shared among its delegates.
    assert sum(v.weight for v in voters) == 33
    do_cast_ballot(None, poll, {"vote": "yes"}, member=voters[0].member)
    poll = do_close_poll(decided.credentials, poll)
    assert poll.result["yes"] == voters[0].weight


def test_it_drafts_a_delegate_election_poll_from_the_page_with_its_candidates(
    published: Any,  # noqa: F811
    client: Any,
) -> None:
    from rankfile.conventions.elections import do_stand
    from rankfile.standing.rulesets import do_adopt_rules
    from rankfile.voting.models import Poll

    do_adopt_rules(None, text=OPEN_RULES, decision="Founding meeting")
    east = election(published, "east")
    standing = published.east_members[8:12]
    for member in standing:
        do_stand(None, east, member)
    client.force_login(published.people.secretary)
    form = client.get("/polls/new/").content.decode()
    assert "Ninth Convention: East Branch" in form
    response = client.post(
        "/polls/new/",
        {"title": "East's delegates", "body": f"branch:{published.people.east.pk}",
         "kind": "election", "delegate_election": str(east.pk), "method": "scottish-stv",
         "seats": str(east.delegates), "mode": "secret", "as_of": "2026-10-01"},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()
    poll = Poll.objects.get(delegate_election=east)
    assert sorted(c.member_id for c in poll.candidates.all()) == sorted(m.pk for m in standing)
