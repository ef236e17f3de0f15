"""Voting fixtures: adopted rules (one month in arrears allowed), East's members paid up
except one, and polls of East judged on ON."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from tests.conftest import make_person
from tests.standing.conftest import RULES, member_of, pay

ON = datetime.date(2024, 6, 15)
PAID = datetime.date(2024, 12, 31)


@pytest.fixture
def electorate(people: Any) -> Any:
    """In good standing on ON: admin, secretary and member (East), treasurer and appeals
    (West). Out of standing: Una Unpaid (East) and other (West)."""
    from rankfile.standing.rulesets import do_adopt_rules

    do_adopt_rules(None, text=RULES, decision="Membership meeting, 2019-12-01")
    for user in (people.admin, people.secretary, people.member, people.treasurer, people.appeals):
        pay(user, PAID)
    people.unpaid = make_person("Una", "Unpaid", people.east, number="1010").user
    return people


def east_poll(people: Any, actor: Any = "secretary", **options: Any) -> Any:
    from rankfile.voting.actions import do_create_poll

    defaults: dict[str, Any] = {
        "title": "Elect the branch committee",
        "kind": "election",
        "branch": people.east,
        "candidates": ["Ana", "Ben", "Cy"],
        "seats": 1,
        "method": "irv",
        "as_of": ON,
    }
    defaults.update(options)
    return do_create_poll(people.secretary if actor == "secretary" else actor, **defaults)


def opened(people: Any, **options: Any) -> Any:
    from rankfile.voting.actions import do_open_poll

    return do_open_poll(people.secretary, east_poll(people, **options), as_of=ON)


__all__ = ["member_of", "ON"]
