"""A convention over the personas' organization, with a snapshot made directly in the tables.

The branches that send delegates are the leaves: East and West (under North) and South.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from tests.conftest import make_person

CUTOFF = datetime.date(2026, 9, 30)


def add_members(branch: Any, count: int, *, prefix: str) -> list[Any]:
    """Plain members without logins, in bulk (test set-up, not a domain write)."""
    from rankfile.members.models import Member

    Member.objects.bulk_create(
        Member(
            member_number=f"{prefix}{index:04d}",
            first_name="Test",
            last_name=f"{prefix}{index}",
            branch=branch,
            status="member",
            joined_on=datetime.date(2020, 1, 1),
        )
        for index in range(count)
    )
    return list(Member.objects.filter(member_number__startswith=prefix).order_by("member_number"))


def make_snapshot(
    standing: dict[Any, bool] | list[tuple[Any, Any, bool]],
    *,
    as_of: datetime.date = CUTOFF,
    label: str = "Credentials roll",
) -> Any:
    """A snapshot from {member: in good standing} (branch = the member's branch) or from
    (member, branch, in good standing) triples."""
    from rankfile.standing.models import RuleSetVersion, Snapshot, SnapshotEntry

    rules, _ = RuleSetVersion.objects.get_or_create(
        name="Test rules",
        version="1",
        defaults={
            "effective_on": datetime.date(2020, 1, 1),
            "decision": "Test",
            "source_text": "",
            "content_hash": "0" * 64,
            "adopted_at": timezone.now(),
        },
    )
    triples = (
        [(member, member.branch, good) for member, good in standing.items()]
        if isinstance(standing, dict)
        else standing
    )
    snapshot = Snapshot.objects.create(
        label=label,
        as_of=as_of,
        rule_version=rules,
        created_at=timezone.now(),
        content_hash=f"{Snapshot.objects.count() + 1:064x}",
        members_counted=len(triples),
        in_good_standing=sum(1 for _m, _b, good in triples if good),
    )
    SnapshotEntry.objects.bulk_create(
        SnapshotEntry(
            snapshot=snapshot,
            member=member,
            member_number=member.member_number,
            branch=branch,
            in_good_standing=good,
        )
        for member, branch, good in triples
    )
    return snapshot


RATIO_1_PER_10 = {
    "kind": "ratio",
    "per": 10,
    "rounding": "nearest",
    "first": None,
    "at_least": 1,
    "at_most": None,
}


@dataclass
class Setting:
    people: Any
    credentials: Any  # the credentials committee (organization-wide)
    convention: Any
    snapshot: Any
    east_members: list[Any]
    west_members: list[Any]
    south_members: list[Any]


@pytest.fixture
def setting(people: Any) -> Setting:
    """East: 3 personas + 38 more, 8 of them not in good standing; West: 3 personas + 12;
    South: 2 personas (with Cora of the credentials committee) + 3. In good standing:
    East 33, West 15, South 5 — and one stray entry recorded in the region North."""
    from rankfile.conventions.actions import do_create_convention
    from rankfile.members.actions import do_appoint
    from rankfile.members.models import Member

    committee = make_person("Cora", "Credentials", people.south, number="1008")
    do_appoint(
        None, committee, role="credentials", branch=None, started_on=datetime.date(2024, 1, 1)
    )
    east = add_members(people.east, 38, prefix="E")
    west = add_members(people.west, 12, prefix="W")
    south = add_members(people.south, 3, prefix="S")
    everyone = list(Member.objects.select_related("branch"))
    standing = {member: True for member in everyone}
    for member in east[:8]:
        standing[member] = False
    triples = [(m, m.branch, good) for m, good in standing.items()]
    stray = add_members(people.north, 1, prefix="N")[0]
    triples.append((stray, people.north, True))
    snapshot = make_snapshot(triples)
    convention = do_create_convention(
        None,
        name="Ninth Convention",
        slug="ninth",
        opens_on=datetime.date(2026, 11, 20),
        closes_on=datetime.date(2026, 11, 22),
        cutoff_on=CUTOFF,
        discussion_opens_on=datetime.date(2026, 10, 1),
        discussion_closes_on=datetime.date(2026, 11, 15),
        formula=RATIO_1_PER_10,
        formula_source="Constitution, article 7",
        alternates_per=2,
        alternates_rounding="up",
        alternates_at_least=1,
    )
    return Setting(
        people=people,
        credentials=committee.user,
        convention=convention,
        snapshot=snapshot,
        east_members=east,
        west_members=west,
        south_members=south,
    )
