"""Appeals fixtures: the standing personas and history, and an appeals body of three
(Alex of the personas, Bea who is also East's organizer, Cal of South)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import pytest

from tests.conftest import make_person
from tests.standing.conftest import adopted, history  # noqa: F401  (fixtures)


@dataclass
class Body:
    alex: Any
    bea: Any
    cal: Any


@pytest.fixture
def body(history: Any) -> Body:  # noqa: F811  (the imported fixture)
    from rankfile.members.actions import do_appoint

    start = datetime.date(2024, 1, 1)
    bea = make_person("Bea", "Bench", history.east, number="2001")
    cal = make_person("Cal", "Chair", history.south, number="2002")
    do_appoint(None, bea, role="appeals", branch=history.east, started_on=start)
    do_appoint(None, bea, role="organizer", branch=history.east, started_on=start)
    do_appoint(None, cal, role="appeals", branch=history.south, started_on=start)
    return Body(alex=history.appeals, bea=bea.user, cal=cal.user)
