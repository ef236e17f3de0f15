import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from rankfile.audit.models import AuditEvent
from rankfile.members import actions
from rankfile.members.models import MemberEvent


def test_adding_a_member_records_admission_and_an_audit_event(people):
    member = actions.do_add_member(
        people.secretary,
        first_name="Ife",
        last_name="Okoro",
        branch=people.east,
        joined_on=datetime.date(2025, 5, 1),
    )
    assert member.status == "member"
    assert member.member_number  # generated
    assert list(member.events.values_list("kind", "on")) == [
        ("admitted", datetime.date(2025, 5, 1))
    ]
    event = AuditEvent.objects.get(action="member.add", member=member)
    assert event.actor == people.secretary and event.branch == people.east


def test_a_secretary_cannot_add_members_to_another_branch(people):
    with pytest.raises(PermissionDenied):
        actions.do_add_member(
            people.secretary,
            first_name="X",
            last_name="Y",
            branch=people.west,
            joined_on=datetime.date(2025, 5, 1),
        )


def test_a_transfer_moves_the_member_and_names_both_branches(people):
    mia = people.member.member
    actions.do_record_member_event(
        people.admin,
        mia,
        kind="transferred",
        on=datetime.date(2025, 1, 1),
        reason="Moved",
        to_branch=people.west,
    )
    mia.refresh_from_db()
    assert mia.branch == people.west and mia.status == "member"
    event = AuditEvent.objects.get(action="member.transferred")
    assert event.payload == {
        "kind": "transferred",
        "on": "2025-01-01",
        "status": "member",
        "from_branch": "east",
        "to_branch": "west",
    }


def test_a_branch_secretary_cannot_transfer_a_member_out_of_her_scope(people):
    with pytest.raises(PermissionDenied):
        actions.do_record_member_event(
            people.secretary,
            people.member.member,
            kind="transferred",
            on=datetime.date(2025, 1, 1),
            reason="Moved",
            to_branch=people.west,
        )


@pytest.mark.parametrize(
    ("kind", "on", "reason", "field"),
    [
        ("reinstated", datetime.date(2025, 1, 1), "Back", "kind"),  # a member is not lapsed
        ("lapsed", datetime.date(2019, 1, 1), "Old", "on"),  # before the admission
        ("lapsed", datetime.date(2999, 1, 1), "Future", "on"),
        ("lapsed", datetime.date(2025, 1, 1), "  ", "reason"),
        ("transferred", datetime.date(2025, 1, 1), "Moved", "to_branch"),
    ],
)
def test_it_refuses_an_impossible_event_and_writes_nothing(people, kind, on, reason, field):
    mia = people.member.member
    before = (MemberEvent.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationError) as error:
        actions.do_record_member_event(people.admin, mia, kind=kind, on=on, reason=reason)
    assert field in error.value.message_dict
    assert (MemberEvent.objects.count(), AuditEvent.objects.count()) == before
    mia.refresh_from_db()
    assert mia.status == "member"


def test_a_member_resigns_from_their_own_page_with_a_statement(client, people):
    client.force_login(people.member)
    response = client.post(
        reverse("resign"), {"statement": "I disagree with the direction.", "confirm": "on"}
    )
    assert response.status_code == 302
    mia = people.member.member
    mia.refresh_from_db()
    assert mia.status == "resigned"
    assert mia.events.last().statement == "I disagree with the direction."
    event = AuditEvent.objects.get(action="member.resigned")
    assert event.actor == people.member and event.payload == {"with_statement": True}
    # The statement is the member's own words: kept with the record, not copied to the log.
    assert "disagree" not in str(event.payload) + event.reason


def test_resigning_needs_the_confirmation(client, people):
    client.force_login(people.member)
    response = client.post(reverse("resign"), {"statement": ""})
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    people.member.member.refresh_from_db()
    assert people.member.member.status == "member"


def test_nobody_resigns_for_someone_else(people):
    with pytest.raises(PermissionDenied):
        actions.do_resign(people.secretary, people.member.member)


def test_a_bad_event_from_the_web_is_a_message_not_an_error_page(client, people):
    client.force_login(people.secretary)
    response = client.post(
        reverse("member_record_event", args=[people.member.member.pk]),
        {"event-kind": "reinstated", "event-on": "2025-01-01", "event-reason": "x"},
    )
    assert response.status_code == 400
    assert "cannot be recorded for a member whose status is member" in response.content.decode()


def test_the_event_form_offers_only_the_changes_the_status_allows_and_none_by_default(
    client, people
):
    client.force_login(people.secretary)
    page = client.get(reverse("member", args=[people.member.member.pk])).content.decode()
    form = page[
        page.index('name="event-kind"') : page.index("</select>", page.index('name="event-kind"'))
    ]
    assert '<option value="" selected>Choose…</option>' in form
    assert 'value="lapsed"' in form and 'value="transferred"' in form
    assert 'value="reinstated"' not in form and 'value="admitted"' not in form


def test_members_update_their_own_contact_details_and_the_log_names_only_the_fields(client, people):
    client.force_login(people.member)
    response = client.post(
        reverse("account"),
        {"email": "mia@new.example.org", "phone": "555-7777", "address": "1 Elm"},
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="member.update")
    assert event.payload == {"fields": ["address", "email", "phone"]}
    assert "555-7777" not in str(event.payload)


def test_a_bad_email_from_an_officer_is_shown_on_the_page_and_nothing_changes(client, people):
    client.force_login(people.secretary)
    mia = people.member.member
    response = client.post(
        reverse("member_update", args=[mia.pk]),
        {
            "contact-first_name": "Mia",
            "contact-last_name": "Member",
            "contact-email": "not-an-address",
        },
    )
    assert response.status_code == 400
    assert "Enter a valid email address." in response.content.decode()
    mia.refresh_from_db()
    assert mia.email == "mia@example.org"
