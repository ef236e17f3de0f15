"""A delegate whose seat was given to an alternate appeals; overturned, the seat goes back."""

from __future__ import annotations

import pytest

from rankfile.accounts.models import User
from rankfile.appeals.actions import do_decide_appeal, do_file_appeal
from rankfile.conventions.elections import (
    credentials_roll,
    do_record_election_result,
    do_seat_alternate,
)
from rankfile.conventions.models import Credential, SeatStatus
from rankfile.standing.models import RuleSetVersion
from tests.conventions.conftest import setting  # noqa: F401  (fixture)
from tests.conventions.test_elections import (  # noqa: F401  (fixture)
    east_in_good_standing,
    election,
    published,
)

pytestmark = pytest.mark.django_db


def test_an_overturned_credentials_decision_gives_the_seat_back(published):  # noqa: F811
    east = election(published, "east")
    good = east_in_good_standing(published)
    do_record_election_result(None, east, good[:3], good[3:5], "Hand count")
    [entry] = [e for e in credentials_roll(published.convention) if e.election == east]
    absent = entry.delegates[1]
    do_seat_alternate(published.credentials, absent, reason="Not at the roll call")
    # The conventions fixture stores its rule version without a text: give it one.
    RuleSetVersion.objects.update(source_text='[rule_set]\nname = "Test rules"\n')
    delegate = absent.member
    delegate.user = User.objects.create(email="delegate@example.org")
    delegate.save(update_fields=["user"])
    appeal = do_file_appeal(
        delegate.user, Credential.objects.get(pk=absent.pk), statement="I was in the hall."
    )
    assert appeal.officer == published.credentials
    decided = do_decide_appeal(
        published.people.appeals, appeal, outcome="overturned", reasons="The door log shows him.",
        votes={published.people.appeals: "overturned"},
    )  # fmt: skip
    assert decided.effect == "seat given back"
    assert Credential.objects.get(pk=absent.pk).status == SeatStatus.CREDENTIALED
