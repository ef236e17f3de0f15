"""A member votes from a phone: finds the open poll from the home page, ranks, reviews, casts,
sees that they have voted, and sees the result once the poll closes."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.test_member_registry import log_in
from tests.voting.conftest import electorate, opened  # noqa: F401  (fixture)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


@pytest.mark.parametrize("javascript", [False, True], ids=["without-js", "with-js"])
def test_it_lets_a_member_vote_from_a_phone(
    browser: Any,
    live_server: Any,
    electorate: Any,  # noqa: F811
    javascript: bool,
) -> None:
    from rankfile.voting.actions import do_close_poll

    poll = opened(electorate, title="Elect the branch chair", method="scottish-stv")
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, java_script_enabled=javascript
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        log_in(page, electorate.member.email)
        assert page.get_by_role("heading", name="Open polls for you").is_visible()
        page.get_by_role("link", name="Elect the branch chair").click()
        page.get_by_label("Cy").select_option("1")
        page.get_by_label("Ana").select_option("2")
        page.get_by_role("button", name="Review my ballot").click()
        assert page.get_by_role("heading", name="Check your ballot").is_visible()
        assert page.locator("main ol li").all_inner_texts() == ["Cy", "Ana"]
        page.get_by_role("button", name="Cast my ballot").click()
        assert page.get_by_role("heading", name="You have voted").is_visible()
        assert page.get_by_text("1 of 3").is_visible()
        if javascript:  # the page fits the phone: no sideways scrolling
            assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

        do_close_poll(electorate.secretary, poll)
        page.goto(f"/polls/{poll.pk}/")
        page.get_by_role("link", name="See the result").click()
        assert page.get_by_role("heading", name="Elected").is_visible()
        assert page.locator("main ol li").first.inner_text() == "Cy"
    finally:
        context.close()
