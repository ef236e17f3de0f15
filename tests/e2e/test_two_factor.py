import re

import pytest

from tests.conftest import PASSWORD
from tests.totp import next_totp, totp

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_officer_turns_on_two_factor_and_logs_in_with_a_code(page, people):
    refused = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.goto("/login/")
    page.get_by_label("Email").fill(people.secretary.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="My account").click()
    page.get_by_role("link", name="Two-factor authentication").click()
    page.get_by_role("button", name="Set up two-factor authentication").click()
    assert page.get_by_role("img", name="QR code holding the key below").is_visible()
    secret = page.locator("#totp-secret").inner_text()
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)
    page.get_by_label("The code the app shows now").fill(totp(secret))
    page.get_by_role("button", name="Turn on").click()
    assert page.get_by_text("Write these down or print them now").is_visible()
    assert page.locator(".recovery-codes li").count() == 10

    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/login/")
    page.get_by_label("Email").fill(people.secretary.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/login/code/")
    assert page.get_by_role("heading", name="Enter your code").is_visible()
    page.get_by_label("Code").fill(next_totp(secret))
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/")
    assert page.get_by_role("heading", name="Welcome, Sam").is_visible()
    assert refused == []
