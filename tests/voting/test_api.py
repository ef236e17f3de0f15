"""The polls API: the same actions and checks as the pages, and never a 500."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from rankfile.accounts.actions import do_create_api_token
from rankfile.voting.models import SealedBallot
from tests.voting.conftest import east_poll, opened


def bearer(user: Any) -> dict[str, str]:
    _token, secret = do_create_api_token(user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def post(client: Client, url: str, body: Any, headers: dict[str, str]) -> Any:
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(url, data, content_type="application/json", **headers)


class TestBallotApi:
    def test_it_lists_my_open_polls_with_candidates_and_turnout(
        self, electorate: Any, client: Client
    ) -> None:
        poll = opened(electorate)
        rows = client.get("/api/v1/polls?status=open", **bearer(electorate.member)).json()
        assert [row["id"] for row in rows] == [poll.pk]
        assert [c["name"] for c in rows[0]["candidates"]] == ["Ana", "Ben", "Cy"]
        assert rows[0]["turnout"] == {"voted": 0, "electorate": 3}
        assert rows[0]["you_may_vote"] is True
        assert client.get("/api/v1/polls?status=open", **bearer(electorate.unpaid)).json() == []

    def test_it_casts_once_with_a_receipt_then_refuses(
        self, electorate: Any, client: Client
    ) -> None:
        poll = opened(electorate)
        headers = bearer(electorate.member)
        ids = [
            c["id"] for c in client.get(f"/api/v1/polls/{poll.pk}", **headers).json()["candidates"]
        ]
        response = post(
            client, f"/api/v1/polls/{poll.pk}/ballot", {"ranking": [ids[2], ids[0]]}, headers
        )
        assert response.status_code == 201 and response.json()["receipt"]
        again = post(client, f"/api/v1/polls/{poll.pk}/ballot", {"ranking": [ids[1]]}, headers)
        assert again.status_code == 409 and "already voted" in again.json()["detail"]
        assert client.get(f"/api/v1/polls/{poll.pk}", **headers).json()["turnout"]["voted"] == 1

    def test_it_refuses_a_member_outside_the_electorate_with_the_reason(
        self, electorate: Any, client: Client
    ) -> None:
        poll = opened(electorate, kind="motion", title="Budget")
        response = post(
            client, f"/api/v1/polls/{poll.pk}/ballot", {"vote": "yes"}, bearer(electorate.unpaid)
        )
        assert response.status_code == 403
        assert "good standing" in response.json()["detail"]

    def test_it_refuses_a_ballot_when_the_poll_is_not_open(
        self, electorate: Any, client: Client
    ) -> None:
        poll = east_poll(electorate, kind="motion", title="Budget")
        headers = bearer(electorate.admin)
        response = post(client, f"/api/v1/polls/{poll.pk}/ballot", {"vote": "yes"}, headers)
        assert response.status_code == 409

    @pytest.mark.parametrize(
        "body",
        ["", "not json", b"\xff\xfe", "[]", "null", "42", '{"ranking": "x"}', '{"ranking": [1e99]}',
         '{"ranking": [null]}', '{"ranking": [999999999999999999999]}', '{"choices": [1]}',
         '{"ranking": [[1]]}', '{"vote": "yes"}', '{"ranking": {"a": 1}}'],
    )  # fmt: skip
    def test_it_never_fails_with_a_500_whatever_the_body(
        self, electorate: Any, client: Client, body: Any
    ) -> None:
        poll = opened(electorate)
        response = post(client, f"/api/v1/polls/{poll.pk}/ballot", body, bearer(electorate.member))
        assert response.status_code == 400, response.content
        assert not SealedBallot.objects.exists()


class TestOfficerApi:
    def test_it_lets_the_secretary_create_open_close_and_read_results(
        self, electorate: Any, client: Client
    ) -> None:
        headers = bearer(electorate.secretary)
        created = post(
            client,
            "/api/v1/polls",
            {
                "title": "Adopt the budget",
                "kind": "motion",
                "branch": "east",
                "as_of": "2024-06-15",
            },
            headers,
        )
        assert created.status_code == 201, created.content
        poll_id = created.json()["id"]
        assert post(client, f"/api/v1/polls/{poll_id}/open", {}, headers).json()["state"] == "open"
        member = bearer(electorate.member)
        assert (
            post(client, f"/api/v1/polls/{poll_id}/ballot", {"vote": "yes"}, member).status_code
            == 201
        )
        refused = client.get(f"/api/v1/polls/{poll_id}/results", **headers)
        assert refused.status_code == 403
        assert (
            client.get(f"/api/v1/polls/{poll_id}/results", **bearer(electorate.admin)).status_code
            == 403
        )
        assert (
            post(client, f"/api/v1/polls/{poll_id}/close", {}, headers).json()["state"] == "closed"
        )
        result = client.get(f"/api/v1/polls/{poll_id}/results", **member).json()
        assert result["outcome"] == "carried" and result["yes"] == 1

    def test_it_refuses_officers_of_another_branch(self, electorate: Any, client: Client) -> None:
        poll = east_poll(electorate)
        for user in (electorate.member, electorate.treasurer):
            response = post(client, f"/api/v1/polls/{poll.pk}/open", {}, bearer(user))
            assert response.status_code in (403, 404)
        refused = post(client, "/api/v1/polls", {"title": "x", "kind": "motion", "branch": "east"},
                       bearer(electorate.member))  # fmt: skip
        assert refused.status_code == 403

    def test_it_publishes_the_ballots_as_blt_after_close(
        self, electorate: Any, client: Client
    ) -> None:
        from rankfile.voting.actions import do_cast_ballot, do_close_poll

        poll = opened(electorate)
        do_cast_ballot(electorate.member, poll, {"ranking": [1, 0]})
        headers = bearer(electorate.member)
        assert client.get(f"/api/v1/polls/{poll.pk}/ballots.blt", **headers).status_code == 403
        do_close_poll(electorate.secretary, poll)
        blt = client.get(f"/api/v1/polls/{poll.pk}/ballots.blt", **headers)
        assert blt.status_code == 200 and blt.content.decode().startswith("3 1\n1 2 1 0\n")

    def test_it_gives_a_clear_message_for_a_bad_poll(self, electorate: Any, client: Client) -> None:
        response = post(
            client, "/api/v1/polls", {"title": "", "kind": "vote"}, bearer(electorate.admin)
        )
        assert response.status_code == 400
        assert "title" in response.json()["errors"]


class TestBallotPathCache:
    def test_it_notices_a_poll_changed_under_its_cache_and_casts_into_the_right_one(
        self, electorate: Any, client: Client
    ) -> None:
        from rankfile.voting.actions import do_close_poll
        from rankfile.voting.models import Poll

        poll = opened(electorate, kind="motion", title="Budget")
        body = {"vote": "yes"}
        assert (
            post(
                client, f"/api/v1/polls/{poll.pk}/ballot", body, bearer(electorate.member)
            ).status_code
            == 201
        )
        # The database under the cache changes (a database reloaded while the server runs).
        Poll.objects.filter(pk=poll.pk).update(key_id="f" * 32)
        response = post(
            client, f"/api/v1/polls/{poll.pk}/ballot", {"vote": "no"}, bearer(electorate.admin)
        )
        assert response.status_code == 201
        poll.refresh_from_db()
        # The first ballot was sealed under the old key; drop it to close with the new one.
        from rankfile.voting import sealing

        for sealed in SealedBallot.objects.filter(poll=poll):
            try:
                sealing.unseal(poll.key_id, sealed.box)
            except Exception:  # noqa: BLE001 - sealed under the key the poll had before
                sealed.delete()
        poll = do_close_poll(electorate.secretary, poll)
        assert poll.result["no"] == 1
