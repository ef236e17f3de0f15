"""Charges and discipline: charges cite a kept clause, are brought by a named member and
served with a time to answer; the appeals body hears them and imposes only a sanction the
rules allow, recorded where standing reads it; the accused can appeal; members see
aggregate figures, only those involved and the body see a case."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from rankfile.appeals.actions import do_decide_appeal, do_file_appeal
from rankfile.appeals.discipline import (
    do_add_clause,
    do_answer_charges,
    do_bring_charges,
    do_decide_charges,
)
from rankfile.appeals.models import Charge
from rankfile.standing.facts import determine_member
from tests.standing.conftest import member_of, pay

pytestmark = pytest.mark.django_db


@pytest.fixture
def clause(body):
    return do_add_clause(
        None, reference="Art. X §2", title="Conduct unbecoming",
        text="No member shall misappropriate the funds of the local.",
    )  # fmt: skip


def charge(history, clause, accused=None):
    return do_bring_charges(
        history.other, member_of(accused or history.member), clause=clause,
        particulars="Kept the raffle money.", evidence="Treasurer's count of 2026-11-02.",
    )  # fmt: skip


def test_charges_are_served_on_the_accused_by_email_with_the_time_to_answer(
    history, clause, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        served = charge(history, clause)
    assert served.answer_by == timezone.localdate() + datetime.timedelta(days=14)
    assert served.brought_by_label == "Otto Other (otto@example.org)"
    (message,) = mail.outbox
    assert message.to == ["mia@example.org"]
    assert "Art. X §2" in message.body and "Treasurer's count" in message.body
    assert str(served.answer_by) in message.body


def test_a_charge_must_cite_a_clause_and_give_evidence_naming_the_fields(history, clause):
    with pytest.raises(ValidationError) as error:
        do_bring_charges(
            history.other, member_of(history.member), clause=clause, particulars="", evidence=""
        )
    assert set(error.value.message_dict) == {"particulars", "evidence"}
    with pytest.raises(PermissionDenied):
        do_bring_charges(history.outsider, member_of(history.member), clause=clause,
                         particulars="x", evidence="y")  # fmt: skip


def test_the_body_does_not_decide_before_the_time_to_answer_unless_answered(body, history, clause):
    served = charge(history, clause)
    with pytest.raises(ValidationError, match="to answer"):
        do_decide_charges(body.bea, served, found_guilty=False, sanction="none", reasons="r")
    do_answer_charges(history.member, served, answer="I handed it to the treasurer.")
    decided = do_decide_charges(
        body.bea, served, found_guilty=False, sanction="none", reasons="Receipt produced."
    )
    assert decided.status == "decided"


def test_a_suspension_takes_the_member_out_of_good_standing_for_its_period(body, history, clause):
    pay(history.member, datetime.date(2099, 12, 31))
    member = member_of(history.member)
    today = timezone.localdate()
    assert determine_member(member, today).in_good_standing
    served = charge(history, clause)
    do_answer_charges(history.member, served, answer="No.")
    until = today + datetime.timedelta(days=90)
    do_decide_charges(
        body.cal, served, found_guilty=True, sanction="suspension", suspended_until=until,
        reasons="The count is clear.",
    )  # fmt: skip
    result = determine_member(member, today)
    assert not result.in_good_standing and "The count is clear." in result.reasons
    assert determine_member(member, until + datetime.timedelta(days=1)).in_good_standing
    # The accused appeals; the body overturns; the suspension is lifted.
    appeal = do_file_appeal(history.member, Charge.objects.get(pk=served.pk), statement="Unfair")
    do_decide_appeal(
        body.bea, appeal, outcome="overturned", reasons="The count was wrong.",
        votes={body.bea: "overturned", body.alex: "overturned"},
    )  # fmt: skip
    assert determine_member(member, today).in_good_standing


def test_a_hearing_imposes_only_a_sanction_the_rules_allow(body, history, clause):
    served = charge(history, clause)
    do_answer_charges(history.member, served, answer="No.")
    too_long = timezone.localdate() + datetime.timedelta(days=500)
    with pytest.raises(ValidationError, match="at most 12 months"):
        do_decide_charges(body.cal, served, found_guilty=True, sanction="suspension",
                          suspended_until=too_long, reasons="r")  # fmt: skip
    with pytest.raises(ValidationError, match="No sanction without a finding"):
        do_decide_charges(body.cal, served, found_guilty=False, sanction="warning", reasons="r")
    decided = do_decide_charges(
        body.cal, served, found_guilty=True, sanction="expulsion", reasons="Proved."
    )
    member = member_of(history.member)
    assert decided.sanction == "expulsion" and member.status == "expelled"
    assert member.events.last().kind == "expelled"


def test_no_one_hears_charges_they_brought_or_face(body, history, clause):
    served = do_bring_charges(
        body.bea, member_of(body.alex), clause=clause, particulars="x", evidence="y"
    )
    do_answer_charges(body.alex, served, answer="No.")
    for judge in (body.bea, body.alex):
        with pytest.raises(PermissionDenied, match="own case"):
            do_decide_charges(judge, served, found_guilty=False, sanction="none", reasons="r")
    with pytest.raises(PermissionDenied):
        do_decide_charges(history.secretary, served, found_guilty=False, sanction="none",
                          reasons="r")  # fmt: skip


def test_members_see_figures_by_branch_and_only_those_involved_see_the_case(
    body, history, clause, client
):
    served = charge(history, clause)
    client.force_login(history.south_member)
    page = client.get("/appeals/").content.decode()
    assert "East Branch" in page and "raffle" not in page
    assert client.get(f"/appeals/charges/{served.pk}/").status_code == 403
    for user in (history.member, history.other, body.cal):
        client.force_login(user)
        page = client.get(f"/appeals/charges/{served.pk}/")
        assert page.status_code == 200 and "Kept the raffle money." in page.content.decode()
