"""Demo step: the Fifth National Convention, with published credentials and apportionment,
delegate elections with results in most branches, and one alternate seated."""

from __future__ import annotations

import datetime
import hashlib
from typing import TYPE_CHECKING

from django.utils import timezone

from rankfile.accounts.models import User
from rankfile.conventions.actions import (
    do_compute_apportionment,
    do_create_convention,
    do_publish_apportionment,
)
from rankfile.conventions.elections import (
    credentials_roll,
    do_seat_alternate,
    do_stand,
    ineligibility,
    record_election_result,
)
from rankfile.conventions.models import DelegateElection
from rankfile.core import lifecycle
from rankfile.members.actions import do_appoint
from rankfile.members.models import Member
from rankfile.standing.models import RuleSetVersion, Snapshot, SnapshotEntry

if TYPE_CHECKING:
    from rankfile.demo import DemoContext

CUTOFF = datetime.date(2026, 10, 31)
CREDENTIALS_EMAIL = "credentials@demo.rankfile.org"
OPEN_BRANCHES = ("Harbour City", "Oakhurst")  # left open, so the demo members can stand


def placeholder_snapshot() -> Snapshot:
    """PLACEHOLDER until the standing step is merged: it will call
    rankfile.standing.snapshots.create_snapshot(actor, CUTOFF, label) on the adopted rules
    instead. Here standing is a fixed stand-in rule: a current member whose member number
    hashes into the lower ~80% is in good standing; the people with demo logins always are."""
    rules = RuleSetVersion.objects.create(
        name="Demo stand-in rules",
        version="placeholder",
        effective_on=datetime.date(2019, 1, 1),
        decision="Stand-in for the demo until the standing rules are loaded",
        source_text="# placeholder: member number hash decides",
        content_hash=hashlib.sha256(b"placeholder").hexdigest(),
        adopted_at=timezone.now(),
    )
    members = list(
        Member.objects.filter(joined_on__lte=CUTOFF)
        .exclude(status=lifecycle.APPLICANT)
        .values_list("pk", "member_number", "branch_id", "status", "user_id")
        .order_by("member_number")
    )
    entries = []
    for pk, number, branch_id, status, user_id in members:
        lucky = hashlib.sha256(number.encode()).digest()[0] < 205
        good = status == lifecycle.MEMBER and (lucky or user_id is not None)
        reasons = (
            ""
            if good
            else ("not a current member" if status != lifecycle.MEMBER else "dues in arrears")
        )
        entries.append((pk, number, branch_id, good, reasons))
    fingerprint = hashlib.sha256(
        "\n".join(f"{n}:{int(g)}" for _p, n, _b, g, _r in entries).encode()
    ).hexdigest()
    snapshot = Snapshot.objects.create(
        label="Credentials roll, Fifth National Convention",
        as_of=CUTOFF,
        rule_version=rules,
        created_at=timezone.now(),
        content_hash=fingerprint,
        members_counted=len(entries),
        in_good_standing=sum(1 for entry in entries if entry[3]),
        published_at=timezone.now(),
    )
    SnapshotEntry.objects.bulk_create(
        (
            SnapshotEntry(
                snapshot=snapshot,
                member_id=pk,
                member_number=number,
                branch_id=branch_id,
                in_good_standing=good,
                reasons=reasons,
            )
            for pk, number, branch_id, good, reasons in entries
        ),
        batch_size=2000,
    )
    return snapshot


def load(context: DemoContext) -> None:
    from rankfile.demo import DEMO_PASSWORD

    snapshot = placeholder_snapshot()

    # A credentials committee member with a login.
    member = (
        Member.objects.filter(user__isnull=True, offices__isnull=True, status=lifecycle.MEMBER)
        .order_by("member_number")
        .first()
    )
    assert member is not None
    member.first_name, member.last_name = "Ines", "Marchetti"
    member.email = CREDENTIALS_EMAIL
    member.user = User.objects.create_user(
        CREDENTIALS_EMAIL, DEMO_PASSWORD, display_name="Ines Marchetti"
    )
    member.save(update_fields=["first_name", "last_name", "email", "user"])
    do_appoint(
        None,
        member,
        role="credentials",
        branch=None,
        started_on=datetime.date(2026, 6, 1),
        reason="Elected by the national committee",
    )
    committee = member.user
    context.logins.append(("credentials committee", CREDENTIALS_EMAIL))

    convention = do_create_convention(
        committee,
        name="Fifth National Convention",
        slug="fifth-national",
        opens_on=datetime.date(2026, 12, 4),
        closes_on=datetime.date(2026, 12, 6),
        cutoff_on=CUTOFF,
        discussion_opens_on=datetime.date(2026, 10, 1),
        discussion_closes_on=datetime.date(2026, 11, 27),
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
        record_election_result(
            election,
            chosen[: election.delegates],
            chosen[election.delegates : election.delegates + election.alternates],
            "Branch meeting, 14 November 2026, hand count",
            actor=committee,
        )
    # One delegate fell ill: the first alternate of the largest branch takes the seat.
    biggest = max(
        (entry for entry in credentials_roll(convention) if entry.result and entry.alternates),
        key=lambda entry: entry.election.delegates,
    )
    do_seat_alternate(
        committee, biggest.delegates[0], reason="Ill on the opening day (doctor's note)"
    )
