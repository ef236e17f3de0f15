"""Who sees whose standing: my standing for every member, a member's standing for their
branch officers, the equal-treatment report in full only for the appeals body."""

from __future__ import annotations

import datetime

import pytest

from rankfile.standing.enforcement import do_record_enforcement
from tests.standing.conftest import ON, member_of

pytestmark = pytest.mark.django_db

AS_OF = {"as_of": ON.isoformat()}


def test_a_member_sees_their_own_standing_with_the_way_back(history, client):
    client.force_login(history.member)
    page = client.get("/standing/", AS_OF).content.decode()
    assert "Not in good standing on 2024-06-15" in page
    assert "The way back:" in page
    assert "pay from 2020-01" in page


def test_a_member_in_good_standing_sees_when_it_ends(history, client):
    client.force_login(history.secretary)
    page = client.get("/standing/", AS_OF).content.decode()
    assert "In good standing on 2024-06-15" in page
    assert "Good standing ends on 2024-07-01" in page


@pytest.mark.parametrize(
    ("viewer", "subject", "status"),
    [
        ("member", "member", 200),  # self
        ("secretary", "member", 200),  # officer of the member's branch (east)
        ("admin", "other", 200),  # organization-wide
        ("secretary", "other", 404),  # west is outside the secretary's scope: not visible
        ("other", "member", 404),  # an ordinary member of another branch
        ("south_member", "member", 404),
        ("appeals", "member", 200),  # the appeals body reaches every member
    ],
)
def test_a_members_standing_is_shown_to_them_and_their_branch_officers_only(
    history, client, viewer, subject, status
):
    client.force_login(getattr(history, viewer))
    target = member_of(getattr(history, subject))
    response = client.get(f"/standing/members/{target.pk}/", AS_OF)
    assert response.status_code == status
    if status == 200:
        assert target.member_number in response.content.decode()


def test_the_branch_list_is_for_the_branch_officers(history, client):
    client.force_login(history.secretary)
    page = client.get("/standing/branches/east/", AS_OF).content.decode()
    assert "Mia" in page and "Sam" in page
    assert "Otto" not in page  # west
    assert client.get("/standing/branches/west/", AS_OF).status_code == 403
    client.force_login(history.member)
    assert client.get("/standing/branches/east/", AS_OF).status_code == 403


def test_an_enforcement_action_is_shown_to_the_member_and_the_appeals_body_only(history, client):
    target = member_of(history.member)
    do_record_enforcement(
        history.secretary,
        target,
        kind="inquiry",
        rule_cited="dues.months_in_arrears_before_losing_standing",
        reason="Are you paying dues?",
        on=datetime.date(2024, 6, 1),
    )
    for viewer, sees in [("member", True), ("appeals", True), ("secretary", False)]:
        client.force_login(getattr(history, viewer))
        page = client.get(f"/standing/members/{target.pk}/", AS_OF).content.decode()
        assert ("Are you paying dues?" in page) is sees, viewer


def test_an_officer_cannot_record_an_action_outside_their_branches(history, client):
    client.force_login(history.secretary)
    other = member_of(history.other)
    response = client.post(
        f"/standing/members/{other.pk}/enforcement/",
        {"kind": "inquiry", "rule_cited": "dues", "reason": "why", "on": "2024-06-01"},
    )
    assert response.status_code == 404  # a member of a branch she does not cover


def test_an_action_without_a_cited_rule_is_refused_naming_the_field(history, client):
    client.force_login(history.secretary)
    target = member_of(history.member)
    response = client.post(
        f"/standing/members/{target.pk}/enforcement/",
        {"kind": "inquiry", "rule_cited": "", "reason": "why", "on": "2024-06-01"},
    )
    assert response.status_code == 400
    assert "rule_cited" in response.content.decode()


