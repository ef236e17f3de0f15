"""API tokens end when the password changes or is reset: whoever knew the old password may
have made them."""

import re

from django.core import mail
from django.urls import reverse

from rankfile.accounts.actions import do_create_api_token
from rankfile.audit.models import AuditEvent
from tests.conftest import PASSWORD

NEW_PASSWORD = "a completely new passphrase 9"


def api_me(client, secret):
    return client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_it_ends_api_tokens_when_the_password_is_changed(client, people):
    _token, secret = do_create_api_token(people.member, name="old laptop")
    assert api_me(client, secret).status_code == 200
    client.force_login(people.member)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    client.logout()
    assert api_me(client, secret).status_code == 401
    event = AuditEvent.objects.get(action="account.token_revoke")
    assert event.reason == "The password was changed"


def test_it_ends_api_tokens_when_the_password_is_reset(client, people):
    _token, secret = do_create_api_token(people.member, name="old laptop")
    client.post(reverse("password_reset"), {"email": people.member.email})
    path = re.search(r"https?://[^/\s]+(/\S+)", mail.outbox[0].body).group(1)
    form_url = client.get(path, follow=True).redirect_chain[-1][0]
    client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert client.login(username=people.member.email, password=NEW_PASSWORD)
    client.logout()
    assert api_me(client, secret).status_code == 401


def test_a_token_made_after_the_change_works(client, people):
    people.member.set_password(NEW_PASSWORD)
    people.member.save()
    _token, secret = do_create_api_token(people.member, name="new laptop")
    assert api_me(client, secret).status_code == 200


def test_saving_an_account_without_a_new_password_keeps_its_tokens(client, people):
    _token, secret = do_create_api_token(people.member, name="laptop")
    people.member.display_name = "Mia M."
    people.member.save()
    assert api_me(client, secret).status_code == 200
