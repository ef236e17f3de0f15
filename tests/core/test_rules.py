import datetime
from pathlib import Path

import pytest

from rankfile.core import dates
from rankfile.core.rules import (
    PARAMETERS,
    RulesError,
    RuleSet,
    describe_rules,
    diff_rules,
    load_rules,
    parse_rules,
    replace,
    rules_in_force,
    rules_to_dict,
)
from rankfile.examples import RULES_DIR

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted(RULES_DIR.glob("*.toml"))

FULL = """
[rule_set]
name = "Every parameter"
version = "7"
effective_on = 2024-01-01
decision = "Adopted by the convention, motion 12."
source = "Test"

[dues]
paid_within_months = 12
grace_days = 30
months_in_arrears_before_losing_standing = 1
months_in_arrears_before_suspension = 2
checkoff_counts_as_paid = false
lifetime_counts_as_paid = false

[waivers]
count_as_paid = false
max_months = 6

[membership]
min_days_before_cutoff = 90

[activity]
meetings_attended = 2
of_last_meetings = 3
when_not_recorded = "fail"

[office]
continuous_standing_months = 24

[dates]
month_end_policy = "roll_forward"

[appeals]
appeal_within_days = 21
decide_within_days = 45
officer_may_override = true
single_member_may_decide = true

[discipline]
answer_within_days = 10
max_suspension_months = 6
expulsion_allowed = false
"""


def test_it_reads_every_parameter_of_the_format():
    rules = parse_rules(FULL)
    assert rules.name == "Every parameter"
    assert rules.version == "7"
    assert rules.effective_on == datetime.date(2024, 1, 1)
    assert rules.decision == "Adopted by the convention, motion 12."
    assert rules.paid_within_months == 12
    assert rules.grace_days == 30
    assert rules.months_in_arrears_before_losing_standing == 1
    assert rules.months_in_arrears_before_suspension == 2
    assert rules.checkoff_counts_as_paid is False
    assert rules.lifetime_counts_as_paid is False
    assert rules.waivers_count_as_paid is False
    assert rules.waiver_max_months == 6
    assert rules.min_days_before_cutoff == 90
    assert (rules.meetings_attended, rules.of_last_meetings) == (2, 3)
    assert rules.attendance_when_not_recorded == "fail"
    assert rules.office_continuous_standing_months == 24
    assert rules.month_end_policy == dates.ROLL_FORWARD
    assert (rules.appeal_within_days, rules.decide_within_days) == (21, 45)
    assert rules.officer_may_override and rules.single_member_may_decide
    assert (rules.answer_within_days, rules.max_suspension_months) == (10, 6)
    assert rules.expulsion_allowed is False


def test_every_parameter_is_set_in_the_full_example_so_none_goes_untested():
    values = rules_to_dict(parse_rules(FULL))
    defaults = rules_to_dict(RuleSet(name="defaults"))
    unchanged = [
        f"{s}.{n}"
        for s, section in values.items()
        for n, v in section.items()
        if defaults[s][n] == v
    ]
    assert unchanged == []


def test_a_minimal_rule_set_takes_the_documented_defaults():
    rules = parse_rules('[rule_set]\nname = "Zero dues co-op"\n')
    assert not rules.has_dues_rule and not rules.has_activity_rule
    assert rules.grace_days == 0
    assert rules.checkoff_counts_as_paid and rules.waivers_count_as_paid
    assert rules.month_end_policy == dates.CLAMP


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '[rule_set]\nname = "x"\n[dues]\npaid_within_month = 3\n',
            "unknown parameter dues.paid_within_month",
        ),
        ('[rule_set]\nname = "x"\n[fees]\nx = 1\n', r"unknown section \[fees\]"),
        (
            '[rule_set]\nname = "x"\n[dues]\ngrace_days = "30"\n',
            "dues.grace_days must be a whole number",
        ),
        (
            '[rule_set]\nname = "x"\n[dues]\ngrace_days = true\n',
            "dues.grace_days must be a whole number",
        ),
        (
            '[rule_set]\nname = "x"\n[dues]\ngrace_days = 1.5\n',
            "dues.grace_days must be a whole number",
        ),
        ('[rule_set]\nname = "x"\n[dues]\ngrace_days = -1\n', "dues.grace_days must be at least 0"),
        (
            '[rule_set]\nname = "x"\n[dues]\ncheckoff_counts_as_paid = 1\n',
            "dues.checkoff_counts_as_paid must be true or false",
        ),
        (
            '[rule_set]\nname = "x"\n[waivers]\nmax_months = 0\n',
            "waivers.max_months must be at least 1",
        ),
        (
            '[rule_set]\nname = "x"\n[dates]\nmonth_end_policy = "round"\n',
            "dates.month_end_policy must be one of clamp, end_of_month, roll_forward",
        ),
        (
            '[rule_set]\nname = "x"\neffective_on = "2023-02-30"\n',
            "rule_set.effective_on is not a real date",
        ),
        (
            '[rule_set]\nname = "x"\neffective_on = 20230201\n',
            "rule_set.effective_on must be a date",
        ),
        ("[rule_set]\nname = 5\n", "rule_set.name must be a text"),
        ('[rule_set]\nversion = "1"\n', "rule_set.name is required"),
        ('[rule_set]\nname = "x"\n[activity]\nmeetings_attended = 2\n', "set both or neither"),
        (
            '[rule_set]\nname = "x"\n[activity]\nmeetings_attended = 4\nof_last_meetings = 3\n',
            r"activity.meetings_attended \(4\) cannot exceed",
        ),
        (
            '[rule_set]\nname = "x"\n[dues]\nmonths_in_arrears_before_losing_standing = 2\n'
            "months_in_arrears_before_suspension = 1\n",
            "months_in_arrears_before_suspension must not be less than",
        ),
        (
            '[rule_set]\nname = "x"\n[dues]\nmonths_in_arrears_before_suspension = 2\n',
            "needs a rule for losing good standing",
        ),
        ('[rule_set]\nname = "x"\nrule_set = 3\n', "unknown parameter rule_set.rule_set"),
        ('dues = 3\n[rule_set]\nname = "x"\n', r"\[dues\] must be a table"),
    ],
)
def test_it_refuses_a_bad_rule_file_naming_the_field(text, message):
    with pytest.raises(RulesError, match=message):
        parse_rules(text)