def test_the_equal_treatment_report_names_members_only_to_the_appeals_body(history, client):
    for user in (history.member, history.other):
        do_record_enforcement(
            history.secretary if user == history.member else history.admin,
            member_of(user),
            kind="inquiry",
            rule_cited="dues.months_in_arrears_before_losing_standing",
            reason="Are you paying dues?",
            on=datetime.date(2024, 6, 1),
        )
    period = {"start": "2024-01-01", "end": ON.isoformat()}
    client.force_login(history.appeals)
    full = client.get("/standing/equal-treatment/", period).content.decode()
    assert "the rule matched 2 members; 2 were asked" in full
    assert "Mia Member" in full and "Are you paying dues?" in full
    client.force_login(history.south_member)
    aggregate = client.get("/standing/equal-treatment/", period).content.decode()
    assert "the rule matched 2 members; 2 were asked" in aggregate
    assert "Mia Member" not in aggregate and "Are you paying dues?" not in aggregate
    client.force_login(history.outsider)
    assert client.get("/standing/equal-treatment/", period).status_code == 403


def test_a_member_can_see_their_standing_under_a_named_version(history, client):
    from rankfile.standing.rulesets import do_adopt_rules
    from tests.standing.conftest import RULES

    lenient = RULES.replace('version = "1"', 'version = "lenient"').replace(
        "months_in_arrears_before_losing_standing = 1",
        "months_in_arrears_before_losing_standing = 3",
    )
    do_adopt_rules(None, text=lenient, decision="Proposal", effective_on=datetime.date(2030, 1, 1))
    client.force_login(history.other)  # paid through 2024-03-31: 2 months behind on ON
    assert "Not in good standing" in client.get("/standing/", AS_OF).content.decode()
    page = client.get("/standing/", {**AS_OF, "rules": "lenient"}).content.decode()
    assert "In good standing on 2024-06-15" in page


def test_the_branch_list_comes_in_pages_and_counts_every_member(history, client, monkeypatch):
    from rankfile.standing import views

    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    client.force_login(history.admin)
    first = client.get("/standing/branches/north/", AS_OF).content.decode()
    second = client.get("/standing/branches/north/", {**AS_OF, "page": 2}).content.decode()
    assert "Page 1 of" in first and "Page 2 of" in second
    assert "as_of=2024-06-15&amp;page=2" in first  # the date is kept from page to page
    import re

    total = int(re.search(r"of (\d+) members? in good standing", first).group(1))
    pages = [
        client.get("/standing/branches/north/", {**AS_OF, "page": n}).content.decode()
        for n in range(1, (total + 1) // 2 + 1)
    ]
    numbers = [re.findall(r'class="mono">([^<]+)<', page) for page in pages]
    assert all(len(page) <= 2 for page in numbers)
    flat = [n for page in numbers for n in page]
    assert len(flat) == len(set(flat)) == total > 2


def test_an_inquiry_is_judged_on_the_facts_recorded_when_it_was_made(history, client):
    """Other was two months behind when asked on 2024-06-01 and paid afterwards: the inquiry
    was founded, and the report must not say the rule did not match them."""
    from rankfile.dues.actions import do_record_payment
    from rankfile.dues.models import Payment
    from rankfile.standing.enforcement import equal_treatment

    # The fixture's payments were received on 2024-01-05; say they were recorded then too.
    recorded = datetime.datetime(2024, 1, 5, 12, tzinfo=datetime.UTC)
    Payment.objects.update(recorded_at=recorded)
    other = member_of(history.other)
    do_record_enforcement(
        history.admin,
        other,
        kind="inquiry",
        rule_cited="dues.months_in_arrears_before_losing_standing",
        reason="Are you paying dues?",
        on=datetime.date(2024, 6, 1),
    )
    # Paid later, for the months they were behind: in good standing on the report's date.
    do_record_payment(
        None,
        other,
        covers_from=datetime.date(2024, 4, 1),
        covers_through=datetime.date(2024, 6, 30),
        amount="30.00",
        method="card",
        received_on=datetime.date(2024, 6, 10),
    )
    (report,) = equal_treatment(datetime.date(2024, 1, 1), ON)
    assert report.report.acted_outside_rule == 0
    assert "although the rule did not match" not in report.report.summary
    assert "2 members; 1 was asked" in report.report.summary  # Mia (never paid) and Other
    # An inquiry of a member who was in good standing when asked is still called out.
    do_record_enforcement(
        history.treasurer,
        member_of(history.admin),
        kind="inquiry",
        rule_cited="dues.months_in_arrears_before_losing_standing",
        reason="Are you paying dues?",
        on=datetime.date(2024, 6, 2),
    )
    (report,) = equal_treatment(datetime.date(2024, 1, 1), ON)
    assert report.report.acted_outside_rule == 1
