"""The appeals body decides an appeal by clicking through the pages, and the decision takes
effect: the lapse is overturned and the member is reinstated."""

import pytest
from django.utils import timezone

from rankfile.appeals.actions import do_file_appeal
from rankfile.members.actions import do_record_member_event
from tests.appeals.conftest import body  # noqa: F401  (fixture)
from tests.e2e.test_member_registry import log_in
from tests.standing.conftest import adopted, history, member_of  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_appeals_body_overturns_a_lapse_through_the_pages(page, body, history):  # noqa: F811
    member = member_of(history.member)
    lapse = do_record_member_event(
        history.secretary, member, kind="lapsed", on=timezone.localdate(), reason="Dues unpaid"
    )
    appeal = do_file_appeal(history.member, lapse, statement="I paid at the branch meeting.")

    log_in(page, "bea@example.org")
    page.get_by_role("link", name="Appeals", exact=True).click()
    page.get_by_role("link", name="The appeals body's docket").click()
    page.get_by_role("link", name=f"Appeal {appeal.pk}", exact=True).click()
    assert page.get_by_text("I paid at the branch meeting.").is_visible()
    page.get_by_label("Outcome").select_option("overturned")
    page.get_by_label("Written reasons").fill("The receipt book shows the payment.")
    page.get_by_label("Vote of bea@example.org").select_option("overturned")
    page.get_by_label("Vote of cal@example.org").select_option("overturned")
    page.get_by_role("button", name="Record the decision").click()

    assert page.get_by_text("Decision recorded.").is_visible()
    assert page.locator("#appeal-state").inner_text() == "Decided: overturned"
    assert page.get_by_text(f"reinstated as of {lapse.on}").is_visible()
    member.refresh_from_db()
    assert member.status == "member"
