"""Delegate elections per branch, the result interface, seating alternates and the report."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from rankfile.audit.models import AuditEvent
from rankfile.conventions.actions import (
    do_compute_apportionment,
    do_publish_apportionment,
    do_update_convention,
)
from rankfile.conventions.elections import (
    RollTotals,
    credentials_roll,
    do_record_election_result,
    do_seat_alternate,
    do_stand,
    roll_totals,
)
from rankfile.conventions.models import DelegateElection, SeatStatus


@pytest.fixture
def published(setting):
    table = do_compute_apportionment(setting.credentials, setting.convention, setting.snapshot)
    do_publish_apportionment(setting.credentials, table)
    return setting


def election(setting, slug):
    return DelegateElection.objects.get(convention=setting.convention, branch__slug=slug)


def east_in_good_standing(setting):
    return setting.east_members[8:]  # the first 8 are not in good standing


def test_publication_opens_an_election_per_branch_with_its_seats(published):
    seats = {
        e.branch.name: (e.delegates, e.alternates, e.status)
        for e in DelegateElection.objects.filter(convention=published.convention)
    }
    assert seats == {
        "East Branch": (3, 2, "open"),
        "West Branch": (2, 1, "open"),
        "South Region": (1, 1, "open"),
    }


def test_the_voting_machinery_records_a_result_through_one_call(published):
    east = election(published, "east")
    chosen = east_in_good_standing(published)
    result = do_record_election_result(
        None, east, chosen[:3], chosen[3:5], "Poll 12: Scottish STV, 3 seats"
    )
    east.refresh_from_db()
    assert east.status == "decided"
    [entry] = [e for e in credentials_roll(published.convention) if e.election == east]
    assert [seat.member for seat in entry.delegates] == chosen[:3]
    assert [seat.member for seat in entry.alternates] == chosen[3:5]
    assert entry.seated == 3
    event = AuditEvent.objects.get(action="convention.election_result")
    assert event.actor_label == "system"
    assert event.payload["delegates"] == [m.member_number for m in chosen[:3]]
    assert event.payload["source"] == "Poll 12: Scottish STV, 3 seats"
    assert result.current


def test_a_result_is_refused_when_it_breaks_the_rules(published):
    east = election(published, "east")
    good = east_in_good_standing(published)
    lapsed = published.east_members[0]
    westerner = published.west_members[0]
    cases = [
        (good[:4], [], "4 delegates elected, but East Branch has 3 seats"),
        (good[:1], good[1:4], "3 alternates elected, but East Branch has 2"),
        ([lapsed], [], "was not in good standing at the cut-off"),
        ([westerner], [], "was not in East Branch at the cut-off"),
        (good[:1], good[:1], "is listed twice"),
        ([], [], "At least one delegate"),
    ]
    for delegates, alternates, message in cases:
        with pytest.raises(ValidationError) as raised:
            do_record_election_result(None, east, delegates, alternates, "Hand count")
        assert message in " ".join(raised.value.messages)
    assert not AuditEvent.objects.filter(action="convention.election_result").exists()


def test_replacing_a_result_needs_a_reason(published):
    east = election(published, "east")
    good = east_in_good_standing(published)
    do_record_election_result(None, east, good[:3], [], "Hand count")
    with pytest.raises(ValidationError):
        do_record_election_result(None, east, good[3:6], [], "Recount")
    do_record_election_result(None, east, good[3:6], [], "Recount", reason="Tally sheet misread")
    assert east.results.filter(current=True).get().reason == "Tally sheet misread"
    assert east.results.count() == 2


def test_only_officers_over_the_branch_record_results(published):
    east = election(published, "east")
    good = east_in_good_standing(published)
    people = published.people
    for user in (people.member, people.treasurer, people.appeals):
        with pytest.raises(PermissionDenied):
            do_record_election_result(user, east, good[:1], [], "Hand count")
    do_record_election_result(people.secretary, east, good[:1], [], "Hand count")  # of East
    with pytest.raises(PermissionDenied):
        do_record_election_result(
            people.secretary, election(published, "west"), published.west_members[:1], [], "Hand"
        )


def test_an_officer_enters_a_result_by_hand(client, published):
    good = east_in_good_standing(published)
    client.force_login(published.people.secretary)
    url = reverse("convention_record_result", args=["ninth", "east"])
    response = client.post(
        url,
        {
            "delegates": "\n".join(m.member_number for m in good[:3]),
            "alternates": f"{good[3].member_number}, {good[4].member_number}",
            "source": "Branch meeting, hand count",
        },
    )
    assert response.status_code == 302
    page = client.get(reverse("convention_election", args=["ninth", "east"])).content.decode()
    assert "Branch meeting, hand count" in page
    assert good[3].member_number in page


def test_a_bad_hand_entry_comes_back_on_the_form(client, published):
    client.force_login(published.people.secretary)
    url = reverse("convention_record_result", args=["ninth", "east"])
    response = client.post(url, {"delegates": "NOPE-1", "source": "Hand count"})
    assert response.status_code == 400
    assert "No member has the number NOPE-1" in response.content.decode()
    lapsed = published.east_members[0]
    response = client.post(url, {"delegates": lapsed.member_number, "source": "Hand count"})
    assert response.status_code == 400
    assert "not in good standing at the cut-off" in response.content.decode()
    client.force_login(published.people.member)
    assert client.post(url, {"delegates": "1005", "source": "x"}).status_code == 403


def test_a_member_in_good_standing_may_stand_and_others_may_not(client, published):
    mia = published.people.member.member  # East, in good standing
    client.force_login(published.people.member)
    page = client.get(reverse("convention_election", args=["ninth", "east"]))
    assert "Stand for delegate" in page.content.decode()
    client.post(reverse("convention_stand", args=["ninth", "east"]))
    assert election(published, "east").candidates.get().member == mia
    with pytest.raises(ValidationError, match="not in good standing"):
        do_stand(None, election(published, "east"), published.east_members[0])
    # Mia is not of West: she cannot stand there, and the page does not offer it.
    page = client.get(reverse("convention_election", args=["ninth", "west"]))
    assert "Stand for delegate" not in page.content.decode()
    with pytest.raises(ValidationError, match="not in West Branch"):
        do_stand(published.people.member, election(published, "west"), mia)


def test_an_absent_delegate_is_replaced_by_the_next_alternate(client, published):
    east = election(published, "east")
    good = east_in_good_standing(published)
    do_record_election_result(None, east, good[:3], good[3:5], "Hand count")
    [entry] = [e for e in credentials_roll(published.convention) if e.election == east]
    absent = entry.delegates[1]
    with pytest.raises(ValidationError):
        do_seat_alternate(published.credentials, absent, reason=" ")
    with pytest.raises(ValidationError, match="is next"):
        do_seat_alternate(
            published.credentials, absent, reason="Ill", alternate=entry.alternates[1]
        )
    with pytest.raises(PermissionDenied):
        do_seat_alternate(published.people.secretary, absent, reason="Ill")
    seated = do_seat_alternate(published.credentials, absent, reason="Ill on the opening day")
    assert seated.member == good[3]
    assert seated.replaces == absent
    [entry] = [e for e in credentials_roll(published.convention) if e.election == east]
    assert [s.status for s in entry.delegates] == [
        SeatStatus.CREDENTIALED,
        SeatStatus.ABSENT,
        SeatStatus.CREDENTIALED,
    ]
    assert entry.seated == 3
    event = AuditEvent.objects.get(action="convention.seat_alternate")
    assert event.reason == "Ill on the opening day"
    assert event.payload["absent"] == good[1].member_number

    # From the report page: the next alternate, then none left.
    client.force_login(published.credentials)
    url = reverse("convention_seat_alternate", args=["ninth", entry.delegates[0].pk])
    client.post(url, {"reason": "Left after the first session"})
    url = reverse("convention_seat_alternate", args=["ninth", entry.delegates[2].pk])
    response = client.post(url, {"reason": "Called away"}, follow=True)
    assert "East Branch has no alternate left to seat" in response.content.decode()


def test_new_seats_after_a_result_send_the_election_to_review(published):
    east = election(published, "east")
    south = election(published, "south")
    good = east_in_good_standing(published)
    do_record_election_result(None, east, good[:3], [], "Hand count")
    do_record_election_result(None, south, published.south_members[:1], [], "Hand count")
    do_update_convention(
        None, published.convention, formula={"kind": "ratio", "per": 5, "at_least": 1}
    )
    table = do_compute_apportionment(
        None, published.convention, published.snapshot, reason="Ratio corrected"
    )
    do_publish_apportionment(None, table)
    east.refresh_from_db()
    south.refresh_from_db()
    assert (east.delegates, east.status) == (7, "review")
    assert (south.delegates, south.status) == (1, "decided")  # its seats did not change
    # Recording again needs no other reason than the new seats.
    do_record_election_result(None, east, good[:7], [], "Second branch meeting")
    assert east.results.get(current=True).reason == "Seats changed by apportionment no. 2"


def test_the_credentials_report_lists_every_branch_and_prints(client, published):
    east = election(published, "east")
    good = east_in_good_standing(published)
    do_record_election_result(None, east, good[:3], good[3:5], "Hand count")
    client.force_login(published.people.other)
    page = client.get(reverse("convention_credentials", args=["ninth"]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Credentials committee report" in text
    assert good[0].full_name in text
    assert "Seat an alternate" not in text  # members read it; the committee acts on it
    assert "2 branches without a result" in text
    css = (Path(__file__).parents[2] / "src/rankfile/web/static/web/rankfile.css").read_text()
    assert ".roll-branch { break-inside: avoid" in css


def test_the_roll_is_read_in_three_queries(published, django_assert_num_queries):
    good = east_in_good_standing(published)
    do_record_election_result(None, election(published, "east"), good[:3], good[3:5], "Hand count")
    do_record_election_result(
        None, election(published, "west"), published.west_members[:2], [], "Hand"
    )
    with django_assert_num_queries(3):
        roll = credentials_roll(published.convention)
        names = [seat.member.full_name for entry in roll for seat in entry.delegates]
    assert len(names) == 5


def test_a_returning_delegate_gets_the_seat_back_and_the_alternate_waits_again(client, published):
    from rankfile.conventions.elections import do_return_to_seat

    east = election(published, "east")
    good = east_in_good_standing(published)
    do_record_election_result(None, east, good[:3], good[3:5], "Hand count")
    [entry] = [e for e in credentials_roll(published.convention) if e.election == east]
    absent = entry.delegates[0]
    with pytest.raises(ValidationError, match="not marked absent"):
        do_return_to_seat(published.credentials, absent, reason="Back")
    do_seat_alternate(published.credentials, absent, reason="Late train")

    client.force_login(published.credentials)
    url = reverse("convention_return_to_seat", args=["ninth", absent.pk])
    assert client.post(url, {"reason": " "}).status_code == 302  # refused with a message
    [entry] = [e for e in credentials_roll(published.convention) if e.election == east]
    assert entry.delegates[0].status == SeatStatus.ABSENT
    response = client.post(url, {"reason": "Arrived for the afternoon session"}, follow=True)
    assert "has their seat back" in response.content.decode()

    [entry] = [e for e in credentials_roll(published.convention) if e.election == east]
    assert [s.status for s in entry.delegates] == [SeatStatus.CREDENTIALED] * 3
    assert [s.status for s in entry.alternates] == [SeatStatus.WAITING] * 2
    assert entry.alternates[0].replaces is None and entry.seated == 3
    event = AuditEvent.objects.get(action="convention.return_to_seat")
    assert event.payload["returned"] == good[0].member_number
    assert event.payload["back_to_waiting"] == good[3].member_number
    # The alternate is first in line again for the next absence.
    seated = do_seat_alternate(published.credentials, entry.delegates[2], reason="Ill")
    assert seated.member == good[3]


def test_the_roll_totals_count_seats_across_branches(published):
    east = election(published, "east")
    good = east_in_good_standing(published)
    do_record_election_result(None, east, good[:3], good[3:5], "Hand count")
    [entry] = [e for e in credentials_roll(published.convention) if e.election == east]
    do_seat_alternate(published.credentials, entry.delegates[1], reason="Ill")
    totals = roll_totals(credentials_roll(published.convention))
    # East 3 seats (one alternate in place of an absent delegate), West 2 and South 1 open.
    assert totals == RollTotals(
        allotted=6, elected=3, seated=3, alternates_seated=1, absent=1, vacant=3, awaiting=2
    )
