import datetime

import pytest

from rankfile.core.dates import add_months, is_month_end, month_label

D = datetime.date


@pytest.mark.parametrize(
    ("day", "months", "clamp", "end_of_month", "roll_forward"),
    [  # the table in docs/rules.md, and leap years
        (D(2020, 3, 31), -1, D(2020, 2, 29), D(2020, 2, 29), D(2020, 3, 1)),
        (D(2020, 2, 29), -1, D(2020, 1, 29), D(2020, 1, 31), D(2020, 1, 29)),
        (D(2021, 3, 29), -1, D(2021, 2, 28), D(2021, 2, 28), D(2021, 3, 1)),
        (D(2020, 1, 31), 1, D(2020, 2, 29), D(2020, 2, 29), D(2020, 3, 1)),
        (D(2021, 1, 31), 1, D(2021, 2, 28), D(2021, 2, 28), D(2021, 3, 1)),
        (D(2020, 2, 29), 12, D(2021, 2, 28), D(2021, 2, 28), D(2021, 3, 1)),
        (D(2019, 2, 28), 12, D(2020, 2, 28), D(2020, 2, 29), D(2020, 2, 28)),
        (D(2020, 2, 29), 1, D(2020, 3, 29), D(2020, 3, 31), D(2020, 3, 29)),
        (D(2020, 12, 15), 1, D(2021, 1, 15), D(2021, 1, 15), D(2021, 1, 15)),
        (D(2021, 1, 15), -1, D(2020, 12, 15), D(2020, 12, 15), D(2020, 12, 15)),
    ],
)
def test_months_are_added_under_each_month_end_policy(
    day, months, clamp, end_of_month, roll_forward
):
    assert add_months(day, months, "clamp") == clamp
    assert add_months(day, months, "end_of_month") == end_of_month
    assert add_months(day, months, "roll_forward") == roll_forward


def test_an_unknown_policy_is_refused():
    with pytest.raises(ValueError, match="unknown month-end policy 'round'"):
        add_months(D(2020, 1, 31), 1, "round")


def test_month_ends_and_labels():
    assert is_month_end(D(2020, 2, 29)) and not is_month_end(D(2021, 2, 27))
    assert month_label(D(2019, 9, 1)) == "2019-09"


def test_the_last_day_a_paid_through_date_keeps_standing():
    from rankfile.core.cutoffs import paid_keeps_standing_until
    from rankfile.core.rules import RuleSet

    assert paid_keeps_standing_until(RuleSet(name="x", paid_within_months=1), D(2020, 1, 31)) == D(
        2020, 2, 29
    )
    union = RuleSet(name="x", months_in_arrears_before_losing_standing=1)
    assert paid_keeps_standing_until(union, D(2020, 1, 31)) == D(2020, 2, 29)
    assert paid_keeps_standing_until(union, D(2020, 1, 30)) == D(2020, 1, 31)
    assert paid_keeps_standing_until(RuleSet(name="zero dues"), D(2020, 1, 31)) is None


def test_the_last_day_a_waiver_can_count():
    from rankfile.core.cutoffs import waiver_counts_until
    from rankfile.core.rules import RuleSet

    assert waiver_counts_until(RuleSet(name="x", waiver_max_months=12), D(2019, 1, 1)) == D(
        2019, 12, 31
    )
    # counts on D while it started after D - 1 month: 2020-02-29 - 1 month (clamp) = 2020-01-29
    one_month = RuleSet(name="x", waiver_max_months=1)
    assert waiver_counts_until(one_month, D(2020, 1, 31)) == D(2020, 2, 29)
    assert waiver_counts_until(RuleSet(name="x"), D(2019, 1, 1)) is None
