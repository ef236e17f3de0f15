"""Demo step: the Fifth National Convention, with published credentials and apportionment,
delegate elections with results in most branches, and one alternate seated."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from rankfile.conventions.actions import (
    do_compute_apportionment,
    do_create_convention,
    do_publish_apportionment,
)
from rankfile.conventions.elections import (
    credentials_roll,
    do_record_election_result,
    do_seat_alternate,
    do_stand,
    ineligibility,
)
from rankfile.conventions.models import DelegateElection
from rankfile.core import lifecycle
from rankfile.demo.members import give_login
from rankfile.members.actions import do_appoint, do_update_member
from rankfile.members.models import Member
from rankfile.standing.models import SnapshotEntry

if TYPE_CHECKING:
    from rankfile.demo import DemoContext

CREDENTIALS_EMAIL = "credentials@demo.rankfile.org"
OPEN_BRANCHES = ("Harbour City", "Oakhurst")  # left open, so the demo members can stand


def load(context: DemoContext) -> None:
    # The credentials roll: the snapshot of every member's standing that the standing step
    # froze, by the adopted rules, at the convention's cut-off; the convention's dates follow.
    snapshot = context.data["credentials_snapshot"]
    cutoff = snapshot.as_of

    # A credentials committee member with a login.
    member = (
        Member.objects.filter(user__isnull=True, offices__isnull=True, status=lifecycle.MEMBER)
        .order_by("member_number")
        .first()
    )
    assert member is not None
    member = do_update_member(
        None,
        member,
        first_name="Ines",
        last_name="Marchetti",
        email=CREDENTIALS_EMAIL,
        reason="Demo login",
    )
    give_login(member, CREDENTIALS_EMAIL)
    do_appoint(
        None,
        member,
        role="credentials",
        branch=None,
        started_on=cutoff - datetime.timedelta(days=150),
        reason="Elected by the national committee",
    )
    committee = member.user
    context.logins.append(("credentials committee", CREDENTIALS_EMAIL))

    convention = do_create_convention(
        committee,
        name="Fifth National Convention",
        slug="fifth-national",
        opens_on=cutoff + datetime.timedelta(days=64),
        closes_on=cutoff + datetime.timedelta(days=66),
        cutoff_on=cutoff,
        discussion_opens_on=cutoff - datetime.timedelta(days=30),
        discussion_closes_on=cutoff + datetime.timedelta(days=57),
        formula={"kind": "ratio", "per": 30, "rounding": "nearest", "at_least": 1},
        formula_source="Constitution, article 9, section 2",
        alternates_per=5,
        alternates_rounding="up",
        alternates_at_least=1,
    )
    table = do_compute_apportionment(committee, convention, snapshot)
    do_publish_apportionment(committee, table)

    eligible: dict[int, list[Member]] = {}
    for entry in (
        SnapshotEntry.objects.filter(snapshot=snapshot, in_good_standing=True)
        .select_related("member")
        .order_by("member_number")
    ):
        eligible.setdefault(entry.branch_id, []).append(entry.member)
    rng = context.rng
    for election in DelegateElection.objects.filter(convention=convention).select_related(
        "branch", "table"
    ):
        pool = [m for m in eligible.get(election.branch_id, []) if m.user_id is None]
        rng.shuffle(pool)
        if election.branch.name in OPEN_BRANCHES:
            for candidate in pool[: election.delegates + 2]:
                do_stand(None, election, candidate)
            continue
        chosen = [m for m in pool if ineligibility(election, m) is None]
        if not chosen:
            continue  # no one eligible stood (a small demo): the election stays open
        do_record_election_result(
            committee,
            election,
            chosen[: election.delegates],
            chosen[election.delegates : election.delegates + election.alternates],
            "Branch meeting, 14 November 2026, hand count",
        )
    # One delegate fell ill: the first alternate of the largest branch takes the seat.
    with_alternates = [
        entry for entry in credentials_roll(convention) if entry.result and entry.alternates
    ]
    if with_alternates:
        biggest = max(with_alternates, key=lambda entry: entry.election.delegates)
        do_seat_alternate(
            committee, biggest.delegates[0], reason="Ill on the opening day (doctor's note)"
        )
