"""Personas built once per test: an organization with two regions and three branches, and
the people every permission test is written from."""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import settings

# No time limits on property tests: the suite checks behaviour, and timing is the benchmarks'
# business (a loaded CI machine must not fail a test about correctness).
settings.register_profile("rankfile", deadline=None)
settings.load_profile("rankfile")


@dataclass
class People:
    north: Any  # region
    east: Any  # branch in north
    west: Any  # branch in north
    south: Any  # region with no sub-branches
    admin: Any  # organization-wide administrator
    secretary: Any  # secretary of east
    treasurer: Any  # treasurer of the whole organization
    appeals: Any  # appeals body member (sits in west)
    member: Any  # ordinary member of east
    other: Any  # ordinary member of west
    south_member: Any  # ordinary member of south
    outsider: Any  # an account with no membership


PASSWORD = "correct horse battery staple"


@functools.cache
def password_hash() -> str:
    """Argon2 is slow on purpose: hash the personas' password once per test process."""
    from django.contrib.auth.hashers import make_password

    return make_password(PASSWORD)


def make_person(first: str, last: str, branch: Any, *, number: str, login: bool = True) -> Any:
    from rankfile.accounts.models import User
    from rankfile.members.actions import do_add_member

    member = do_add_member(
        None,
        first_name=first,
        last_name=last,
        branch=branch,
        joined_on=datetime.date(2020, 1, 15),
        member_number=number,
        email=f"{first.lower()}@example.org",
        phone=f"555-{number}",
        address=f"{number} Union Street",
    )
    if login:
        member.user = User.objects.create(
            email=member.email, password=password_hash(), display_name=first
        )
        member.save(update_fields=["user"])
    return member


@pytest.fixture
def people(db: Any) -> People:
    from rankfile.accounts.models import User
    from rankfile.members.actions import do_appoint, do_create_branch

    north = do_create_branch(None, name="North Region", slug="north")
    east = do_create_branch(None, name="East Branch", slug="east", parent=north)
    west = do_create_branch(None, name="West Branch", slug="west", parent=north)
    south = do_create_branch(None, name="South Region", slug="south")
    admin = make_person("Ada", "Admin", east, number="1001")
    secretary = make_person("Sam", "Secretary", east, number="1002")
    treasurer = make_person("Tess", "Treasurer", west, number="1003")
    appeals = make_person("Alex", "Appeals", west, number="1004")
    member = make_person("Mia", "Member", east, number="1005")
    other = make_person("Otto", "Other", west, number="1006")
    south_member = make_person("Sol", "South", south, number="1007")
    start = datetime.date(2024, 1, 1)
    do_appoint(None, admin, role="admin", branch=None, started_on=start)
    do_appoint(None, secretary, role="secretary", branch=east, started_on=start)
    do_appoint(None, treasurer, role="treasurer", branch=None, started_on=start)
    do_appoint(None, appeals, role="appeals", branch=west, started_on=start)
    outsider = User.objects.create(email="outsider@example.org", password=password_hash())
    return People(
        north=north,
        east=east,
        west=west,
        south=south,
        admin=admin.user,
        secretary=secretary.user,
        treasurer=treasurer.user,
        appeals=appeals.user,
        member=member.user,
        other=other.user,
        south_member=south_member.user,
        outsider=outsider,
    )


ROLES = ["admin", "secretary", "organizer", "treasurer", "credentials", "appeals"]


@pytest.fixture
def west_officers(people: People) -> dict[str, Any]:
    """One officer of every role scoped to the West branch (role -> account): none of them
    has any power over East (Mia's branch) or the South region."""
    from rankfile.members.actions import do_appoint

    officers = {}
    for number, role in enumerate(ROLES, start=1201):
        person = make_person(role.title(), "West", people.west, number=str(number))
        do_appoint(
            None, person, role=role, branch=people.west, started_on=datetime.date(2024, 1, 1)
        )
        officers[role] = person.user
    return officers
