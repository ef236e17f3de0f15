import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from rankfile.members.access import access_member, viewer_for, visible_members


def test_it_gives_a_branch_secretary_contact_details_of_her_branch_only(people):
    viewer = viewer_for(people.secretary)
    assert viewer.can_see_contact(people.member.member)
    assert not viewer.can_see_contact(people.other.member)


def test_it_extends_a_regional_office_to_the_branches_below(people):
    from rankfile.members.actions import do_appoint

    organizer = people.other.member
    do_appoint(
        None, organizer, role="organizer", branch=people.north, started_on=organizer.joined_on
    )
    organizer.user.refresh_from_db()
    viewer = viewer_for(organizer.user)
    assert viewer.can_see_contact(people.member.member)
    assert not viewer.can_see_contact(people.south_member.member)


def test_an_ordinary_member_sees_their_own_record_in_full_and_no_other_contact(people):
    viewer = viewer_for(people.member)
    assert viewer.can_see_contact(people.member.member)
    assert not viewer.can_see_contact(people.other.member)


def test_access_member_refuses_what_the_user_may_not_do(people):
    with pytest.raises(PermissionDenied):
        access_member(people.appeals, people.member.member.pk, "member.manage")
    with pytest.raises(Http404):  # a member of another branch: not even visible
        access_member(people.member, people.other.member.pk, "member.manage")
    assert access_member(people.secretary, people.member.member.pk, "member.manage")


def test_former_members_are_hidden_from_ordinary_members(people):
    from rankfile.members.actions import do_resign

    do_resign(people.other, people.other.member)
    assert not visible_members(people.member).filter(pk=people.other.member.pk).exists()
    with pytest.raises(Http404):
        access_member(people.member, people.other.member.pk)


def test_the_appeals_body_reviews_everywhere_though_seated_in_one_branch(people):
    viewer = viewer_for(people.appeals)
    assert viewer.can_everywhere("audit.view")
    assert not viewer.can("member.view_contact", people.east.pk)
