"""Adopting rule sets, the version in force on a date, and the rules page."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from rankfile.audit.models import AuditEvent
from rankfile.cli import main
from rankfile.standing.models import RuleSetVersion
from rankfile.standing.rulesets import NoRulesInForce, do_adopt_rules, find_version, rules_of
from tests.standing.conftest import RULES

pytestmark = pytest.mark.django_db

SECOND = (
    RULES.replace('version = "1"', 'version = "2"')
    .replace("effective_on = 2020-01-01", "effective_on = 2024-07-01")
    .replace(
        "months_in_arrears_before_losing_standing = 1",
        "months_in_arrears_before_losing_standing = 2",
    )
)


def test_it_stores_the_adopted_text_its_hash_and_the_decision_on_the_record(adopted):
    assert adopted.source_text == RULES
    assert len(adopted.content_hash) == 64
    event = AuditEvent.objects.get(action="rules.adopt")
    assert event.reason == "Membership meeting, 2019-12-01"
    assert event.payload["sha256"] == adopted.content_hash


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (
            ("checkoff_counts_as_paid = true", "checkoff_counts_as_paid = 1"),
            "dues.checkoff_counts_as_paid",
        ),
        (("checkoff_counts_as_paid = true", "checkoff_counts = true"), "dues.checkoff_counts"),
        (("max_months = 6", "max_months = 0"), "waivers.max_months"),
        (("effective_on = 2020-01-01", 'effective_on = "2020-02-30"'), "rule_set.effective_on"),
    ],
)
def test_it_refuses_a_bad_rule_file_naming_the_field_and_writes_nothing(people, change, field):
    text = RULES.replace(*change)
    with pytest.raises(ValidationError) as refused:
        do_adopt_rules(None, text=text, decision="x")
    assert field in " ".join(refused.value.messages)
    assert not RuleSetVersion.objects.exists()
    assert not AuditEvent.objects.filter(action="rules.adopt").exists()


def test_it_refuses_rules_without_a_decision(people):
    with pytest.raises(ValidationError, match="decision"):
        do_adopt_rules(None, text=RULES, decision=" ")


def test_it_refuses_an_ordinary_member_adopting_rules(people):
    with pytest.raises(PermissionDenied):
        do_adopt_rules(people.member, text=RULES, decision="x")


def test_it_judges_each_date_by_the_version_in_force_on_it(adopted):
    second = do_adopt_rules(None, text=SECOND, decision="Convention 2024")
    assert find_version(datetime.date(2024, 6, 30)) == adopted
    assert find_version(datetime.date(2024, 7, 1)) == second
    assert find_version(datetime.date(2024, 7, 1), "1") == adopted
    assert rules_of(second).months_in_arrears_before_losing_standing == 2
    with pytest.raises(NoRulesInForce):
        find_version(datetime.date(2019, 12, 31))


def test_every_member_sees_the_rules_in_words_and_what_changed(adopted, client, people):
    second = do_adopt_rules(None, text=SECOND, decision="Convention 2024")
    client.force_login(people.member)
    page = client.get("/standing/rules/", {"version": second.pk}).content.decode()
    assert "Convention 2024" in page
    assert "Months in arrears allowed before losing good standing" in page
    assert "Changes from version 1" in page
    assert "Months in arrears allowed before losing good standing: 1 → 2" in page


def test_the_command_adopts_a_file_and_refuses_a_bad_one_naming_the_field(people, tmp_path, capsys):
    good = tmp_path / "rules.toml"
    good.write_text(RULES)
    assert main(["rules", "adopt", str(good), "--decision", "Meeting"]) == 0
    assert "adopted Test local version 1" in capsys.readouterr().out
    bad = tmp_path / "bad.toml"
    bad.write_text(RULES.replace("[waivers]", "[waivers]\nlength = 3"))
    assert main(["rules", "adopt", str(bad), "--decision", "Meeting"]) == 1
    assert "waivers.length" in capsys.readouterr().err
