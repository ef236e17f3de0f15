"""The poll pages, without JavaScript: find the poll, rank, review, cast, see the result."""

from __future__ import annotations

from typing import Any

from django.test import Client

from rankfile.core.ballots.blt import parse_blt
from rankfile.voting.actions import do_cast_ballot, do_close_poll
from tests.voting.conftest import east_poll, opened


def text(response: Any) -> str:
    return response.content.decode()


class TestBallotPages:
    def test_it_takes_a_member_from_the_home_page_to_a_cast_ballot(
        self, electorate: Any, client: Client
    ) -> None:
        poll = opened(electorate, method="scottish-stv", seats=1)
        client.force_login(electorate.member)
        home = text(client.get("/"))
        assert poll.title in home and "you may vote" in home
        page = text(client.get(f"/polls/{poll.pk}/"))
        assert 'name="rank-0"' in page and "Review my ballot" in page
        review = client.post(f"/polls/{poll.pk}/ballot/", {"rank-0": "2", "rank-2": "1"})
        assert "Check your ballot" in text(review)
        assert text(review).index("Cy") < text(review).index("Ana")
        cast = client.post(
            f"/polls/{poll.pk}/ballot/", {"rank-0": "2", "rank-2": "1", "confirm": "1"}
        )
        assert cast.status_code == 302
        voted = text(client.get(cast["Location"]))
        assert "You have voted" in voted and "proves that you took part" in voted
        assert "1 of 3" in voted
        again = client.post(
            f"/polls/{poll.pk}/ballot/", {"rank-1": "1", "confirm": "1"}, follow=True
        )
        assert "already voted" in text(again)

    def test_it_says_when_two_candidates_share_a_preference(
        self, electorate: Any, client: Client
    ) -> None:
        poll = opened(electorate)
        client.force_login(electorate.member)
        response = client.post(f"/polls/{poll.pk}/ballot/", {"rank-0": "1", "rank-1": "1"})
        assert response.status_code == 400
        assert "Two candidates have preference 1" in text(response)

    def test_it_keeps_the_choices_when_the_voter_changes_the_ballot(
        self, electorate: Any, client: Client
    ) -> None:
        poll = opened(electorate)
        client.force_login(electorate.member)
        page = text(client.post(f"/polls/{poll.pk}/ballot/", {"rank-1": "1", "change": "1"}))
        assert '<option value="1" selected>' in page

    def test_it_tells_a_member_outside_the_electorate_why(
        self, electorate: Any, client: Client
    ) -> None:
        poll = opened(electorate)
        client.force_login(electorate.unpaid)
        page = text(client.get(f"/polls/{poll.pk}/"))
        assert "not in this poll's electorate" in page and "good standing" in page
        assert "Review my ballot" not in page

    def test_it_says_a_poll_is_closed(self, electorate: Any, client: Client) -> None:
        poll = do_close_poll(electorate.secretary, opened(electorate))
        client.force_login(electorate.member)
        assert "This poll is closed" in text(client.get(f"/polls/{poll.pk}/"))


class TestResults:
    def test_it_hides_results_from_everyone_until_close(
        self, electorate: Any, client: Client
    ) -> None:
        poll = opened(electorate)
        do_cast_ballot(electorate.member, poll, {"ranking": [0]})
        for user in (electorate.admin, electorate.secretary, electorate.member):
            client.force_login(user)
            assert client.get(f"/polls/{poll.pk}/results/").status_code == 403
            assert client.get(f"/polls/{poll.pk}/export/ballots.blt").status_code == 403
            assert "1 of 3" in text(client.get(f"/polls/{poll.pk}/"))

    def test_it_publishes_the_rounds_chart_and_ballots_after_close(
        self, electorate: Any, client: Client
    ) -> None:
        poll = opened(electorate)
        do_cast_ballot(electorate.member, poll, {"ranking": [0, 1]})
        do_cast_ballot(electorate.admin, poll, {"ranking": [1]})
        do_cast_ballot(electorate.secretary, poll, {"ranking": [2, 1]})
        client.force_login(electorate.secretary)
        client.post(f"/polls/{poll.pk}/close/")
        client.force_login(electorate.member)
        page = text(client.get(f"/polls/{poll.pk}/results/"))
        assert "Round by round" in page and "<svg" in page and "Ben" in page
        blt = client.get(f"/polls/{poll.pk}/export/ballots.blt").content
        ballots = parse_blt(blt)
        assert ballots.total == 3 and ballots.candidates == ["Ana", "Ben", "Cy"]
        for name in ("results.csv", "results.json", "ballots.csv", "results.rctab.json"):
            assert client.get(f"/polls/{poll.pk}/export/{name}").status_code == 200

    def test_it_shows_a_motion_carried_or_lost_with_its_threshold(
        self, electorate: Any, client: Client
    ) -> None:
        poll = opened(electorate, kind="motion", title="Adopt the budget")
        do_cast_ballot(electorate.member, poll, {"vote": "yes"})
        do_close_poll(electorate.secretary, poll)
        client.force_login(electorate.member)
        page = text(client.get(f"/polls/{poll.pk}/results/"))
        assert "carried" in page and "Majority of votes cast" in page


