import re
import socket

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from rankfile.audit.models import AuditEvent


def link_in(message):
    return re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)


def test_it_invites_a_member_who_sets_a_password_and_is_logged_in(
    client, people, django_capture_on_commit_callbacks
):
    from rankfile.members.actions import do_add_member

    newcomer = do_add_member(
        people.secretary,
        first_name="Nia",
        last_name="Newcomer",
        branch=people.east,
        joined_on=people.member.member.joined_on,
        email="nia@example.org",
    )
    client.force_login(people.secretary)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("member_invite", args=[newcomer.pk]))
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["nia@example.org"]
    assert AuditEvent.objects.filter(action="member.invite", member=newcomer).exists()

    client.logout()
    response = client.get(link_in(mail.outbox[0]), follow=True)
    assert response.status_code == 200
    response = client.post(
        response.redirect_chain[-1][0],
        {"new_password1": "a long new passphrase 42", "new_password2": "a long new passphrase 42"},
        follow=True,
    )
    assert response.context["user"].email == "nia@example.org"
    assert client.login(username="nia@example.org", password="a long new passphrase 42")


def test_an_invitation_link_works_once(client, people, django_capture_on_commit_callbacks):
    from rankfile.accounts.actions import do_invite_member

    with django_capture_on_commit_callbacks(execute=True):
        do_invite_member(None, people.other.member, base_url="http://testserver/")
    url = link_in(mail.outbox[0])
    form_url = client.get(url, follow=True).redirect_chain[-1][0]
    client.post(
        form_url, {"new_password1": "first choice pass 1", "new_password2": "first choice pass 1"}
    )
    client.logout()
    response = client.get(url, follow=True)
    assert "no longer valid" in response.content.decode()


def test_an_ordinary_member_cannot_invite(client, people):
    client.force_login(people.member)
    response = client.post(reverse("member_invite", args=[people.other.member.pk]))
    assert response.status_code == 404  # another branch's member is not even visible
    client.force_login(people.appeals)
    response = client.post(reverse("member_invite", args=[people.member.member.pk]))
    assert response.status_code == 403
    assert mail.outbox == []


def test_password_reset_sends_a_link_only_to_a_known_address(client, people):
    client.post(reverse("password_reset"), {"email": people.member.email})
    client.post(reverse("password_reset"), {"email": "stranger@example.org"})
    assert [m.to for m in mail.outbox] == [[people.member.email]]
    response = client.get(link_in(mail.outbox[0]), follow=True)
    response = client.post(
        response.redirect_chain[-1][0],
        {"new_password1": "a brand new secret 7", "new_password2": "a brand new secret 7"},
    )
    assert client.login(username=people.member.email, password="a brand new secret 7")


@pytest.fixture
def smtp_server():
    """A real SMTP server on the loopback interface, collecting what it receives."""
    from aiosmtpd.controller import Controller

    received = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            received.append(envelope)
            return "250 OK"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    yield port, received
    controller.stop()


@pytest.mark.django_db(transaction=True)
def test_invitations_go_out_through_a_real_smtp_server(people, smtp_server):
    from rankfile.accounts.actions import do_invite_member

    port, received = smtp_server
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=port,
    ):
        do_invite_member(None, people.other.member, base_url="https://members.example.org/")
    assert len(received) == 1
    assert received[0].rcpt_tos == [people.other.member.email]
    assert b"https://members.example.org/invitation/" in received[0].content
