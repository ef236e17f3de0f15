"""Demo step: the organization, its branches, about 2,500 members and their officers."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from rankfile.accounts.models import User
from rankfile.audit.actions import append_event, append_events
from rankfile.core import lifecycle
from rankfile.members.actions import (
    do_appoint,
    do_configure_organization,
    do_create_branch,
    do_record_member_event,
)
from rankfile.members.models import Member, MemberEvent

if TYPE_CHECKING:
    from rankfile.demo import DemoContext

ORGANIZATION = "Workers' Democratic League"
REGIONS = {
    "Northern Region": ["Harbour City", "Millbrook", "Ironvale", "Riverside North"],
    "Central Region": ["Capital East", "Capital West", "Elmstead"],
    "Southern Region": ["Port Selden", "Oakhurst"],
}
FIRST = (
    "Amara Ben Carla Dmitri Elena Farid Grace Hamza Ines Jonas Kemi Luis Maya Nikolai Olu "
    "Priya Quentin Rosa Samir Tamsin Ulla Victor Wen Ximena Yusuf Zora Aiden Bea Cyrus Dana "
    "Emeka Fiona Gus Hana Ivo Jade Kofi Lena Marco Nadia Omar Pia Ravi Sofia Theo Uma Vera "
    "Will Yara Zeke"
).split()
LAST = (
    "Abara Bellweather Castellano Dunmore Ekwueme Falk Garrow Halloran Ibarra Jensen Kowalczyk "
    "Lindqvist Moreno Nakashima Okafor Petrakis Quill Rasmussen Santoro Thorne Underhill "
    "Valdez Whitlock Xu Yilmaz Zeller Ashdown Brannock Corrigan Delacroix Eastman Fairbairn "
    "Greenhalgh Hargreaves Ingleby Jarrow Kessler Lockhart Marchetti Novak Osei Pemberton "
    "Radley Sorensen Tremaine Varga Wexford Yardley Zamora"
).split()

# Demo logins: (role, first name, last name, branch name or None, email)
LOGINS = [
    ("organization admin", "Rosa", "Fairbairn", "Capital East", "admin@demo.rankfile.org"),
    (
        "branch secretary (Harbour City)",
        "Samir",
        "Okafor",
        "Harbour City",
        "secretary@demo.rankfile.org",
    ),
    (
        "treasurer (whole organization)",
        "Tamsin",
        "Lindqvist",
        "Capital West",
        "treasurer@demo.rankfile.org",
    ),
    (
        "ordinary member (Harbour City)",
        "Jonas",
        "Petrakis",
        "Harbour City",
        "member@demo.rankfile.org",
    ),
    (
        "member of another branch (Oakhurst)",
        "Kemi",
        "Santoro",
        "Oakhurst",
        "other@demo.rankfile.org",
    ),
    ("appeals body", "Victor", "Ingleby", "Elmstead", "appeals@demo.rankfile.org"),
]
START = datetime.date(2019, 1, 7)
ADMITTED = "Admitted (demo history)"
END = datetime.date(2026, 6, 30)


def load(context: DemoContext) -> None:
    rng = context.rng
    do_configure_organization(None, name=ORGANIZATION, member_number_prefix="WDL")
    national = do_create_branch(None, name="National", slug="national", founded_on=START)
    branches = []
    for region_name, branch_names in REGIONS.items():
        region = do_create_branch(
            None, name=region_name, slug=_slug(region_name), parent=national, founded_on=START
        )
        for name in branch_names:
            founded = START + datetime.timedelta(days=rng.randrange(0, 700))
            branches.append(
                do_create_branch(
                    None, name=name, slug=_slug(name), parent=region, founded_on=founded
                )
            )
    by_name = {branch.name: branch for branch in branches}
    span = (END - START).days

    # Members in bulk (the import path's speed); each with its `admitted` event.
    people = []
    for index in range(1, context.members + 1):
        branch = rng.choices(branches, weights=[9, 6, 4, 5, 8, 7, 3, 4, 3])[0]
        joined = max(
            branch.founded_on or START, START + datetime.timedelta(days=rng.randrange(span))
        )
        first, last = rng.choice(FIRST), rng.choice(LAST)
        people.append(
            Member(
                member_number=f"WDL{index:06d}",
                first_name=first,
                last_name=last,
                email=f"{first}.{last}.{index}@members.example".lower(),
                phone=f"555-01{index % 100:02d}-{index:04d}",
                address=f"{rng.randrange(1, 300)} {rng.choice(LAST)} Street",
                branch=branch,
                joined_on=joined,
                status=lifecycle.MEMBER,
            )
        )
    # The people with logins are members too, with known names and emails.
    login_members = []
    for offset, (_role, first, last, branch_name, email) in enumerate(LOGINS, start=1):
        member = people[offset * 7]
        member.first_name, member.last_name, member.email = first, last, email
        member.branch = by_name[branch_name]
        member.joined_on = START + datetime.timedelta(days=30 * offset)
        login_members.append(member)
    Member.objects.bulk_create(people, batch_size=1000)
    MemberEvent.objects.bulk_create(
        [
            MemberEvent(member=m, kind=lifecycle.ADMITTED, on=m.joined_on, reason=ADMITTED)
            for m in people
        ],
        batch_size=2000,
    )
    # Written in bulk for speed, each member on the record as do_add_member records it.
    append_events(
        {
            "actor": None,
            "action": "member.add",
            "target": m,
            "member": m,
            "branch": m.branch,
            "reason": ADMITTED,
            "payload": {"member_number": m.member_number, "status": m.status},
        }
        for m in people
    )

    for (_role, _first, _last, _branch, email), member in zip(LOGINS, login_members, strict=True):
        give_login(member, email)
        context.logins.append((_role, email))
    admin_user = User.objects.get(email="admin@demo.rankfile.org")
    admin_user.is_staff = admin_user.is_superuser = True  # the back office (Django admin)
    admin_user.save()

    def member_of(email: str) -> Member:
        return Member.objects.get(email=email)

    officers_since = datetime.date(2024, 9, 1)
    do_appoint(
        None,
        member_of("admin@demo.rankfile.org"),
        role="admin",
        branch=None,
        started_on=officers_since,
        reason="Elected by the national convention",
    )
    do_appoint(
        None,
        member_of("treasurer@demo.rankfile.org"),
        role="treasurer",
        branch=None,
        started_on=officers_since,
        reason="Elected by the national convention",
    )
    do_appoint(
        None,
        member_of("appeals@demo.rankfile.org"),
        role="appeals",
        branch=None,
        started_on=officers_since,
        reason="Elected by the national convention",
    )
    do_appoint(
        None,
        member_of("secretary@demo.rankfile.org"),
        role="secretary",
        branch=by_name["Harbour City"],
        started_on=officers_since,
        reason="Elected at the branch's annual meeting",
    )
    # A secretary and an organizer in every other branch.
    for branch in branches:
        pool = list(
            Member.objects.filter(branch=branch, user__isnull=True).order_by("member_number")[:40]
        )
        if branch.name != "Harbour City":
            do_appoint(
                None,
                rng.choice(pool),
                role="secretary",
                branch=branch,
                started_on=officers_since,
                reason="Elected at the branch's annual meeting",
            )
        do_appoint(
            None,
            rng.choice(pool),
            role="organizer",
            branch=branch,
            started_on=officers_since,
            reason="Elected at the branch's annual meeting",
        )

    # Some history: lapses, reinstatements, transfers, resignations.
    secretary = User.objects.get(email="admin@demo.rankfile.org")
    ordinary = list(
        Member.objects.filter(user__isnull=True, offices__isnull=True).order_by("member_number")
    )
    rng.shuffle(ordinary)
    for member in ordinary[:120]:
        on = member.joined_on + datetime.timedelta(days=rng.randrange(200, 900))
        if on < END:
            do_record_member_event(
                secretary,
                member,
                kind=lifecycle.LAPSED_EVENT,
                on=on,
                reason="No contact or dues for over a year",
            )
            if rng.random() < 0.3 and on + datetime.timedelta(days=200) < END:
                do_record_member_event(
                    secretary,
                    member,
                    kind=lifecycle.REINSTATED,
                    on=on + datetime.timedelta(days=200),
                    reason="Rejoined at a branch meeting",
                )
    for member in ordinary[120:160]:
        target = rng.choice([b for b in branches if b.pk != member.branch_id])
        on = member.joined_on + datetime.timedelta(days=rng.randrange(100, 600))
        if on < END:
            do_record_member_event(
                secretary,
                member,
                kind=lifecycle.TRANSFERRED,
                on=on,
                reason="Moved to another city",
                to_branch=target,
            )
    for member in ordinary[160:220]:
        on = member.joined_on + datetime.timedelta(days=rng.randrange(100, 900))
        if on < END:
            do_record_member_event(
                secretary,
                member,
                kind=lifecycle.RESIGNED_EVENT,
                on=on,
                reason="Letter of resignation received",
            )
    context.data["branches"] = branches


def give_login(member: Member, email: str) -> User:
    """A demo login for a member, on the record as the invitation that gives members their
    account (do_invite_member) records it; the demo sets the password instead of mailing a
    link."""
    from rankfile.demo import DEMO_PASSWORD

    user = User.objects.create_user(email, DEMO_PASSWORD, display_name=member.full_name)
    member.user = user
    member.save(update_fields=["user"])
    append_event(
        actor=None,
        action="member.invite",
        target=member,
        member=member,
        branch=member.branch,
        payload={"account": "created"},
    )
    return user


def _slug(name: str) -> str:
    return name.lower().replace("'", "").replace(" ", "-")