def test_it_refuses_a_date_toml_itself_rejects_and_says_which_file():
    with pytest.raises(RulesError, match=r"^club\.toml: not valid TOML"):
        parse_rules('[rule_set]\nname = "x"\neffective_on = 2023-02-30\n', source_name="club.toml")


def test_a_nul_in_a_rule_file_is_refused_with_its_line_and_column():
    with pytest.raises(RulesError, match=r"club\.toml: .*'\\x00' \(at line 2, column 10\)"):
        parse_rules('[rule_set]\nname = "x\x00"\n', source_name="club.toml")


def test_it_names_the_file_it_cannot_read(tmp_path):
    with pytest.raises(RulesError, match="missing.toml: cannot read"):
        load_rules(tmp_path / "missing.toml")


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_every_example_rule_set_loads_and_has_a_dues_rule(path):
    rules = load_rules(path)
    assert rules.has_dues_rule
    assert rules.effective_on is not None and rules.decision and rules.source


def test_there_are_the_three_promised_example_rule_sets():
    assert {p.stem for p in EXAMPLES} >= {
        "national-socialist-organization",
        "city-chapter",
        "union-local-checkoff",
    }


def test_the_union_example_loses_standing_after_one_month_and_suspends_after_two():
    rules = load_rules(RULES_DIR / "union-local-checkoff.toml")
    assert rules.months_in_arrears_before_losing_standing == 1
    assert rules.months_in_arrears_before_suspension == 2
    assert rules.checkoff_counts_as_paid


def test_the_diff_lists_changed_parameters_in_plain_words_but_not_version_metadata():
    old = parse_rules(FULL)
    new = replace(
        old, paid_within_months=6, version="8", decision="Amended.", waiver_max_months=None
    )
    sentences = [change.sentence for change in diff_rules(old, new)]
    assert sentences == [
        "Dues paid through within (months): 12 → 6",
        "Longest a waiver counts (months): 6 → not applied",
    ]


def test_identical_rules_have_no_differences():
    assert diff_rules(parse_rules(FULL), parse_rules(FULL)) == []


def test_replace_checks_the_new_values_like_a_file_would():
    with pytest.raises(RulesError, match="dues.grace_days must be at least 0"):
        replace(parse_rules(FULL), grace_days=-3)


def test_the_version_in_force_is_the_latest_effective_on_or_before_the_date():
    first = RuleSet(name="v1", effective_on=datetime.date(2020, 1, 1))
    second = RuleSet(name="v2", effective_on=datetime.date(2022, 6, 1))
    versions = [second, first]
    assert rules_in_force(versions, datetime.date(2019, 12, 31)) is None
    assert rules_in_force(versions, datetime.date(2022, 5, 31)) is first
    assert rules_in_force(versions, datetime.date(2022, 6, 1)) is second


def test_docs_describe_every_parameter():
    text = (ROOT / "docs" / "rules.md").read_text()
    missing = [p.key for p in PARAMETERS if f"`{p.key}`" not in text]
    assert missing == []


def test_the_rules_page_lists_every_parameter_in_words():
    page = dict((key, (label, value)) for key, label, value in describe_rules(parse_rules(FULL)))
    assert len(page) == len(PARAMETERS)
    assert page["dues.paid_within_months"] == ("Dues paid through within (months)", "12")
    assert page["dues.checkoff_counts_as_paid"][1] == "no"
    assert describe_rules(RuleSet(name="x"))[5][2] == "not applied"
