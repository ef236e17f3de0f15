"""A member's appeals and cases through the API: the same rule of who may see them as the
pages."""

from __future__ import annotations

import pytest

from rankfile.accounts.actions import do_create_api_token
from rankfile.appeals.actions import do_decide_appeal, do_file_appeal
from rankfile.appeals.discipline import do_add_clause, do_bring_charges
from tests.appeals.test_appeals import inquiry
from tests.standing.conftest import member_of

pytestmark = pytest.mark.django_db


def get(client, user, path):
    _token, secret = do_create_api_token(user, name="script")
    return client.get(f"/api/v1/{path}", HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_a_member_reads_their_appeals_with_the_decision_and_the_vote(client, body, history):
    appeal = do_file_appeal(
        history.member, inquiry(history.secretary, history.member), statement="x"
    )
    do_decide_appeal(
        body.bea, appeal, outcome="overturned", reasons="No basis.",
        votes={body.bea: "overturned", body.cal: "upheld", body.alex: "overturned"},
    )  # fmt: skip
    member = member_of(history.member)
    (item,) = get(client, history.member, f"members/{member.pk}/appeals").json()
    assert (item["id"], item["outcome"], item["reasons"]) == (appeal.pk, "overturned", "No basis.")
    assert sorted(v["vote"] for v in item["votes"]) == ["overturned", "overturned", "upheld"]
    assert item["effect"].startswith("inquiry")
    assert get(client, body.cal, f"appeals/{appeal.pk}").json()["status"] == "decided"
    assert get(client, history.other, f"appeals/{appeal.pk}").status_code == 403
    # A member of another branch does not see Mia at all (the roster is private).
    assert get(client, history.other, f"members/{member.pk}/appeals").status_code == 404


def test_cases_are_read_by_those_involved_and_the_body_only(client, body, history):
    clause = do_add_clause(None, reference="Art. 1", title="Conduct", text="Be decent.")
    do_bring_charges(history.other, member_of(history.member), clause=clause,
                     particulars="Rude.", evidence="Minutes.")  # fmt: skip
    member = member_of(history.member)
    # The branch's secretary sees Mia but not the case; another branch's member not even Mia.
    for user, count in ((history.member, 1), (body.alex, 1), (history.secretary, 0)):
        assert len(get(client, user, f"members/{member.pk}/cases").json()) == count
    assert get(client, history.south_member, f"members/{member.pk}/cases").status_code == 404
