"""Appeals: a member appeals a decision about them; the appeals body decides with reasons by
a recorded vote (or one named member where the rules allow); the decision takes effect
through the normal actions; no one decides their own case; deadlines are never dropped."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from rankfile.appeals.actions import (
    CaseConflict,
    do_accept_late_appeal,
    do_decide_appeal,
    do_file_appeal,
    do_respond_to_appeal,
)
from rankfile.appeals.models import Appeal, AppealStatus
from rankfile.audit.models import AuditEvent
from rankfile.dues.models import Waiver, WaiverStatus
from rankfile.dues.waivers import do_request_waiver
from rankfile.members.actions import do_record_member_event
from rankfile.standing.enforcement import do_record_enforcement
from rankfile.standing.facts import determine_member
from rankfile.standing.rulesets import do_adopt_rules
from rankfile.standing.waivers import do_decide_waiver
from tests.standing.conftest import RULES, member_of

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def lapse(officer, user, on=None):
    return do_record_member_event(
        officer, member_of(user), kind="lapsed", on=on or today(), reason="Dues unpaid"
    )


def inquiry(officer, user, on=None):
    return do_record_enforcement(
        officer, member_of(user), kind="inquiry", rule_cited="dues.months_in_arrears",
        reason="Are you paying dues?", on=on or today(),
    )  # fmt: skip


def test_an_overturned_lapse_records_a_reinstatement_and_the_member_is_back_in_good_standing(
    body,
):
    event = lapse(None, body.alex)  # Alex sits on the body: not a judge of his own case
    appeal = do_file_appeal(body.alex, event, statement="I paid at the branch meeting.")
    assert appeal.status == AppealStatus.OPEN
    decided = do_decide_appeal(
        body.bea,
        appeal,
        outcome="overturned",
        reasons="The receipt book shows the payment.",
        votes={body.bea: "overturned", body.cal: "overturned"},
        override_from=event.on,
        override_good=True,
    )
    member = member_of(body.alex)
    assert member.status == "member"
    assert member.events.last().kind == "reinstated"
    result = determine_member(member, today())
    assert result.in_good_standing
    assert "The receipt book shows the payment." in result.explanation
    assert decided.effect.startswith(f"reinstated as of {event.on}")
    actions = list(AuditEvent.objects.filter(member=member).values_list("action", flat=True))
    assert {"appeals.file", "appeals.decide", "member.reinstated"} <= set(actions)
    assert list(decided.votes.values_list("voter_label", "vote")) == [
        ("bea@example.org", "overturned"),
        ("cal@example.org", "overturned"),
    ]


def test_no_one_decides_their_own_case(body, history):
    event = lapse(None, history.appeals)
    appeal = do_file_appeal(history.appeals, event, statement="Wrong.")
    with pytest.raises(CaseConflict):
        do_decide_appeal(body.alex, appeal, outcome="overturned", reasons="Mine", votes={})
    with pytest.raises(CaseConflict):
        do_decide_appeal(
            body.bea, appeal, outcome="overturned", reasons="r",
            votes={body.bea: "overturned", body.alex: "overturned"},
        )  # fmt: skip


def test_the_officer_who_acted_does_not_decide_the_appeal_even_on_the_body(body, history):
    from rankfile.members.actions import do_appoint

    do_appoint(None, member_of(body.bea), role="secretary", branch=history.east,
               started_on=datetime.date(2024, 1, 1))  # fmt: skip
    action = inquiry(body.bea, history.member)
    appeal = do_file_appeal(history.member, action, statement="Unfounded.")
    with pytest.raises(CaseConflict, match="party to this one"):
        do_decide_appeal(
            body.bea, appeal, outcome="upheld", reasons="r", votes={body.bea: "upheld"}
        )
    decided = do_decide_appeal(
        body.cal, appeal, outcome="overturned", reasons="No basis.",
        votes={body.cal: "overturned", body.alex: "overturned"},
    )  # fmt: skip
    action.refresh_from_db()
    assert action.lifted_on == today() and "No basis." in action.lifted_reason
    assert decided.status == AppealStatus.DECIDED


def test_a_decision_follows_the_majority_of_the_recorded_vote(body, history):
    appeal = do_file_appeal(
        history.member, inquiry(history.secretary, history.member), statement="x"
    )
    with pytest.raises(ValidationError, match="does not give a majority"):
        do_decide_appeal(
            body.bea, appeal, outcome="overturned", reasons="r",
            votes={body.bea: "overturned", body.cal: "upheld"},
        )  # fmt: skip
    with pytest.raises(ValidationError, match="recorded vote"):
        do_decide_appeal(body.bea, appeal, outcome="upheld", reasons="r")  # alone: not allowed
    with pytest.raises(ValidationError, match="does not sit on the appeals body"):
        do_decide_appeal(
            body.bea, appeal, outcome="upheld", reasons="r", votes={history.treasurer: "upheld"}
        )


def test_one_named_member_decides_alone_only_where_the_rules_allow(body, history):
    do_adopt_rules(
        None,
        text=RULES.replace('version = "1"', 'version = "2"').replace(
            "effective_on = 2020-01-01", "effective_on = 2024-07-01"
        ) + "\n[appeals]\nsingle_member_may_decide = true\n",
        decision="Membership meeting",
    )  # fmt: skip
    appeal = do_file_appeal(
        history.member, inquiry(history.secretary, history.member), statement="x"
    )
    decided = do_decide_appeal(body.cal, appeal, outcome="upheld", reasons="Founded.")
    assert not decided.decided_by_vote and decided.effect == "none (the decision stands)"


def test_a_late_appeal_is_refused_with_the_deadline_named_and_the_body_can_accept_it(body, history):
    old = today() - datetime.timedelta(days=40)
    appeal = do_file_appeal(
        history.member, inquiry(history.secretary, history.member, old), statement="x"
    )
    assert appeal.status == AppealStatus.LATE
    assert appeal.appeal_by == old + datetime.timedelta(days=30)
    with pytest.raises(ValidationError, match="late"):
        do_decide_appeal(
            body.bea, appeal, outcome="upheld", reasons="r", votes={body.bea: "upheld"}
        )
    with pytest.raises(ValidationError, match="reason"):
        do_accept_late_appeal(body.bea, appeal, reason=" ")
    accepted = do_accept_late_appeal(body.bea, appeal, reason="The member was in hospital.")
    assert accepted.status == AppealStatus.OPEN and accepted.late_reason


def test_the_late_refusal_names_the_deadline_on_the_page(body, history, client):
    old = today() - datetime.timedelta(days=40)
    action = inquiry(history.secretary, history.member, old)
    client.force_login(history.member)
    response = client.post(
        f"/appeals/new/enforcement/{action.pk}/", {"statement": "x"}, follow=True
    )
    deadline = (old + datetime.timedelta(days=30)).isoformat()
    assert f"The deadline to appeal this decision was {deadline}" in response.content.decode()


def test_only_the_member_concerned_can_appeal(body, history):
    action = inquiry(history.secretary, history.member)
    with pytest.raises(PermissionDenied):
        do_file_appeal(history.other, action, statement="for a friend")
    do_file_appeal(history.member, action, statement="mine")
    with pytest.raises(ValidationError, match="already under appeal"):
        do_file_appeal(history.member, action, statement="again")


def test_an_overturned_waiver_refusal_grants_the_waiver(body, history):
    member = member_of(history.member)
    start = today().replace(day=1)
    waiver = do_request_waiver(
        history.member, member, starts_on=start, ends_on=start + datetime.timedelta(days=60),
        reason="Laid off",
    )  # fmt: skip
    do_decide_waiver(history.treasurer, waiver, grant=False, decision_reason="Not shown")
    appeal = do_file_appeal(history.member, Waiver.objects.get(pk=waiver.pk), statement="Laid off")
    do_decide_appeal(
        body.bea, appeal, outcome="overturned", reasons="The layoff letter is on file.",
        votes={body.bea: "overturned"},
    )  # fmt: skip
    granted = Waiver.objects.filter(member=member, status=WaiverStatus.GRANTED).get()
    assert (granted.starts_on, granted.ends_on) == (waiver.starts_on, waiver.ends_on)


def test_the_officer_responds_and_the_member_sees_the_state(body, history, client):
    appeal = do_file_appeal(
        history.member, inquiry(history.secretary, history.member), statement="x"
    )
    with pytest.raises(PermissionDenied):
        do_respond_to_appeal(history.other, appeal, response="meddling")
    do_respond_to_appeal(history.secretary, appeal, response="The ledger shows arrears.")
    client.force_login(history.member)
    page = client.get(f"/appeals/{appeal.pk}/").content.decode()
    assert "The ledger shows arrears." in page and "Open" in page


def test_a_missed_deadline_is_shown_to_the_body_and_the_member(body, history, client):
    appeal = do_file_appeal(
        history.member, inquiry(history.secretary, history.member), statement="x"
    )
    Appeal.objects.filter(pk=appeal.pk).update(decide_by=today() - datetime.timedelta(days=1))
    client.force_login(body.bea)
    assert "deadline missed" in client.get("/appeals/docket/").content.decode()
    client.force_login(history.member)
    assert "deadline missed" in client.get("/appeals/").content.decode()
    assert "deadline missed" in client.get(f"/appeals/{appeal.pk}/").content.decode()


ROLES = ["admin", "secretary", "treasurer", "organizer", "credentials", "appeals"]


@pytest.mark.parametrize("role", ROLES)
def test_a_case_is_seen_by_the_member_the_officer_who_acted_and_the_appeals_body_only(
    history, client, role
):
    from rankfile.members.actions import do_appoint
    from tests.conftest import make_person

    officer = make_person("Olga", "Officer", history.west, number="3001")
    do_appoint(None, officer, role=role, branch=history.west, started_on=datetime.date(2024, 1, 1))
    appeal = do_file_appeal(
        history.member, inquiry(history.secretary, history.member), statement="x"
    )
    client.force_login(officer.user)
    status = client.get(f"/appeals/{appeal.pk}/").status_code
    # A branch-scoped appeals body member reviews everywhere; an admin of West (not East)
    # does not; no other officer sees a case they did not act in.
    assert status == (200 if role == "appeals" else 403)
    for user, expected in ((history.member, 200), (history.secretary, 200), (history.other, 403)):
        client.force_login(user)
        assert client.get(f"/appeals/{appeal.pk}/").status_code == expected
    client.force_login(officer.user)
    decide = client.post(
        f"/appeals/{appeal.pk}/decide/", {"outcome": "upheld", "reasons": "r"}
    ).status_code
    assert decide in ((400,) if role == "appeals" else (403,))


def test_the_command_line_docket_marks_a_missed_deadline(body, history, capsys):
    from rankfile.cli import main

    appeal = do_file_appeal(
        history.member, inquiry(history.secretary, history.member), statement="x"
    )
    Appeal.objects.filter(pk=appeal.pk).update(decide_by=today() - datetime.timedelta(days=1))
    assert main(["appeals", "docket"]) == 0
    out = capsys.readouterr().out
    assert (
        f"{appeal.pk}\t1005\topen\tdecide by {today() - datetime.timedelta(days=1)} MISSED" in out
    )
    assert "1 open or late appeals" in out


def allow_officer_overrides():
    do_adopt_rules(
        None,
        text=RULES.replace('version = "1"', 'version = "3"').replace(
            "effective_on = 2020-01-01", "effective_on = 2024-07-01"
        ) + "\n[appeals]\nofficer_may_override = true\n",
        decision="Membership meeting",
    )  # fmt: skip


def test_an_overturned_override_is_lifted_and_the_rules_decide_again(body, history):
    from tests.standing.conftest import pay

    allow_officer_overrides()
    pay(history.member, datetime.date(2099, 12, 31))
    member = member_of(history.member)
    override = do_record_enforcement(
        history.secretary, member, kind="override", rule_cited="appeals.officer_may_override",
        reason="Disruptive at meetings", on=today(), starts_on=today(), in_good_standing=False,
    )  # fmt: skip
    assert not determine_member(member, today()).in_good_standing
    appeal = do_file_appeal(history.member, override, statement="Standing is about dues.")
    do_decide_appeal(
        body.cal, appeal, outcome="overturned", reasons="Standing is decided by the rules.",
        votes={body.cal: "overturned", body.bea: "overturned"},
    )  # fmt: skip
    assert determine_member(member, today()).in_good_standing


def test_a_modified_decision_sets_standing_for_the_stated_period_only(body, history):
    appeal = do_file_appeal(history.member, lapse(None, history.member), statement="Hardship")
    with pytest.raises(ValidationError, match="sets the member's standing from a date"):
        do_decide_appeal(
            body.cal, appeal, outcome="modified", reasons="r", votes={body.cal: "modified"}
        )
    end = today() + datetime.timedelta(days=30)
    decided = do_decide_appeal(
        body.cal, appeal, outcome="modified", reasons="Time to pay.",
        votes={body.cal: "modified"}, override_from=today(), override_to=end, override_good=True,
    )  # fmt: skip
    member = member_of(history.member)
    assert member.status == "lapsed"  # modified, not overturned: the lapse stands
    assert determine_member(member, today()).in_good_standing
    assert not determine_member(member, end + datetime.timedelta(days=1)).in_good_standing
    assert f"to {end}" in decided.effect
