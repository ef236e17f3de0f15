"""Overrides that work: an override changes the computed standing for its period everywhere
standing is read (the member's page, the branch list, snapshots), and only where the rules
let an officer override without an appeal."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from rankfile.standing.bulk import evaluate
from rankfile.standing.enforcement import do_record_enforcement, equal_treatment
from rankfile.standing.facts import determine_member
from rankfile.standing.rulesets import do_adopt_rules, find_version, rules_of
from rankfile.standing.snapshots import do_create_snapshot
from tests.standing.conftest import ON, RULES, member_of

pytestmark = pytest.mark.django_db

OVERRIDE_ALLOWED = (
    RULES.replace('version = "1"', 'version = "2"').replace(
        "effective_on = 2020-01-01", "effective_on = 2024-06-01"
    )
    + "\n[appeals]\nofficer_may_override = true\n"
)


def override(actor, user, **changes):
    fields = dict(
        kind="override",
        rule_cited="appeals.officer_may_override",
        reason="Dues were paid at the branch meeting; the receipt is lost.",
        on=ON,
        starts_on=datetime.date(2024, 6, 1),
        ends_on=datetime.date(2024, 6, 30),
        in_good_standing=True,
    )
    fields.update(changes)
    return do_record_enforcement(actor, member_of(user), **fields)


@pytest.fixture
def allowed(history):
    do_adopt_rules(None, text=OVERRIDE_ALLOWED, decision="Membership meeting, 2024-05-20")
    return history


def test_an_officer_cannot_override_where_the_rules_do_not_allow_it(history):
    with pytest.raises(ValidationError, match="appeals.officer_may_override"):
        override(history.secretary, history.member)
    assert not determine_member(member_of(history.member), ON).in_good_standing


def test_an_officer_override_changes_the_standing_everywhere_it_is_read(allowed, client):
    member = member_of(allowed.member)
    override(allowed.secretary, allowed.member)
    result = determine_member(member, ON)
    assert result.in_good_standing
    assert "the receipt is lost" in result.explanation
    rules = rules_of(find_version(ON))
    (row,) = evaluate(rules, ON, member_ids=[member.pk])
    assert row.in_good_standing and row.reasons == ""
    snapshot = do_create_snapshot(allowed.admin, ON, "Convention 2024")
    entry = snapshot.entries.get(member=member)
    assert entry.in_good_standing
    client.force_login(allowed.member)
    page = client.get("/standing/", {"as_of": ON.isoformat()}).content.decode()
    assert "overridden into good standing from 2024-06-01 to 2024-06-30" in page
    assert "the receipt is lost" in page
    # After the period, the rules decide again.
    assert not determine_member(member, datetime.date(2024, 7, 1)).in_good_standing


def test_an_override_needs_its_period_and_direction_naming_the_fields(allowed):
    with pytest.raises(ValidationError) as error:
        override(allowed.secretary, allowed.member, starts_on=None, in_good_standing=None)
    assert set(error.value.message_dict) == {"starts_on", "in_good_standing"}
    with pytest.raises(ValidationError, match="before the first"):
        override(allowed.secretary, allowed.member, ends_on=datetime.date(2024, 5, 1))


def test_a_branch_officer_cannot_override_outside_their_branch(allowed):
    with pytest.raises(PermissionDenied):
        override(allowed.secretary, allowed.other)


def test_the_equal_treatment_report_counts_overrides_against_what_the_rules_say(allowed):
    override(allowed.secretary, allowed.member)
    (report,) = equal_treatment(datetime.date(2024, 1, 1), ON)
    assert report.kind == "override"
    # Mia is out of standing by the rules (the override is the action, not the rule's verdict).
    assert {a.member_id for a in report.actions} == {member_of(allowed.member).pk}
    east = next(f for f in report.report.findings if f.group == "East Branch")
    assert (east.matched, east.acted, east.acted_outside_rule) == (1, 1, 0)


def test_an_officer_records_an_override_from_the_members_standing_page(allowed, client):
    member = member_of(allowed.member)
    client.force_login(allowed.secretary)
    form = {
        "kind": "override", "rule_cited": "appeals.officer_may_override",
        "reason": "Paid in cash at the meeting.", "on": ON.isoformat(),
        "starts_on": "2024-06-01", "ends_on": "2024-06-30", "in_good_standing": "yes",
    }  # fmt: skip
    response = client.post(f"/standing/members/{member.pk}/enforcement/", form)
    assert response.status_code == 302
    assert determine_member(member, ON).in_good_standing
    refused = client.post(
        f"/standing/members/{member.pk}/enforcement/", {**form, "in_good_standing": ""}
    )
    assert refused.status_code == 400
    assert "Say whether the override is into or out of good standing." in refused.content.decode()
