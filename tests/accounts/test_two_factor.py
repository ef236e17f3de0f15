"""Two-factor authentication: officers turn it on with an authenticator app, log in with
its codes (or a recovery code), and an organization-wide administrator can require it."""

import datetime
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from rankfile.accounts.actions import do_set_two_factor_policy
from rankfile.audit.models import AuditEvent
from tests.conftest import PASSWORD
from tests.totp import next_totp, totp


def time_passes():
    """django-otp slows down after a wrong code (1, 2, 4 … seconds): a person types the next
    code a moment later."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.update(throttling_failure_timestamp=None, throttling_failure_count=0)


def logged_in(client):
    return "_auth_user_id" in client.session


def turn_on(client, user):
    """Turn it on as the logged-in user would; returns the key and the recovery codes."""
    client.force_login(user)
    page = client.post(reverse("two_factor"), {"action": "start"}).content.decode()
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page).group(1)
    page = client.post(
        reverse("two_factor"), {"action": "confirm", "code": totp(secret)}
    ).content.decode()
    codes = re.findall(r"<li><code>([a-z2-7]+)</code></li>", page)
    client.logout()
    return secret, codes


def log_in(client, user, next_url=""):
    return client.post(
        reverse("login") + (f"?next={next_url}" if next_url else ""),
        {"username": user.email, "password": PASSWORD},
    )


def test_an_officer_turns_it_on_and_logs_in_with_a_code_from_the_app(client, people):
    secret, codes = turn_on(client, people.secretary)
    assert len(codes) == 10
    assert AuditEvent.objects.filter(
        action="account.two_factor_on", target_id=str(people.secretary.pk)
    ).exists()

    response = log_in(client, people.secretary, next_url="/members/")
    assert response["Location"] == reverse("login_code")
    assert not logged_in(client)
    assert client.get(reverse("dashboard")).status_code == 302

    response = client.post(reverse("login_code"), {"code": "000000"})
    assert "That code is not right" in response.content.decode()
    assert not logged_in(client)

    time_passes()
    response = client.post(reverse("login_code"), {"code": next_totp(secret)})
    assert response.status_code == 302
    assert response["Location"] == "/members/"
    assert logged_in(client)


def test_a_code_is_accepted_once_only(client, people):
    secret, _codes = turn_on(client, people.secretary)
    code = next_totp(secret)
    log_in(client, people.secretary)
    client.post(reverse("login_code"), {"code": code})
    assert logged_in(client)
    client.logout()
    log_in(client, people.secretary)
    response = client.post(reverse("login_code"), {"code": code})
    assert not logged_in(client)
    assert response.status_code == 200


def test_a_recovery_code_logs_in_once(client, people):
    _secret, codes = turn_on(client, people.secretary)
    log_in(client, people.secretary)
    response = client.post(reverse("login_code"), {"code": codes[0].upper()}, follow=True)
    assert logged_in(client)
    assert "9 are left" in response.content.decode()
    client.logout()
    log_in(client, people.secretary)
    client.post(reverse("login_code"), {"code": codes[0]})
    assert not logged_in(client)


def test_wrong_codes_in_a_row_are_slowed_down_and_end_the_attempt(client, people):
    turn_on(client, people.secretary)
    log_in(client, people.secretary)
    client.post(reverse("login_code"), {"code": "000000"})
    response = client.post(reverse("login_code"), {"code": "000001"})
    assert "Too many wrong codes in a row" in response.content.decode()
    for _ in range(3):
        client.post(reverse("login_code"), {"code": "000002"})
    response = client.get(reverse("login_code"))
    assert response["Location"] == reverse("login")


def test_the_password_step_expires(client, people):
    secret, _codes = turn_on(client, people.secretary)
    log_in(client, people.secretary)
    session = client.session
    pending = session["rankfile_pending_login"]
    pending["at"] = (
        datetime.datetime.fromisoformat(pending["at"]) - datetime.timedelta(minutes=6)
    ).isoformat()
    session["rankfile_pending_login"] = pending
    session.save()
    response = client.post(reverse("login_code"), {"code": next_totp(secret)})
    assert response["Location"] == reverse("login")
    assert not logged_in(client)


def test_turning_it_off_needs_a_code(client, people):
    secret, _codes = turn_on(client, people.secretary)
    client.force_login(people.secretary)
    response = client.post(reverse("two_factor"), {"action": "off", "code": "123456"})
    assert "That code is not right" in response.content.decode()
    time_passes()
    client.post(reverse("two_factor"), {"action": "off", "code": next_totp(secret)})
    assert AuditEvent.objects.filter(action="account.two_factor_off").exists()
    client.logout()
    assert log_in(client, people.secretary)["Location"] == reverse("dashboard")


def test_an_organization_wide_admin_requires_it_of_officers_on_the_record(client, people):
    client.force_login(people.admin)
    client.post(
        reverse("two_factor"),
        {"action": "policy", "officers_need_two_factor": "on", "reason": "Elections are near"},
    )
    event = AuditEvent.objects.get(action="organization.two_factor_policy")
    assert event.payload == {"officers_need_two_factor": True}
    assert event.reason == "Elections are near"
    client.logout()

    # An officer without it is set up on the way in, and not logged in until a code works.
    response = log_in(client, people.secretary)
    assert response["Location"] == reverse("two_factor")
    assert not logged_in(client)
    page = client.post(reverse("two_factor"), {"action": "start"}).content.decode()
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page).group(1)
    response = client.post(reverse("two_factor"), {"action": "confirm", "code": totp(secret)})
    assert response["Location"] == reverse("dashboard")
    assert logged_in(client)
    page = client.get(reverse("dashboard")).content.decode()
    assert "Welcome" in page
    client.logout()

    # An ordinary member is not asked.
    assert log_in(client, people.member)["Location"] == reverse("dashboard")
    assert logged_in(client)


def test_an_officers_session_from_before_the_requirement_must_set_it_up(client, people):
    do_set_two_factor_policy(people.admin, officers_need_two_factor=True, reason="Policy")
    client.force_login(people.secretary)
    assert client.get(reverse("directory"))["Location"] == reverse("two_factor")
    client.force_login(people.member)
    assert client.get(reverse("directory")).status_code == 200


def test_a_required_officer_cannot_turn_it_off(client, people):
    secret, _codes = turn_on(client, people.secretary)
    do_set_two_factor_policy(people.admin, officers_need_two_factor=True, reason="Policy")
    log_in(client, people.secretary)
    client.post(reverse("login_code"), {"code": next_totp(secret)})
    response = client.post(reverse("two_factor"), {"action": "off", "code": "anything"})
    assert "stays on" in response.content.decode()


def test_only_an_organization_wide_admin_may_require_it(client, people):
    from rankfile.members.actions import do_appoint

    do_appoint(
        None,
        people.other.member,
        role="admin",
        branch=people.west,
        started_on=datetime.date(2024, 1, 1),
    )
    for officer in (people.secretary, people.other, people.treasurer):
        with pytest.raises(PermissionDenied):
            do_set_two_factor_policy(officer, officers_need_two_factor=True, reason="Mine")
        client.force_login(officer)
        assert "For the organization" not in client.get(reverse("two_factor")).content.decode()
        client.post(
            reverse("two_factor"),
            {"action": "policy", "officers_need_two_factor": "on", "reason": "x"},
        )
    assert not AuditEvent.objects.filter(action="organization.two_factor_policy").exists()


def test_the_django_admin_asks_for_the_code(client, people):
    from rankfile.accounts.models import User

    operator = User.objects.create_superuser("operator@example.org", PASSWORD)
    secret, _codes = turn_on(client, operator)
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0] == reverse("login") + "?next=%2Fadmin%2F"
    response = client.post(
        reverse("login") + "?next=/admin/",
        {"username": operator.email, "password": PASSWORD},
    )
    assert response["Location"] == reverse("login_code")
    assert client.get("/admin/").status_code == 302
    response = client.post(reverse("login_code"), {"code": next_totp(secret)})
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_an_invitation_link_does_not_skip_the_code(client, people):
    _secret, _codes = turn_on(client, people.secretary)
    from django.core import mail

    client.post(reverse("password_reset"), {"email": people.secretary.email})
    path = re.search(r"https?://[^/\s]+(/\S+)", mail.outbox[0].body).group(1)
    path = path.replace("/password/reset/", "/invitation/")
    form_url = client.get(path, follow=True).redirect_chain[-1][0]
    client.post(
        form_url, {"new_password1": "new pass phrase 77", "new_password2": "new pass phrase 77"}
    )
    assert not logged_in(client)


def test_an_officers_session_without_a_code_is_logged_out_when_it_is_required(client, people):
    secret, _codes = turn_on(client, people.secretary)
    do_set_two_factor_policy(people.admin, officers_need_two_factor=True, reason="Policy")
    client.force_login(people.secretary)
    response = client.get(reverse("directory") + "?q=mia")
    assert response["Location"] == reverse("login") + "?next=/members/%3Fq%3Dmia"
    assert not logged_in(client)


def test_a_member_sees_their_own_two_factor_events_on_the_record(client, people):
    turn_on(client, people.member)
    client.force_login(people.member)
    page = client.get(reverse("audit_log") + "?action=account.").content.decode()
    assert "account.two_factor_on" in page
    client.force_login(people.other)
    page = client.get(reverse("audit_log") + "?action=account.").content.decode()
    assert "account.two_factor_on" not in page
