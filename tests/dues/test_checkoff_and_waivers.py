import datetime
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from rankfile.audit.models import AuditEvent
from rankfile.dues.checkoff import do_authorize_checkoff, do_end_checkoff
from rankfile.dues.models import CheckoffAuthorization, Waiver
from rankfile.dues.waivers import do_request_waiver
from rankfile.members.access import can_see_waiver_reasons
from rankfile.standing.waivers import do_decide_waiver

START = datetime.date(2025, 1, 1)
REASON = "Laid off in December; rent first"


def test_a_payroll_checkoff_names_the_employer_and_the_employee_id(people):
    member = people.member.member
    with pytest.raises(ValidationError) as error:
        do_authorize_checkoff(people.treasurer, member, kind="payroll", started_on=START)
    assert "employer_name" in error.value.message_dict
    checkoff = do_authorize_checkoff(
        people.treasurer,
        member,
        kind="payroll",
        started_on=START,
        employer_name="Acme Hospital",
        employee_id="E-17",
    )
    assert CheckoffAuthorization.objects.running_on(START).get() == checkoff
    event = AuditEvent.objects.get(action="dues.checkoff.authorize")
    assert "E-17" not in json.dumps(event.payload)


def test_one_checkoff_runs_at_a_time_and_an_employee_id_belongs_to_one_member(people):
    member, other = people.member.member, people.other.member
    do_authorize_checkoff(
        people.treasurer,
        member,
        kind="payroll",
        started_on=START,
        employer_name="Acme",
        employee_id="1",
    )
    with pytest.raises(ValidationError) as error:
        do_authorize_checkoff(people.treasurer, member, kind="bank", started_on=START)
    assert "started_on" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        do_authorize_checkoff(
            people.treasurer,
            other,
            kind="payroll",
            started_on=START,
            employer_name="Acme",
            employee_id="1",
        )
    assert "employee_id" in error.value.message_dict


def test_ending_a_checkoff_is_dated_and_not_before_it_started(people):
    checkoff = do_authorize_checkoff(
        people.treasurer, people.member.member, kind="bank", started_on=START
    )
    with pytest.raises(ValidationError) as error:
        do_end_checkoff(people.treasurer, checkoff, ended_on=datetime.date(2024, 12, 31))
    assert "ended_on" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        do_end_checkoff(people.member, checkoff, ended_on=datetime.date(2025, 3, 31))
    do_end_checkoff(
        people.treasurer, checkoff, ended_on=datetime.date(2025, 3, 31), reason="Mandate cancelled"
    )
    assert not CheckoffAuthorization.objects.running_on(datetime.date(2025, 4, 1)).exists()
    assert CheckoffAuthorization.objects.running_on(datetime.date(2025, 3, 31)).exists()


def request(people, **change):
    values = {"starts_on": START, "ends_on": datetime.date(2025, 6, 30), "reason": REASON, **change}
    return do_request_waiver(people.member, people.member.member, **values)


def test_a_member_requests_their_own_waiver(people):
    waiver = request(people)
    assert waiver.status == "requested" and waiver.requested_by == people.member
    assert AuditEvent.objects.get(action="dues.waiver.request").payload["self_service"] is True


def test_no_one_else_requests_a_waiver_for_a_member_but_the_treasurers_office(people):
    member = people.member.member
    values = {"starts_on": START, "ends_on": START, "reason": REASON}
    for persona in ("other", "secretary"):
        with pytest.raises(PermissionDenied):
            do_request_waiver(getattr(people, persona), member, **values)
    waiver = do_request_waiver(people.treasurer, member, **values)
    assert waiver.requested_by == people.treasurer


@pytest.mark.parametrize(
    ("change", "field"),
    [({"ends_on": datetime.date(2024, 12, 31)}, "ends_on"), ({"reason": "  "}, "reason")],
)
def test_it_refuses_a_bad_waiver_request_naming_the_field(people, change, field):
    with pytest.raises(ValidationError) as error:
        request(people, **change)
    assert field in error.value.message_dict
    assert not Waiver.objects.exists()


def test_it_refuses_a_second_waiver_over_the_same_months(people):
    request(people)
    with pytest.raises(ValidationError) as error:
        request(people, starts_on=datetime.date(2025, 3, 1), ends_on=datetime.date(2025, 9, 30))
    assert "starts_on" in error.value.message_dict


