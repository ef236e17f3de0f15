"""Every action and page, tried by an officer of every role scoped to the West branch on Mia,
a member of East (outside their scope), and by the national roles: who is allowed, who is
refused. A refusal is PermissionDenied (403) or, where the officer may not even see the
member, Http404.

Personas:
- west_<role>: an officer of that role over West only (tests/conftest.py `west_officers`);
- admin, treasurer: the organization-wide administrator and treasurer;
- national_credentials: the organization-wide credentials committee;
- appeals: the appeals body (its office names West, its review is organization-wide);
- secretary: East's secretary, the officer who does cover Mia (the control);
- south_member: an ordinary member elsewhere; outsider: an account with no membership.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse

from tests.conftest import ROLES, make_person

WEST = [f"west_{role}" for role in ROLES]
NATIONAL = ["admin", "treasurer", "national_credentials", "appeals"]
PERSONAS = WEST + NATIONAL + ["secretary", "south_member", "outsider"]
ON = datetime.date(2025, 1, 6)

RULES = """
[rule_set]
name = "Matrix"
version = "1"
effective_on = 2020-01-01
"""


@dataclass
class World:
    people: Any
    users: dict[str, Any]
    mia: Any
    east: Any
    plan: Any
    secretary_office: Any
    payment: Any
    checkoff: Any
    waiver: Any
    snapshot: Any


@pytest.fixture
def world(people, west_officers) -> World:
    from rankfile.dues.actions import do_create_plan
    from rankfile.members.actions import do_appoint
    from rankfile.members.models import Office

    cara = make_person("Cara", "National", people.south, number="1300")
    do_appoint(None, cara, role="credentials", branch=None, started_on=datetime.date(2024, 1, 1))
    users = {f"west_{role}": user for role, user in west_officers.items()}
    users["national_credentials"] = cara.user
    for name in ("admin", "treasurer", "appeals", "secretary", "south_member", "outsider"):
        users[name] = getattr(people, name)
    from rankfile.dues.actions import do_record_payment
    from rankfile.dues.checkoff import do_authorize_checkoff
    from rankfile.dues.waivers import do_request_waiver
    from rankfile.standing.rulesets import do_adopt_rules
    from rankfile.standing.snapshots import do_create_snapshot

    plan = do_create_plan(None, name="Standard", slug="standard", kind="flat", amount="10")
    mia = people.member.member
    payment = do_record_payment(
        None,
        mia,
        covers_from=datetime.date(2024, 2, 1),
        covers_through=datetime.date(2024, 2, 29),
        amount="10",
        method="cash",
        received_on=ON,
    )
    checkoff = do_authorize_checkoff(
        None, mia, kind="bank", started_on=datetime.date(2024, 1, 1), reference="M-1"
    )
    waiver = do_request_waiver(
        people.member,
        mia,
        starts_on=datetime.date(2025, 6, 1),
        ends_on=datetime.date(2025, 7, 31),
        reason="Laid off",
    )
    do_adopt_rules(None, text=RULES, decision="Congress 2019")
    snapshot = do_create_snapshot(None, ON, "Roll")
    return World(
        people=people,
        users=users,
        mia=people.member.member,
        east=people.east,
        plan=plan,
        secretary_office=Office.objects.get(member=people.secretary.member, role="secretary"),
        payment=payment,
        checkoff=checkoff,
        waiver=waiver,
        snapshot=snapshot,
    )


def _import_east_row(actor: Any, w: World) -> None:
    from rankfile.members.csvfile import COLUMNS
    from rankfile.members.importing import do_apply_import

    row = ["3001", "Ivy", "Import", "", "", "east", "2024-02-01", ""]
    data = "\r\n".join([",".join(COLUMNS), ",".join(row), ""]).encode()
    plan = do_apply_import(data, file_name="east.csv", actor=actor)
    if not plan.applied:
        raise PermissionDenied(str(plan.errors))


def _export_holds_mia(actor: Any, w: World) -> None:
    from rankfile.members.exporting import do_export_members

    names = {(row[1], row[2]) for row in do_export_members(actor).records()}
    if (w.mia.first_name, w.mia.last_name) not in names:
        raise Http404("Mia is not in the export")


def _authorize_another_checkoff(actor: Any, w: World) -> None:
    from rankfile.dues.checkoff import do_authorize_checkoff, do_end_checkoff

    do_end_checkoff(None, w.checkoff, ended_on=datetime.date(2024, 12, 31), reason="Changed job")
    do_authorize_checkoff(
        actor, w.mia, kind="payroll", started_on=ON, employer_name="Acme", employee_id="E-1"
    )


def _sees_enforcement(actor: Any, w: World) -> None:
    from rankfile.members.access import can_see_enforcement

    if not can_see_enforcement(actor, w.mia):
        raise PermissionDenied


def _sees_mias_record(actor: Any, w: World) -> None:
    from rankfile.members.access import visible_events
    from rankfile.members.actions import do_record_member_event

    do_record_member_event(None, w.mia, kind="lapsed", on=ON, reason="Matrix lapse")
    if not visible_events(actor).filter(member=w.mia, action="member.lapsed").exists():
        raise PermissionDenied


def _act(name: str):  # noqa: C901 - one table of every action
    from rankfile.accounts.actions import do_invite_member
    from rankfile.conventions.actions import do_create_convention
    from rankfile.dues.actions import (
        do_create_plan,
        do_record_payment,
        do_reverse_payment,
        do_set_plan,
    )
    from rankfile.dues.checkoff import do_end_checkoff
    from rankfile.dues.waivers import do_request_waiver
    from rankfile.members import actions as m
    from rankfile.members.access import access_member, access_standing
    from rankfile.standing.enforcement import do_record_enforcement
    from rankfile.standing.notices import do_send_arrears_notices
    from rankfile.standing.rulesets import do_adopt_rules
    from rankfile.standing.snapshots import do_create_snapshot, do_publish_snapshot
    from rankfile.standing.waivers import do_decide_waiver

    table = {
        "add_member": lambda a, w: m.do_add_member(
            a, first_name="New", last_name="East", branch=w.east, joined_on=ON
        ),
        "record_event": lambda a, w: m.do_record_member_event(
            a, w.mia, kind="lapsed", on=ON, reason="No dues"
        ),
        "update_member": lambda a, w: m.do_update_member(a, w.mia, phone="555-0000"),
        "invite": lambda a, w: do_invite_member(a, w.mia, base_url="http://testserver/"),
        "appoint": lambda a, w: m.do_appoint(
            a, w.mia, role="organizer", branch=w.east, started_on=ON
        ),
        "end_office": lambda a, w: m.do_end_office(
            a, w.secretary_office, ended_on=ON, reason="Term over"
        ),
        "create_branch": lambda a, w: m.do_create_branch(
            a, name="East Side", slug="east-side", parent=w.east
        ),
        "configure_organization": lambda a, w: m.do_configure_organization(a, name="Renamed"),
        "set_member_directory": lambda a, w: m.do_set_member_directory(
            a, visibility="own_branch", reason="Congress"
        ),
        "import_members": _import_east_row,
        "export_members": _export_holds_mia,
        "open_member": lambda a, w: access_member(a, w.mia.pk),
        "record_payment": lambda a, w: do_record_payment(
            a,
            w.mia,
            covers_from=datetime.date(2024, 1, 1),
            covers_through=datetime.date(2024, 1, 31),
            amount="10",
            method="cash",
            received_on=ON,
        ),
        "set_plan": lambda a, w: do_set_plan(a, w.mia, plan=w.plan, starts_on=ON),
        "authorize_checkoff": _authorize_another_checkoff,
        "request_waiver": lambda a, w: do_request_waiver(
            a,
            w.mia,
            starts_on=datetime.date(2025, 1, 1),
            ends_on=datetime.date(2025, 3, 31),
            reason="Strike",
        ),
        "reverse_payment": lambda a, w: do_reverse_payment(a, w.payment, reason="Bounced"),
        "end_checkoff": lambda a, w: do_end_checkoff(a, w.checkoff, ended_on=ON, reason="Left"),
        "decide_waiver": lambda a, w: do_decide_waiver(
            a, w.waiver, grant=True, decision_reason="Laid off, on evidence"
        ),
        "do_create_snapshot": lambda a, w: do_create_snapshot(a, ON, "Second roll"),
        "publish_snapshot": lambda a, w: do_publish_snapshot(a, w.snapshot),
        "send_arrears_notices": lambda a, w: do_send_arrears_notices(a, ON),
        "create_plan": lambda a, w: do_create_plan(
            a, name="Reduced", slug="reduced", kind="flat", amount="5"
        ),
        "record_enforcement": lambda a, w: do_record_enforcement(
            a, w.mia, kind="inquiry", rule_cited="dues", reason="Arrears?", on=ON
        ),
        "open_standing": lambda a, w: access_standing(a, w.mia.pk),
        "see_enforcement": _sees_enforcement,
        "see_record": _sees_mias_record,
        "adopt_rules": lambda a, w: do_adopt_rules(
            a, text=RULES.replace('"1"', '"2"'), decision="Congress"
        ),
        "create_convention": lambda a, w: do_create_convention(
            a,
            name="Tenth",
            slug="tenth",
            opens_on=datetime.date(2026, 11, 20),
            closes_on=datetime.date(2026, 11, 22),
            cutoff_on=datetime.date(2026, 9, 30),
        ),
    }
    return table[name]


ADMIN = {"admin"}
MEMBERS_OF_EAST = {"admin", "secretary"}
TREASURY = {"admin", "treasurer"}
# Who sees East's roster: the offices that cover East (every role holds member.directory).
ROSTER = {"admin", "treasurer", "national_credentials", "secretary"}
# The appeals body reviews every member: any appeals office reaches Mia.
REVIEW = {"admin", "appeals", "west_appeals"}

ALLOWED: dict[str, set[str]] = {
    "add_member": MEMBERS_OF_EAST,
    "record_event": MEMBERS_OF_EAST,
    "update_member": MEMBERS_OF_EAST,
    "invite": MEMBERS_OF_EAST,
    "import_members": MEMBERS_OF_EAST,
    "appoint": ADMIN,
    "end_office": ADMIN,
    "create_branch": ADMIN,
    "configure_organization": ADMIN,
    "set_member_directory": ADMIN,
    "export_members": ROSTER,
    "open_member": ROSTER | REVIEW,
    "record_payment": TREASURY,
    "set_plan": TREASURY,
    "authorize_checkoff": TREASURY,
    "request_waiver": TREASURY,
    "create_plan": TREASURY,
    "reverse_payment": TREASURY,
    "end_checkoff": TREASURY,
    "decide_waiver": TREASURY,
    # organization-wide standing.enforce: admin, secretary, treasurer, credentials
    "do_create_snapshot": {"admin", "treasurer", "national_credentials"},
    "publish_snapshot": {"admin", "treasurer", "national_credentials"},
    "send_arrears_notices": {"admin", "treasurer", "national_credentials"},
    "record_enforcement": {"admin", "treasurer", "national_credentials", "secretary"},
    "open_standing": ROSTER | REVIEW,
    "see_enforcement": REVIEW,
    "see_record": ROSTER | REVIEW,
    "adopt_rules": ADMIN,
    "create_convention": {"admin", "national_credentials"},
}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("action", sorted(ALLOWED))
def test_each_action_on_a_member_outside_a_branch_officers_scope(world, action, persona):
    actor = world.users[persona]
    run = _act(action)
    if persona in ALLOWED[action]:
        run(actor, world)
    else:
        with pytest.raises((PermissionDenied, Http404)):
            run(actor, world)


# --- the same through the pages ----------------------------------------------------------


def _pages(w: World) -> dict[str, tuple[str, str, dict[str, str]]]:
    """name -> (method, url, data): pages and forms about Mia and East."""
    mia = w.mia.pk
    return {
        "member_page": ("get", reverse("member", args=[mia]), {}),
        "dues_page": ("get", reverse("dues:member", args=[mia]), {}),
        "standing_page": ("get", reverse("standing_member", args=[mia]), {}),
        "branch_standing": ("get", reverse("standing_branch", args=["east"]), {}),
        "record_event": (
            "post",
            reverse("member_record_event", args=[mia]),
            {"event-kind": "lapsed", "event-on": "2025-01-06", "event-reason": "No dues"},
        ),
        "invite": ("post", reverse("member_invite", args=[mia]), {}),
        "appoint": (
            "post",
            reverse("offices"),
            {
                "member_number": w.mia.member_number,
                "role": "organizer",
                "branch": "east",
                "started_on": "2025-01-06",
                "reason": "Elected",
            },
        ),
        "end_office": (
            "post",
            reverse("office_end", args=[w.secretary_office.pk]),
            {"ended_on": "2025-01-06", "reason": "Term over"},
        ),
        "member_directory": (
            "post",
            reverse("organization"),
            {"visibility": "own_branch", "reason": "Congress"},
        ),
        "arrears_notices": ("get", reverse("standing_notices"), {}),
        "do_create_snapshot": (
            "post",
            reverse("standing_snapshots"),
            {"as_of": "2025-01-06", "label": "Second roll"},
        ),
        "dues_import": ("get", reverse("dues:import"), {}),
        "dues_exceptions": ("get", reverse("dues:exceptions"), {}),
        "new_convention": ("get", reverse("convention_new"), {}),
        "member_export_holds_mia": ("get", reverse("member_export"), {}),
        "record_payment": (
            "post",
            reverse("dues:record_payment", args=[mia]),
            {
                "covers_from": "2024-01-01",
                "covers_through": "2024-01-31",
                "amount": "10",
                "method": "cash",
            },
        ),
    }


PAGE_ALLOWED: dict[str, set[str]] = {
    "member_page": ROSTER | REVIEW,
    "dues_page": TREASURY | {"secretary"},  # dues.view: admin, treasurer, secretary
    "standing_page": ROSTER | REVIEW,
    "branch_standing": ROSTER,  # standing.view over East
    "record_event": MEMBERS_OF_EAST,
    "invite": MEMBERS_OF_EAST,
    "appoint": ADMIN,
    "end_office": ADMIN,
    "member_directory": ADMIN,
    "record_payment": TREASURY,
    "arrears_notices": {"admin", "treasurer", "national_credentials"},
    "do_create_snapshot": {"admin", "treasurer", "national_credentials"},
    "dues_import": TREASURY,
    "dues_exceptions": TREASURY,
    "new_convention": {"admin", "national_credentials"},
    "member_export_holds_mia": ROSTER,
}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("page", sorted(PAGE_ALLOWED))
def test_each_page_about_a_member_outside_a_branch_officers_scope(client, world, page, persona):
    method, url, data = _pages(world)[page]
    client.force_login(world.users[persona])
    response = getattr(client, method)(url, data)
    if page == "member_export_holds_mia" and response.status_code == 200:
        # every officer may export; Mia is in it for those who cover East
        text = b"".join(response.streaming_content).decode()
        assert ("Mia,Member" in text) is (persona in PAGE_ALLOWED[page])
    elif persona in PAGE_ALLOWED[page]:
        assert response.status_code in (200, 302), response.content.decode()[:500]
    else:
        assert response.status_code in (403, 404)
