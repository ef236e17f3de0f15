"""No officer widens their own powers: every office-holding action checks the capability over
the branch it touches, and no appointment gives more than the appointer holds."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from rankfile.members.access import can_manage_conventions, viewer_for
from rankfile.members.actions import (
    do_appoint,
    do_configure_organization,
    do_create_branch,
    do_end_office,
)
from rankfile.members.models import Office, Organization

START = datetime.date(2025, 1, 1)


@pytest.fixture
def west_admin(west_officers):
    return west_officers["admin"]


def test_a_branch_admin_cannot_appoint_themselves_organization_wide_admin(
    client, people, west_admin
):
    me = west_admin.member
    with pytest.raises(PermissionDenied):
        do_appoint(west_admin, me, role="admin", branch=None, started_on=START)
    client.force_login(west_admin)
    response = client.post(
        reverse("offices"),
        {
            "member_number": me.member_number,
            "role": "admin",
            "branch": "",
            "started_on": "2025-01-01",
            "reason": "Promoting myself",
        },
    )
    assert response.status_code == 403
    assert not me.offices.filter(branch=None).exists()
    assert not viewer_for(west_admin).can_everywhere("office.manage")


def test_a_branch_admin_cannot_end_the_organization_wide_admins_office(client, people, west_admin):
    office = Office.objects.get(member=people.admin.member, role="admin")
    with pytest.raises(PermissionDenied):
        do_end_office(west_admin, office, ended_on=START, reason="Coup")
    client.force_login(west_admin)
    response = client.post(
        reverse("office_end", args=[office.pk]), {"ended_on": "2025-01-01", "reason": "Coup"}
    )
    assert response.status_code == 403
    office.refresh_from_db()
    assert office.ended_on is None
    # nor is the button offered
    assert (
        reverse("office_end", args=[office.pk])
        not in client.get(reverse("offices")).content.decode()
    )


def test_a_branch_admin_appoints_within_their_branch_only(people, west_admin):
    otto = people.other.member  # a member of west
    office = do_appoint(west_admin, otto, role="secretary", branch=people.west, started_on=START)
    assert viewer_for(people.other).can("member.manage", people.west.pk)
    do_end_office(west_admin, office, ended_on=START, reason="Term over")
    for branch in (people.east, people.north, None):
        with pytest.raises(PermissionDenied):
            do_appoint(west_admin, otto, role="secretary", branch=branch, started_on=START)


def test_no_appointment_gives_more_than_the_appointer_holds(people, west_admin):
    # The appeals body reviews the whole organization, whatever branch its office names:
    # a branch admin does not hold that power, so cannot give it.
    with pytest.raises(PermissionDenied):
        do_appoint(
            west_admin, people.other.member, role="appeals", branch=people.west, started_on=START
        )
    # An organization-wide admin can.
    do_appoint(
        people.admin, people.other.member, role="appeals", branch=people.west, started_on=START
    )


def test_a_branch_admin_cannot_end_an_office_with_powers_beyond_theirs(people, west_admin):
    appeals_office = Office.objects.get(member=people.appeals.member, role="appeals")
    assert appeals_office.branch == people.west
    with pytest.raises(PermissionDenied):
        do_end_office(west_admin, appeals_office, ended_on=START, reason="Inconvenient")


def test_only_an_organization_wide_admin_configures_the_organization(people, west_admin):
    with pytest.raises(PermissionDenied):
        do_configure_organization(west_admin, name="Taken over")
    assert Organization.current().name != "Taken over"
    do_configure_organization(people.admin, name="Renamed on the record")
    assert Organization.current().name == "Renamed on the record"


def test_a_branch_admin_creates_branches_only_under_their_own(people, west_admin):
    do_create_branch(west_admin, name="West Harbour", slug="west-harbour", parent=people.west)
    for parent in (None, people.east, people.north):
        with pytest.raises(PermissionDenied):
            do_create_branch(west_admin, name="Rogue", slug="rogue", parent=parent)


def test_no_one_logged_out_manages_conventions(people):
    assert can_manage_conventions(None) is False
    assert viewer_for(people.admin).can_manage(None) is False
    assert can_manage_conventions(people.admin) is True