class TestOfficerPages:
    def test_it_lets_the_secretary_draft_open_and_close_a_poll(
        self, electorate: Any, client: Client
    ) -> None:
        client.force_login(electorate.secretary)
        response = client.post(
            "/polls/new/",
            {
                "title": "Adopt the budget",
                "body": f"branch:{electorate.east.pk}",
                "kind": "motion",
                "threshold": "majority",
                "mode": "secret",
                "as_of": "2024-06-15",
            },
        )
        assert response.status_code == 302
        poll_url = response["Location"]
        assert "Open the poll" in text(client.get(poll_url))
        opened_page = text(client.post(f"{poll_url}open/", follow=True))
        assert "0 of 3" in opened_page
        closed = text(client.post(f"{poll_url}close/", follow=True))
        assert "This poll is closed" in closed

    def test_it_refuses_a_poll_without_candidates_with_a_message(
        self, electorate: Any, client: Client
    ) -> None:
        client.force_login(electorate.secretary)
        response = client.post(
            "/polls/new/",
            {"title": "Chair", "body": f"branch:{electorate.east.pk}", "kind": "election",
             "method": "irv", "seats": "1", "mode": "secret"},
        )  # fmt: skip
        assert response.status_code == 400
        assert "at least two candidates" in text(response)

    def test_it_hides_the_officer_pages_from_other_branches(
        self, electorate: Any, client: Client
    ) -> None:
        poll = east_poll(electorate)
        client.force_login(electorate.other)
        assert client.get(f"/polls/{poll.pk}/").status_code == 404
        assert client.post(f"/polls/{poll.pk}/open/").status_code == 404
        client.force_login(electorate.member)
        assert client.get("/polls/new/").status_code == 403


class TestAdmin:
    def test_it_shows_polls_read_only_and_no_ballot_of_an_open_poll(
        self, electorate: Any, client: Client
    ) -> None:
        from rankfile.accounts.models import User

        poll = opened(electorate, kind="motion", title="Roll call", mode="named")
        do_cast_ballot(electorate.member, poll, {"vote": "yes"})
        operator = User.objects.create_superuser(email="root@example.org", password="x" * 20)
        client.force_login(operator)
        assert client.get(f"/admin/voting/poll/{poll.pk}/change/").status_code == 200
        assert client.get("/admin/voting/poll/add/").status_code == 403
        ballots = text(client.get("/admin/voting/ballot/"))
        assert "0 ballots" in ballots or "0 total" in ballots
        assert client.get("/admin/voting/sealedballot/").status_code == 404


class TestHandCount:
    def test_it_lets_the_tellers_enter_the_counts_and_refuses_nonsense(
        self, electorate: Any, client: Client
    ) -> None:
        poll = opened(electorate, kind="motion", title="Hand count", mode="entered")
        client.force_login(electorate.secretary)
        page = text(client.get(f"/polls/{poll.pk}/"))
        assert "counted by hand" in page and "Record the counts" in page
        bad = text(client.post(f"/polls/{poll.pk}/counts/", {"count-0": "two"}, follow=True))
        assert "not a whole number" in bad
        client.post(f"/polls/{poll.pk}/counts/", {"count-0": "2", "count-1": "1"})
        client.post(f"/polls/{poll.pk}/close/")
        result = text(client.get(f"/polls/{poll.pk}/results/"))
        assert "carried" in result and "Ballots (CSV)" not in result
