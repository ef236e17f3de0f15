"""The leak scan: a secret poll whose choices the test knows, then every table (on PostgreSQL
with xmin and ctid), every log line and every email of the run, searched for anything that
links a voter to a choice by value, by order or by time."""

from __future__ import annotations

import itertools
import json
import logging
from typing import Any

import pytest
from django.apps import apps
from django.core import mail
from django.db import connection
from django.test import Client

from rankfile.audit.models import AuditEvent
from rankfile.voting.actions import do_cast_ballot, do_close_poll, do_open_poll
from rankfile.voting.models import Ballot, SealedBallot, Voter
from tests.conventions.conftest import add_members
from tests.voting.conftest import ON, east_poll
from tests.voting.test_concurrency import OPEN_RULES

CANDIDATES = ["Ana", "Ben", "Cy", "Dee", "Eli"]


def dump() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, as the database holds it (with xmin and ctid on PostgreSQL,
    rowid on SQLite), in physical order."""
    tables: dict[str, list[tuple[Any, ...]]] = {}
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            table = model._meta.db_table
            if connection.vendor == "postgresql":
                cursor.execute(f'SELECT xmin::text, ctid::text, * FROM "{table}" ORDER BY ctid')
            else:
                if model._meta.pk.get_internal_type() in ("UUIDField", "CharField"):
                    cursor.execute(f'SELECT rowid, * FROM "{table}" ORDER BY rowid')
                else:
                    cursor.execute(f'SELECT * FROM "{table}"')
            tables[table] = [tuple(str(v) for v in row) for row in cursor.fetchall()]
    return tables


def rankings() -> list[list[int]]:
    """25 different rankings, each naming its voter's choice unmistakably."""
    return [list(p[:3]) for p in itertools.permutations(range(5), 3)][:25]


@pytest.mark.django_db(transaction=True)
def test_it_leaves_nothing_that_links_a_voter_to_a_choice(
    people: Any, caplog: pytest.LogCaptureFixture, client: Client
) -> None:
    from rankfile.standing.rulesets import do_adopt_rules

    caplog.set_level(logging.DEBUG)
    do_adopt_rules(None, text=OPEN_RULES, decision="Founding meeting")
    voters = add_members(people.south, 25, prefix="S")
    poll = east_poll(people, actor=None, branch=people.south, candidates=CANDIDATES, seats=2,
                     method="scottish-stv")  # fmt: skip
    poll = do_open_poll(None, poll, as_of=ON)
    events_before = AuditEvent.objects.count()
    choices = dict(zip((m.pk for m in voters), rankings(), strict=True))
    receipts = {}
    for member in voters:  # cast in member-number order: the order an observer would know
        receipts[member.pk] = do_cast_ballot(
            None, poll, {"ranking": choices[member.pk]}, member=member
        )

    # While the poll is open: no ballot content anywhere, in any form.
    assert AuditEvent.objects.count() == events_before  # no per-ballot event
    open_dump = dump()
    flat = repr(open_dump)
    for ranking in choices.values():
        assert f'"ranking":{ranking}'.replace(" ", "") not in flat.replace(" ", "")
    sealed = open_dump["voting_sealedballot"]
    assert len(sealed) == 25
    assert len({len(row[-1]) for row in sealed}) == 1  # one size: the length tells nothing
    for model in (Ballot, SealedBallot, Voter):  # no time; no sequence but the electorate's
        kinds = {f.get_internal_type() for f in model._meta.get_fields() if f.concrete}
        assert not kinds & {"DateTimeField", "DateField"}
        if model is not Voter:  # voters are numbered when the poll opens, not when they vote
            assert not kinds & {"AutoField", "BigAutoField"}

    do_close_poll(None, poll)
    closed = dump()

    # By value: no published ballot names a voter, and no other row holds a ballot content.
    published = list(Ballot.objects.filter(poll=poll).values_list("content", "member_id"))
    assert sorted(c["ranking"] for c, _ in published) == sorted(choices.values())
    assert all(member_id is None for _, member_id in published)
    assert closed["voting_sealedballot"] == []
    for table, rows in closed.items():
        if table == "voting_ballot":
            continue
        text = repr(rows).replace(" ", "")
        for ranking in choices.values():
            assert f'"ranking":{ranking}'.replace(" ", "") not in text, table

    # By order: the published ballots are not in the order they were cast.
    physical = "ctid" if connection.vendor == "postgresql" else "rowid"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT content FROM voting_ballot ORDER BY {physical}")
        stored_order = [json.loads(row[0])["ranking"] for row in cursor.fetchall()]
    cast_order = [choices[m.pk] for m in voters]
    assert sorted(stored_order) == sorted(cast_order)
    assert stored_order != cast_order

    # By time: on PostgreSQL every published ballot and every voter row was last written by
    # the one closing transaction, so no live row keeps a vote's transaction id.
    if connection.vendor == "postgresql":
        assert len({row[0] for row in closed["voting_ballot"]}) == 1
        voter_xmins = {row[0] for row in closed["voting_voter"]}
        assert voter_xmins == {closed["voting_ballot"][0][0]}

    # Logs and emails of the whole run.
    for record in caplog.records:
        message = record.getMessage()
        assert "ranking" not in message
        for ranking in choices.values():
            assert str(ranking) not in message
    for email in mail.outbox:
        assert "ranking" not in email.body
    # The close is on the record with counts and the hash, and no contents.
    close = AuditEvent.objects.get(action="poll.close")
    assert close.payload["ballots"] == 25 and "ranking" not in repr(close.payload)
    # A receipt proves participation only.
    client.force_login(people.admin)
    page = client.get("/polls/receipt/", {"code": receipts[voters[0].pk]}).content.decode()
    assert "belongs to a ballot taken in" in page
    assert not any(name in page.split("<main")[1] for name in ("Ana", "Ben", "Dee", "Eli"))
