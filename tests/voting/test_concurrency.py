"""One ballot per voter under concurrent requests and retries, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

import pytest
from django.db import connection

from rankfile.voting.actions import BallotRefused, do_cast_ballot, do_close_poll, do_open_poll
from rankfile.voting.models import Ballot, SealedBallot, Voter
from tests.conventions.conftest import add_members
from tests.voting.conftest import ON, east_poll

OPEN_RULES = """
[rule_set]
name = "Every member"
version = "1"
effective_on = 2020-01-01
"""


@pytest.mark.django_db(transaction=True)
def test_it_takes_exactly_one_ballot_from_each_of_25_voters_casting_twice_at_once(
    people: Any,
) -> None:
    from rankfile.standing.rulesets import do_adopt_rules

    do_adopt_rules(None, text=OPEN_RULES, decision="Founding meeting")
    voters = add_members(people.west, 25, prefix="C")
    poll = do_open_poll(None, east_poll(people, actor=None, branch=people.west), as_of=ON)
    assert poll.electorate_size == 25 + 3  # the 25 and West's three personas

    outcomes: Counter[str] = Counter()
    messages: set[str] = set()
    lock = threading.Lock()
    start = threading.Barrier(50)

    def cast(member: Any, choice: int) -> None:
        try:
            start.wait()
            try:
                do_cast_ballot(None, poll, {"ranking": [choice]}, member=member)
                outcome = "taken"
            except BallotRefused as refused:
                outcome = refused.code
                with lock:
                    messages.add(refused.message)
            with lock:
                outcomes[outcome] += 1
        finally:
            connection.close()

    threads = [
        threading.Thread(target=cast, args=(member, attempt % 3))
        for attempt in range(2)
        for member in voters
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert outcomes == {"taken": 25, "already-voted": 25}
    assert messages == {"You have already voted in this poll. Your ballot was counted once."}
    assert SealedBallot.objects.filter(poll=poll).count() == 25
    assert Voter.objects.filter(poll=poll, voted=True).count() == 25
    poll = do_close_poll(None, poll)
    assert Ballot.objects.filter(poll=poll).count() == 25
    assert poll.result["valid"] == "25"


@pytest.mark.django_db(transaction=True)
def test_it_loses_no_ballot_when_the_poll_closes_while_ballots_arrive(people: Any) -> None:
    from rankfile.standing.rulesets import do_adopt_rules

    do_adopt_rules(None, text=OPEN_RULES, decision="Founding meeting")
    voters = add_members(people.west, 25, prefix="R")
    poll = do_open_poll(None, east_poll(people, actor=None, branch=people.west), as_of=ON)
    outcomes: Counter[str] = Counter()
    lock = threading.Lock()
    start = threading.Barrier(26)

    def cast(member: Any) -> None:
        try:
            start.wait()
            try:
                do_cast_ballot(None, poll, {"ranking": [0]}, member=member)
                outcome = "taken"
            except BallotRefused as refused:
                outcome = refused.code
            with lock:
                outcomes[outcome] += 1
        finally:
            connection.close()

    def close() -> None:
        try:
            start.wait()
            do_close_poll(None, poll)
        finally:
            connection.close()

    threads = [threading.Thread(target=cast, args=(m,)) for m in voters]
    threads.insert(12, threading.Thread(target=close))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert set(outcomes) <= {"taken", "not-open"}
    assert sum(outcomes.values()) == 25
    assert not SealedBallot.objects.filter(poll=poll).exists()  # none sealed after the close
    assert Ballot.objects.filter(poll=poll).count() == outcomes["taken"]
    assert Voter.objects.filter(poll=poll, voted=True).count() == outcomes["taken"]
