"""Log-in and reset-link throttling: per account, and per client address at a higher limit,
refused before the password is hashed."""

import datetime
import re
from unittest import mock

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from rankfile.accounts.models import Throttle
from rankfile.audit.models import AuditEvent
from tests.conftest import PASSWORD

ATTACKER = "203.0.113.66"
NEIGHBOUR = "203.0.113.67"


def log_in(client, email, password, address=ATTACKER):
    return client.post(
        reverse("login"), {"username": email, "password": password}, REMOTE_ADDR=address
    )


def logged_in(client):
    return "_auth_user_id" in client.session


@pytest.fixture
def hashes():
    """Counts argon2 work: verifying a password, or hashing one (Django hashes the password
    given for an unknown account too, to take as long as for a known one)."""
    counter = {"n": 0}
    verify, encode = Argon2PasswordHasher.verify, Argon2PasswordHasher.encode

    def counting_verify(self, *args, **kwargs):
        counter["n"] += 1
        return verify(self, *args, **kwargs)

    def counting_encode(self, *args, **kwargs):
        counter["n"] += 1
        return encode(self, *args, **kwargs)

    with (
        mock.patch.object(Argon2PasswordHasher, "verify", counting_verify),
        mock.patch.object(Argon2PasswordHasher, "encode", counting_encode),
    ):
        yield counter


def test_it_refuses_the_right_password_after_too_many_wrong_ones(client, people):
    for _ in range(30):
        log_in(client, people.member.email, "guess")
    response = log_in(client, people.member.email, PASSWORD)
    assert response.status_code == 200
    assert not logged_in(client)
    text = response.content.decode()
    assert "Too many failed log-ins" in text
    assert "Try again in 15 minutes" in text


def test_it_refuses_a_throttled_attempt_before_hashing_the_password(client, people, hashes):
    for _ in range(5):
        log_in(client, people.member.email, "guess")
    assert hashes["n"] == 5
    for _ in range(20):
        log_in(client, people.member.email, "guess")
    log_in(client, people.member.email, PASSWORD)
    assert hashes["n"] == 5


def test_an_attack_on_one_account_does_not_lock_out_others_behind_the_same_address(client, people):
    for _ in range(10):
        log_in(client, people.member.email, "guess")
    response = log_in(client, people.other.email, PASSWORD)
    assert response.status_code == 302
    assert logged_in(client)


def test_the_attacked_account_still_logs_in_once_the_lock_has_passed(client, people):
    for _ in range(5):
        log_in(client, people.member.email, "guess")
    assert (
        not logged_in(client) and log_in(client, people.member.email, PASSWORD).status_code == 200
    )
    Throttle.objects.update(locked_until=timezone.now() - datetime.timedelta(seconds=1))
    response = log_in(client, people.member.email, PASSWORD, address=NEIGHBOUR)
    assert response.status_code == 302
    assert logged_in(client)


def test_a_second_lock_in_a_row_lasts_twice_as_long(client, people):
    for _ in range(5):
        log_in(client, people.member.email, "guess")
    Throttle.objects.update(locked_until=timezone.now() - datetime.timedelta(seconds=1))
    for _ in range(5):
        log_in(client, people.member.email, "guess")
    response = log_in(client, people.member.email, PASSWORD)
    assert "Try again in 30 minutes" in response.content.decode()


@override_settings(LOGIN_FAILURES_PER_ADDRESS=8)
def test_an_address_trying_many_accounts_is_stopped_at_its_own_higher_limit(client, people, hashes):
    for number in range(8):
        log_in(client, f"someone{number}@example.org", "guess")
    response = log_in(client, people.other.email, PASSWORD)
    assert not logged_in(client)
    assert "Too many failed log-ins" in response.content.decode()
    assert hashes["n"] == 8
    response = log_in(client, people.other.email, PASSWORD, address=NEIGHBOUR)
    assert logged_in(client)


def test_an_account_lockout_is_on_the_record_once(client, people):
    for _ in range(12):
        log_in(client, people.member.email, "guess")
    events = AuditEvent.objects.filter(action="account.lockout")
    assert [(e.target_type, e.target_id) for e in events] == [
        ("accounts.user", str(people.member.pk))
    ]
    assert events[0].member == people.member.member