def test_the_treasurer_grants_a_waiver_with_a_reason_and_a_capped_length(people):
    waiver = request(people, ends_on=datetime.date(2026, 6, 30))
    with pytest.raises(ValidationError) as error:
        do_decide_waiver(
            people.treasurer, waiver, grant=True, decision_reason="Hardship", max_months=12
        )
    assert "2025-12-31" in error.value.message_dict["ends_on"][0]
    granted = do_decide_waiver(
        people.treasurer,
        waiver,
        grant=True,
        decision_reason="Hardship shown",
        ends_on=datetime.date(2025, 12, 31),
        max_months=12,
    )
    assert granted.status == "granted" and granted.decided_by == people.treasurer
    with pytest.raises(ValidationError) as error:
        do_decide_waiver(people.treasurer, granted, grant=False, decision_reason="Changed my mind")
    assert "status" in error.value.message_dict


def test_a_refusal_needs_a_reason_and_only_the_treasurers_office_decides(people):
    waiver = request(people)
    with pytest.raises(ValidationError) as error:
        do_decide_waiver(people.treasurer, waiver, grant=False, decision_reason="")
    assert "decision_reason" in error.value.message_dict
    for persona in ("member", "secretary", "appeals"):
        with pytest.raises(PermissionDenied):
            do_decide_waiver(getattr(people, persona), waiver, grant=True, decision_reason="ok")
    refused = do_decide_waiver(
        people.treasurer, waiver, grant=False, decision_reason="Not hardship"
    )
    assert refused.status == "refused"


def test_a_treasurer_does_not_decide_their_own_waiver(people):
    treasurer = people.treasurer.member
    waiver = do_request_waiver(
        people.treasurer, treasurer, starts_on=START, ends_on=START, reason=REASON
    )
    with pytest.raises(PermissionDenied):
        do_decide_waiver(people.treasurer, waiver, grant=True, decision_reason="Fine by me")
    do_decide_waiver(people.admin, waiver, grant=True, decision_reason="Checked")


def test_waiver_reasons_stay_with_the_member_and_the_treasurers_office(people):
    waiver = request(people)
    do_decide_waiver(people.treasurer, waiver, grant=True, decision_reason="Job loss confirmed")
    member = people.member.member
    assert can_see_waiver_reasons(people.member, member)
    assert can_see_waiver_reasons(people.treasurer, member)
    assert not can_see_waiver_reasons(people.secretary, member)
    assert not can_see_waiver_reasons(people.other, member)
    log = json.dumps(list(AuditEvent.objects.values("reason", "payload", "target_label")))
    assert "Laid off" not in log and "Job loss" not in log
    assert AuditEvent.objects.filter(action="dues.waiver.grant").exists()


def test_a_grant_is_capped_by_the_rules_in_force_when_the_waiver_starts(people):

    from rankfile.examples import RULES_DIR as examples
    from rankfile.standing.rulesets import do_adopt_rules

    union_rules = (examples / "union-local-checkoff.toml").read_text()
    do_adopt_rules(
        None, text=union_rules, decision="Local bylaws", effective_on=datetime.date(2024, 1, 1)
    )
    waiver = request(people, ends_on=datetime.date(2025, 12, 31))
    with pytest.raises(ValidationError) as error:
        do_decide_waiver(people.treasurer, waiver, grant=True, decision_reason="Hardship")
    assert "at most 6 months: end it by 2025-06-30" in error.value.message_dict["ends_on"][0]
    granted = do_decide_waiver(
        people.treasurer,
        waiver,
        grant=True,
        decision_reason="Hardship",
        ends_on=datetime.date(2025, 6, 30),
    )
    assert granted.status == "granted"


def test_a_one_month_waiver_from_a_months_last_day_may_run_to_the_next_months_last(people):
    # The cap is the last day the standing rules count the waiver (core/cutoffs): one month
    # arithmetic for granting and for counting.
    start = datetime.date(2026, 1, 31)
    waiver = do_request_waiver(
        people.member,
        people.member.member,
        starts_on=start,
        ends_on=datetime.date(2026, 2, 28),
        reason=REASON,
    )
    granted = do_decide_waiver(
        people.treasurer, waiver, grant=True, decision_reason="Hardship", max_months=1
    )
    assert granted.ends_on == datetime.date(2026, 2, 28)
    longer = do_request_waiver(
        people.member,
        people.member.member,
        starts_on=datetime.date(2026, 3, 31),
        ends_on=datetime.date(2026, 5, 1),
        reason=REASON,
    )
    with pytest.raises(ValidationError) as error:
        do_decide_waiver(people.treasurer, longer, grant=True, decision_reason="x", max_months=1)
    assert "end it by 2026-04-30" in error.value.message_dict["ends_on"][0]
