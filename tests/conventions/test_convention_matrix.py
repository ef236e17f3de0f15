"""Conventions' actions, tried by an officer of every role scoped to West on East's election,
and by the national roles: results and candidacies are for officers over the branch
(`convention.record_result`), the rest for the credentials committee or an admin over the
whole organization (`convention.manage`)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from rankfile.conventions.actions import (
    do_compute_apportionment,
    do_publish_apportionment,
    do_update_convention,
)
from rankfile.conventions.elections import (
    credentials_roll,
    do_record_election_result,
    do_seat_alternate,
    do_stand,
    do_withdraw,
)
from rankfile.conventions.models import DelegateElection
from tests.conftest import ROLES

PERSONAS = [f"west_{role}" for role in ROLES] + [
    "admin",
    "treasurer",
    "national_credentials",
    "appeals",
    "secretary",
    "south_member",
]
RECORD = {"admin", "national_credentials", "secretary"}  # over East
MANAGE = {"admin", "national_credentials"}  # organization-wide


@pytest.fixture
def world(setting, west_officers):
    table = do_compute_apportionment(None, setting.convention, setting.snapshot)
    do_publish_apportionment(None, table)
    users = {f"west_{role}": user for role, user in west_officers.items()}
    users["national_credentials"] = setting.credentials
    for name in ("admin", "treasurer", "appeals", "secretary"):
        users[name] = getattr(setting.people, name)
    users["south_member"] = setting.people.south_member
    east = DelegateElection.objects.get(convention=setting.convention, branch__slug="east")
    good = setting.east_members[8:]
    return setting, users, east, good


def _seat(actor, setting, east, good):
    do_record_election_result(None, east, good[:2], good[2:4], "Hand count")
    [entry] = [e for e in credentials_roll(setting.convention) if e.election == east]
    do_seat_alternate(actor, entry.delegates[0], reason="Ill")


ACTIONS = {
    "record_result": (
        RECORD,
        lambda a, s, e, g: do_record_election_result(a, e, g[:1], [], "Hand count"),
    ),
    "nominate": (RECORD, lambda a, s, e, g: do_stand(a, e, g[0])),
    "withdraw": (RECORD, lambda a, s, e, g: do_withdraw(a, do_stand(None, e, g[1]))),
    "seat_alternate": (MANAGE, lambda a, s, e, g: _seat(a, s, e, g)),
    "update_convention": (
        MANAGE,
        lambda a, s, e, g: do_update_convention(a, s.convention, name="Renamed"),
    ),
    "compute_apportionment": (
        MANAGE,
        lambda a, s, e, g: do_compute_apportionment(a, s.convention, s.snapshot, reason="Again"),
    ),
    "publish_apportionment": (
        MANAGE,
        lambda a, s, e, g: do_publish_apportionment(
            a, do_compute_apportionment(None, s.convention, s.snapshot, reason="Again")
        ),
    ),
}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_each_convention_action_by_each_officer(world, action, persona):
    setting, users, east, good = world
    allowed, run = ACTIONS[action]
    if persona in allowed:
        run(users[persona], setting, east, good)
    else:
        with pytest.raises(PermissionDenied):
            run(users[persona], setting, east, good)
