"""The roster is for the officers who need it: what members who hold no office see is the
organization's choice, made on the record; a member who leaves loses access that day; reading
a large list is itself on the record."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse

from rankfile.accounts.actions import do_create_api_token
from rankfile.audit.models import AuditEvent
from rankfile.members.access import access_member, directory_members, viewer_for
from rankfile.members.actions import (
    do_record_member_event,
    do_resign,
    do_set_member_directory,
)
from rankfile.members.exporting import LARGE_EXPORT_ROWS
from rankfile.members.models import Member, Organization


def names(user):
    return {m.first_name for m in directory_members(user)}


def test_by_default_a_member_who_holds_no_office_sees_only_herself(people):
    assert names(people.member) == {"Mia"}
    assert names(people.secretary) == {"Ada", "Sam", "Mia"}  # east, which she covers


def test_the_organization_may_let_members_see_their_own_branchs_names_on_the_record(people):
    do_set_member_directory(people.admin, visibility="own_branch", reason="Congress 2025, item 4")
    assert names(people.member) == {"Ada", "Sam", "Mia"}  # east only
    event = AuditEvent.objects.get(action="organization.member_directory")
    assert event.actor == people.admin
    assert event.reason == "Congress 2025, item 4"
    assert event.payload == {"from": "officers", "to": "own_branch"}


def test_only_an_organization_wide_admin_changes_who_sees_the_roster(client, people, west_officers):
    for officer in (west_officers["admin"], people.secretary, people.member):
        with pytest.raises(PermissionDenied):
            do_set_member_directory(officer, visibility="own_branch", reason="Why not")
    client.force_login(west_officers["admin"])
    response = client.post(reverse("organization"), {"visibility": "own_branch", "reason": "x"})
    assert response.status_code == 403
    assert Organization.current().member_directory == "officers"


def test_the_setting_is_shown_to_every_member_and_changed_in_the_app(client, people):
    client.force_login(people.member)
    page = client.get(reverse("organization")).content.decode()
    assert "Only officers, for the branches their offices cover" in page
    assert "<form" not in page.split("<main", 1)[-1]
    client.force_login(people.admin)
    response = client.post(reverse("organization"), {"visibility": "own_branch", "reason": ""})
    assert response.status_code == 400  # the reason is required
    response = client.post(
        reverse("organization"), {"visibility": "own_branch", "reason": "Congress 2025"}
    )
    assert response.status_code == 302
    assert Organization.current().member_directory == "own_branch"


def test_a_member_who_resigns_sees_no_one_else_from_that_day(people):
    do_set_member_directory(people.admin, visibility="own_branch", reason="Congress")
    assert "Sam" in names(people.member)
    do_resign(people.member, people.member.member)
    people.member._rankfile_viewer = None  # a new request
    assert names(people.member) == {"Mia"}
    with pytest.raises(Http404):
        access_member(people.member, people.secretary.member.pk)


def test_an_expelled_officer_loses_the_offices_powers_that_day(people):
    do_record_member_event(
        people.admin,
        people.secretary.member,
        kind="expelled",
        on=datetime.date.today(),
        reason="Decision of the appeals body, case 12",
    )
    viewer = viewer_for(people.secretary, on=datetime.date.today())
    assert viewer.offices == []
    assert not viewer.can("member.manage", people.east.pk)
    assert names(people.secretary) == {"Sam"}
    with pytest.raises((PermissionDenied, Http404)):
        do_record_member_event(
            people.secretary,
            people.member.member,
            kind="lapsed",
            on=datetime.date.today(),
            reason="Revenge",
        )


def _many_members(branch, count):
    Member.objects.bulk_create(
        Member(
            member_number=f"M{index:05d}",
            first_name="Many",
            last_name=f"Member{index:05d}",
            branch=branch,
            status="member",
            joined_on=datetime.date(2020, 1, 1),
        )
        for index in range(count)
    )


def test_reading_a_large_list_through_the_api_is_on_the_record(client, people):
    _token, secret = do_create_api_token(people.admin, name="script")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    response = client.get("/api/v1/members", **headers)
    assert response.status_code == 200
    assert not AuditEvent.objects.filter(action="member.export").exists()  # a short list
    _many_members(people.south, LARGE_EXPORT_ROWS)
    response = client.get("/api/v1/members", {"page": 2}, **headers)
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="member.export")
    total = Member.objects.count()
    assert event.actor == people.admin
    assert event.payload == {"via": "api", "rows": total - 100, "of": total, "page": 2}


def test_the_api_list_holds_only_the_branches_an_officer_covers(client, people):
    _token, secret = do_create_api_token(people.secretary, name="script")
    response = client.get("/api/v1/members", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert {row["first_name"] for row in response.json()["results"]} == {"Ada", "Sam", "Mia"}
