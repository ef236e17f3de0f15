"""Officers are shown to members by name and office, never by the email they log in with."""

import datetime

from django.urls import reverse

from rankfile.accounts.actions import do_create_api_token
from rankfile.members.actions import do_record_member_event
from rankfile.standing.enforcement import do_record_enforcement

SAM = "Sam Secretary — Secretary (East Branch)"


def lapse_mia(people):
    do_record_member_event(
        people.secretary,
        people.member.member,
        kind="lapsed",
        on=datetime.date(2025, 2, 1),
        reason="Twelve months without contact",
    )


def test_the_record_names_the_officer_and_their_office_not_their_login(client, people):
    lapse_mia(people)
    client.force_login(people.member)
    page = client.get(reverse("audit_log")).content.decode()
    assert "Twelve months without contact" in page
    assert SAM in page
    assert people.secretary.email not in page


def test_a_members_history_names_who_recorded_each_change(client, people):
    lapse_mia(people)
    client.force_login(people.member)
    page = client.get(reverse("member", args=[people.member.member.pk])).content.decode()
    assert f"Recorded by {SAM}" in page
    assert people.secretary.email not in page


def test_an_enforcement_action_names_the_officer_to_the_member(client, people):
    do_record_enforcement(
        people.secretary,
        people.member.member,
        kind="inquiry",
        rule_cited="dues",
        reason="Are you paying dues?",
        on=datetime.date(2025, 2, 1),
    )
    client.force_login(people.member)
    page = client.get(reverse("my_standing")).content.decode()
    assert "Are you paying dues?" in page
    assert SAM in page
    assert people.secretary.email not in page


def test_the_apis_record_names_the_officer_not_their_login(client, people):
    lapse_mia(people)
    _token, secret = do_create_api_token(people.member, name="phone")
    response = client.get("/api/v1/audit", HTTP_AUTHORIZATION=f"Bearer {secret}")
    actors = {event["actor"] for event in response.json()["results"]}
    assert SAM in actors
    assert people.secretary.email not in response.content.decode()


def test_offices_and_branch_pages_show_names_and_offices(client, people):
    client.force_login(people.member)
    for url in (reverse("offices"), reverse("branch", args=["east"])):
        page = client.get(url).content.decode()
        assert "Sam Secretary" in page
        assert people.secretary.email not in page
        assert people.admin.email not in page
