import pytest

from tests.conftest import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def log_in(page, email):
    page.goto("/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/")


def test_it_logs_in_finds_a_member_and_records_a_change(page, people):
    log_in(page, people.secretary.email)
    assert page.get_by_role("heading", name="Welcome, Sam").is_visible()

    page.get_by_role("link", name="Members", exact=True).click()
    page.get_by_label("Search").fill("Memb")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Member, Mia").click()
    assert page.get_by_text(people.member.member.phone).is_visible()

    page.get_by_label("What happened").select_option("lapsed")
    page.get_by_label("On", exact=True).fill("2025-03-01")
    page.get_by_label("Reason").fill("No dues since 2024")
    page.get_by_role("button", name="Record").click()
    assert page.get_by_text("Recorded.").is_visible()
    assert page.locator("h1 .badge").inner_text() == "Lapsed"


def test_a_wrong_password_is_refused_with_a_message(page, people):
    page.goto("/login/")
    page.get_by_label("Email").fill(people.member.email)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Log in").click()
    assert page.get_by_role("alert").is_visible()
