"""Polls: creating, opening with a fixed electorate, casting once, closing and counting."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from rankfile.audit.models import AuditEvent
from rankfile.voting.actions import (
    BallotRefused,
    do_cast_ballot,
    do_close_poll,
    do_create_poll,
    do_enter_counts,
    do_open_poll,
)
from rankfile.voting.electorate import why_not
from rankfile.voting.models import Ballot, SealedBallot, Voter
from rankfile.voting.queries import published_ballots, roll_call, turnout
from tests.voting.conftest import east_poll, member_of, opened


class TestElectorate:
    def test_it_fixes_the_members_in_good_standing_of_the_branch(self, electorate: Any) -> None:
        poll = opened(electorate)
        voters = set(
            Voter.objects.filter(poll=poll, eligible=True).values_list(
                "member__member_number", flat=True
            )
        )
        assert voters == {"1001", "1002", "1005"}
        assert poll.electorate_size == 3

    def test_it_tells_a_member_left_out_why_in_the_words_of_standing(self, electorate: Any) -> None:
        poll = opened(electorate)
        reason = why_not(poll, member_of(electorate.unpaid))
        assert reason is not None and "not in good standing" in reason.lower()
        assert "dues" in reason.lower()
        assert "not a member of East Branch" in (why_not(poll, member_of(electorate.other)) or "")
        assert why_not(poll, member_of(electorate.member)) is None

    def test_it_audits_the_opening_with_the_electorate(self, electorate: Any) -> None:
        poll = opened(electorate)
        event = AuditEvent.objects.get(action="poll.open", target_id=str(poll.pk))
        assert event.payload["electorate"] == 3
        assert len(event.payload["electorate_sha256"]) == 64


class TestCasting:
    def test_it_takes_one_ballot_and_refuses_a_second(self, electorate: Any) -> None:
        poll = opened(electorate)
        receipt = do_cast_ballot(electorate.member, poll, {"ranking": [1, 0]})
        assert receipt
        with pytest.raises(BallotRefused) as refused:
            do_cast_ballot(electorate.member, poll, {"ranking": [2]})
        assert refused.value.code == "already-voted"
        assert SealedBallot.objects.filter(poll=poll).count() == 1
        assert turnout(poll).voted == 1

    def test_it_refuses_a_member_outside_the_electorate_with_the_reason(
        self, electorate: Any
    ) -> None:
        poll = opened(electorate)
        with pytest.raises(BallotRefused) as refused:
            do_cast_ballot(electorate.unpaid, poll, {"ranking": [0]})
        assert refused.value.code == "not-in-electorate"
        assert "good standing" in refused.value.message

    def test_it_refuses_ballots_before_opening_and_after_closing(self, electorate: Any) -> None:
        poll = east_poll(electorate)
        with pytest.raises(BallotRefused, match="not open"):
            do_cast_ballot(electorate.member, poll, {"ranking": [0]})
        do_open_poll(electorate.secretary, poll)
        do_close_poll(electorate.secretary, poll)
        with pytest.raises(BallotRefused, match="closed"):
            do_cast_ballot(electorate.member, poll, {"ranking": [0]})

    @pytest.mark.parametrize(
        "content",
        [None, [], {"ranking": "1"}, {"ranking": [0, 0]}, {"ranking": [7]}, {"ranking": []},
         {"ranking": [True]}, {"vote": "yes"}],
    )  # fmt: skip
    def test_it_refuses_a_malformed_ballot_and_counts_nothing(
        self, electorate: Any, content: Any
    ) -> None:
        poll = opened(electorate)
        with pytest.raises(ValidationError):
            do_cast_ballot(electorate.member, poll, content)
        assert not Voter.objects.filter(poll=poll, voted=True).exists()

    def test_it_seals_a_secret_ballot_padded_to_one_size(self, electorate: Any) -> None:
        poll = opened(electorate)
        do_cast_ballot(electorate.member, poll, {"ranking": [0]})
        do_cast_ballot(electorate.admin, poll, {"ranking": [2, 1, 0]})
        boxes = [bytes(b) for b in SealedBallot.objects.values_list("box", flat=True)]
        assert len({len(b) for b in boxes}) == 1
        assert not any(b'"ranking"' in b for b in boxes)


class TestClosing:
    def test_it_publishes_counts_and_audits_the_close(self, electorate: Any) -> None:
        poll = opened(electorate)
        do_cast_ballot(electorate.member, poll, {"ranking": [1, 0]})
        do_cast_ballot(electorate.admin, poll, {"ranking": [1]})
        do_cast_ballot(electorate.secretary, poll, {"ranking": [0, 2]})
        poll = do_close_poll(electorate.secretary, poll)
        assert poll.result["elected"] == ["Ben"]
        assert not SealedBallot.objects.filter(poll=poll).exists()
        published = sorted(str(c) for c, _ in published_ballots(poll))
        assert published == sorted(
            str(c) for c in ({"ranking": [1, 0]}, {"ranking": [1]}, {"ranking": [0, 2]})
        )
        assert not Ballot.objects.filter(poll=poll, member__isnull=False).exists()
        event = AuditEvent.objects.get(action="poll.close", target_id=str(poll.pk))
        assert event.payload["ballots"] == 3 and event.payload["voted"] == 3
        assert event.payload["ballots_sha256"] == poll.ballots_sha256
        assert "ranking" not in str(event.payload)

    def test_it_decides_a_motion_against_its_threshold(self, electorate: Any) -> None:
        poll = opened(electorate, kind="motion", title="Adopt the budget", threshold="two-thirds")
        do_cast_ballot(electorate.member, poll, {"vote": "yes"})
        do_cast_ballot(electorate.admin, poll, {"vote": "no"})
        do_cast_ballot(electorate.secretary, poll, {"vote": "abstain"})
        poll = do_close_poll(electorate.secretary, poll)
        assert (poll.result["yes"], poll.result["no"], poll.result["abstain"]) == (1, 1, 1)
        assert poll.result["outcome"] == "failed"
        assert poll.result["required"] == 2

    def test_it_decides_a_majority_of_those_entitled(self, electorate: Any) -> None:
        poll = opened(electorate, kind="motion", title="Strike", threshold="majority-entitled")
        do_cast_ballot(electorate.member, poll, {"vote": "yes"})
        poll = do_close_poll(electorate.secretary, poll)
        assert poll.result["base"] == 3 and poll.result["outcome"] == "failed"

    def test_it_records_who_voted_what_in_a_named_poll(self, electorate: Any) -> None:
        poll = opened(electorate, kind="motion", title="Roll call", mode="named")
        do_cast_ballot(electorate.member, poll, {"vote": "yes"})
        with pytest.raises(PermissionDenied):
            roll_call(poll)
        poll = do_close_poll(electorate.secretary, poll)
        [(member, content)] = roll_call(poll)
        assert member == member_of(electorate.member) and content == {"vote": "yes"}
        assert poll.result["outcome"] == "carried"

    def test_it_takes_the_tellers_counts_in_an_entered_poll(self, electorate: Any) -> None:
        poll = opened(electorate, kind="motion", title="Hand count", mode="entered")
        with pytest.raises(BallotRefused):
            do_cast_ballot(electorate.member, poll, {"vote": "yes"})
        do_enter_counts(electorate.secretary, poll, {"yes": 2, "no": 1})
        poll = do_close_poll(electorate.secretary, poll)
        assert poll.result["outcome"] == "carried"
        assert AuditEvent.objects.filter(action="poll.enter_counts").count() == 1

    @pytest.mark.parametrize("method", ["scottish-stv", "meek", "wigm", "approval", "schulze"])
    def test_it_counts_with_each_method(self, electorate: Any, method: str) -> None:
        seats = 1 if method == "schulze" else 2
        poll = opened(electorate, method=method, seats=seats)
        key = "choices" if method == "approval" else "ranking"
        do_cast_ballot(electorate.member, poll, {key: [0, 1]})
        do_cast_ballot(electorate.admin, poll, {key: [1, 0]})
        do_cast_ballot(electorate.secretary, poll, {key: [0, 2]})
        poll = do_close_poll(electorate.secretary, poll)
        assert poll.result["elected"][0] == "Ana"
        assert len(poll.result["elected"]) == seats
        assert poll.result_svg.startswith("<svg")


class TestPermissions:
    def test_it_lets_only_the_branch_officers_manage_the_poll(self, electorate: Any) -> None:
        from tests.conftest import make_person

        poll = east_poll(electorate)
        for user in (electorate.member, electorate.treasurer, electorate.appeals):
            with pytest.raises(PermissionDenied):
                do_open_poll(user, poll)
        west_secretary = make_person("Wes", "Secretary", electorate.west, number="1020")
        from rankfile.members.actions import do_appoint

        do_appoint(None, west_secretary, role="secretary", branch=electorate.west,
                   started_on=poll.as_of)  # fmt: skip
        with pytest.raises(PermissionDenied):
            do_open_poll(west_secretary.user, poll)
        with pytest.raises(PermissionDenied):
            do_create_poll(west_secretary.user, title="x", kind="motion", branch=electorate.east)
        do_open_poll(electorate.admin, poll)

    def test_it_refuses_a_card_vote_on_a_secret_ballot(self, electorate: Any) -> None:
        with pytest.raises(ValidationError):
            east_poll(electorate, weighted=True)