def test_a_lockout_of_an_address_no_account_uses_is_not_on_the_record(client, people):
    for _ in range(6):
        log_in(client, "nobody@example.org", "guess")
    assert not AuditEvent.objects.filter(action="account.lockout").exists()


def test_a_success_forgets_the_earlier_failures(client, people):
    for _ in range(4):
        log_in(client, people.member.email, "guess")
    log_in(client, people.member.email, PASSWORD)
    client.logout()
    for _ in range(4):
        log_in(client, people.member.email, "guess")
    assert log_in(client, people.member.email, PASSWORD).status_code == 302


@override_settings(TRUSTED_PROXY_HOPS=1, LOGIN_FAILURES_PER_ADDRESS=5)
def test_behind_a_proxy_the_address_the_proxy_saw_is_counted(client, people):
    for number in range(5):
        # The client forges the left part of the header; our proxy appends what it saw.
        client.post(
            reverse("login"),
            {"username": f"someone{number}@example.org", "password": "guess"},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{number}, {ATTACKER}",
        )
    response = client.post(
        reverse("login"),
        {"username": people.other.email, "password": PASSWORD},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR=f"198.51.100.9, {ATTACKER}",
    )
    assert "Too many failed log-ins" in response.content.decode()
    # Someone else behind the same proxy is not refused.
    client.post(
        reverse("login"),
        {"username": people.other.email, "password": PASSWORD},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR=NEIGHBOUR,
    )
    assert logged_in(client)


@override_settings(TRUSTED_PROXY_HOPS=0, LOGIN_FAILURES_PER_ADDRESS=3)
def test_ipv6_clients_are_counted_per_64_block(client, people):
    for number in range(3):
        log_in(client, f"someone{number}@example.org", "guess", address=f"2001:db8::{number}")
    response = log_in(client, people.other.email, PASSWORD, address="2001:db8::ff")
    assert "Too many failed log-ins" in response.content.decode()
    log_in(client, people.other.email, PASSWORD, address="2001:db8:0:1::1")
    assert logged_in(client)


def test_the_admin_logs_in_through_the_throttled_log_in(client, people):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == reverse("login") + "?next=/admin/"
    response = client.post(
        "/admin/login/?next=/admin/", {"username": people.admin.email, "password": PASSWORD}
    )
    assert not logged_in(client)


def test_password_reset_requests_are_throttled_per_address_asked_for(client, people):
    for _ in range(3):
        client.post(reverse("password_reset"), {"email": people.member.email})
    response = client.post(reverse("password_reset"), {"email": people.member.email})
    assert response.status_code == 200
    assert "Too many reset links" in response.content.decode()
    assert "Try again in 60 minutes" in response.content.decode()
    assert len(mail.outbox) == 3
    client.post(reverse("password_reset"), {"email": people.other.email})
    assert len(mail.outbox) == 4


@override_settings(RESET_REQUESTS_PER_ADDRESS=5)
def test_password_reset_requests_are_throttled_per_client_address(client, people):
    for number in range(5):
        client.post(reverse("password_reset"), {"email": f"someone{number}@example.org"})
    response = client.post(reverse("password_reset"), {"email": people.other.email})
    assert "Too many reset links" in response.content.decode()
    assert mail.outbox == []
    client.post(reverse("password_reset"), {"email": people.other.email}, REMOTE_ADDR=NEIGHBOUR)
    assert [m.to for m in mail.outbox] == [[people.other.email]]


def test_a_password_reset_lifts_the_lock_on_the_account(client, people):
    for _ in range(5):
        log_in(client, people.member.email, "guess")
    client.post(reverse("password_reset"), {"email": people.member.email})
    path = re.search(r"https?://[^/\s]+(/\S+)", mail.outbox[0].body).group(1)
    form_url = client.get(path, follow=True).redirect_chain[-1][0]
    client.post(
        form_url, {"new_password1": "my own new pass 31", "new_password2": "my own new pass 31"}
    )
    assert log_in(client, people.member.email, "my own new pass 31").status_code == 302


def test_old_keys_are_forgotten(client, people):
    for number in range(3):
        log_in(client, f"someone{number}@example.org", "guess")
    Throttle.objects.update(window_started_at=timezone.now() - datetime.timedelta(days=3))
    log_in(client, "someone-new@example.org", "guess")
    assert Throttle.objects.count() == 2  # the new key, and this client's address
