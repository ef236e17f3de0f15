"""An officer who edits a member's email must not get a key to that member's account, nor to
an operator's: a log-in link goes only to the address the account itself logs in with."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from rankfile.accounts.models import User
from rankfile.audit.models import AuditEvent
from rankfile.members.models import Member
from tests.conftest import make_person

ATTACKER = "attacker@example.net"


@pytest.fixture
def credentials_member(people):
    """Cora sits on the credentials committee of the whole organization, in east."""
    from rankfile.members.actions import do_appoint

    cora = make_person("Cora", "Credentials", people.east, number="1100")
    do_appoint(None, cora, role="credentials", branch=None, started_on=datetime.date(2024, 1, 1))
    return cora


def change_email(client, officer, member, email):
    client.force_login(officer)
    response = client.post(
        reverse("member_update", args=[member.pk]),
        {
            "contact-first_name": member.first_name,
            "contact-last_name": member.last_name,
            "contact-email": email,
            "contact-phone": member.phone,
            "contact-address": member.address,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]


def test_a_secretary_who_changes_an_officers_email_cannot_send_the_login_link_elsewhere(
    client, people, credentials_member, django_capture_on_commit_callbacks
):
    account = credentials_member.user
    change_email(client, people.secretary, credentials_member, ATTACKER)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("member_invite", args=[credentials_member.pk]))
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["cora@example.org"]]
    assert ATTACKER not in mail.outbox[0].body
    account.refresh_from_db()
    assert account.email == "cora@example.org"
    credentials_member.refresh_from_db()
    assert credentials_member.user == account
    # the change itself is on the record
    event = AuditEvent.objects.get(action="member.update", member=credentials_member)
    assert event.payload == {"fields": ["email"]}


def test_an_operators_account_is_never_linked_to_a_member_by_an_officer(
    client, people, django_capture_on_commit_callbacks
):
    root = User.objects.create_superuser("root@example.org", "operator pass 123")
    newcomer = Member.objects.get(pk=people.member.member.pk)
    newcomer.user = None
    newcomer.save(update_fields=["user"])
    change_email(client, people.secretary, newcomer, "root@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("member_invite", args=[newcomer.pk]), follow=True)
    assert "only an operator can link it" in response.content.decode()
    assert mail.outbox == []
    newcomer.refresh_from_db()
    assert newcomer.user is None
    assert not hasattr(User.objects.get(pk=root.pk), "member")


def test_an_import_that_changes_an_email_is_on_the_record_and_moves_no_account(
    people, credentials_member, django_capture_on_commit_callbacks
):
    from rankfile.accounts.actions import do_invite_member
    from rankfile.members.csvfile import COLUMNS
    from rankfile.members.importing import do_apply_import

    row = ["1100", "Cora", "Credentials", ATTACKER, "555-1100", "east", "2020-01-15", ""]
    data = "\r\n".join([",".join(COLUMNS), ",".join(row), ""]).encode()
    plan = do_apply_import(data, file_name="fix.csv", actor=people.secretary)
    assert plan.applied
    event = AuditEvent.objects.get(action="member.update", member=credentials_member)
    assert event.payload == {"fields": ["email"]}
    assert event.actor == people.secretary
    assert event.reason == "Import of fix.csv"
    with django_capture_on_commit_callbacks(execute=True):
        do_invite_member(people.secretary, credentials_member, base_url="http://testserver/")
    assert [m.to for m in mail.outbox] == [["cora@example.org"]]


def test_an_import_records_each_changed_member_in_one_unbroken_chain(people):
    from rankfile.audit.verify import verify_audit_log
    from rankfile.members.csvfile import COLUMNS
    from rankfile.members.importing import do_apply_import

    rows = [
        [m.member_number, m.first_name, m.last_name, f"new-{m.member_number}@example.org"]
        + [m.phone, m.branch.slug, m.joined_on.isoformat(), ""]
        for m in Member.objects.filter(branch=people.east).select_related("branch")
    ]
    data = "\r\n".join([",".join(COLUMNS), *(",".join(row) for row in rows), ""]).encode()
    before = AuditEvent.objects.count()
    assert do_apply_import(data, file_name="all.csv", actor=people.admin).applied
    events = AuditEvent.objects.filter(action="member.update").order_by("seq")
    assert {e.member.member_number for e in events} == {row[0] for row in rows}
    assert AuditEvent.objects.count() == before + len(rows) + 1  # and the import itself
    assert verify_audit_log().ok
