"""A member's standing through the API: the same determination and the same rule of who may
see it as the standing page."""

import pytest
from django.utils.html import escape

from rankfile.accounts.actions import do_create_api_token
from tests.standing.conftest import ON, member_of

pytestmark = pytest.mark.django_db


def call(client, user, member_user, **query):
    _token, secret = do_create_api_token(user, name="script")
    member = member_of(member_user)
    return client.get(
        f"/api/v1/members/{member.pk}/standing",
        {"as_of": ON.isoformat(), **query},
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )


def test_a_member_reads_their_own_standing_with_the_way_back(client, history):
    response = call(client, history.member, history.member)
    assert response.status_code == 200
    body = response.json()
    assert body["in_good_standing"] is False
    assert body["explanation"].startswith("Not in good standing on 2024-06-15")
    assert "pay from 2020-01" in body["way_back"]
    assert {c["key"] for c in body["criteria"]} >= {"dues"}
    assert body["rules"]["decision"] == "Membership meeting, 2019-12-01"


def test_the_answer_is_the_standing_pages_answer(client, history):
    client.force_login(history.secretary)
    page = client.get(f"/standing/members/{member_of(history.secretary).pk}/", {"as_of": ON})
    body = call(client, history.secretary, history.secretary).json()
    assert body["in_good_standing"] is True
    html = page.content.decode()
    # The page says the same answer once, in parts: the verdict, each rule, when it ends.
    assert "In good standing on 2024-06-15" in html
    for criterion in body["criteria"]:
        assert escape(criterion["sentence"]) in html
    assert f"Good standing ends on {body['loses_standing_on']}" in html


@pytest.mark.parametrize(
    ("viewer", "subject", "status"),
    [
        ("secretary", "member", 200),  # officer of the member's branch
        ("secretary", "other", 404),  # another branch: not even visible
        ("other", "member", 404),  # an ordinary member of another branch
    ],
)
def test_only_the_member_and_their_officers_read_a_standing(
    client, history, viewer, subject, status
):
    assert call(client, getattr(history, viewer), getattr(history, subject)).status_code == status


def test_an_unknown_rules_version_is_named_in_the_error(client, history):
    response = call(client, history.member, history.member, rules="no-such-version")
    assert response.status_code == 404
    assert "no-such-version" in response.json()["detail"]
