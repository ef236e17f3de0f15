import datetime
from decimal import Decimal

import pytest

from rankfile.dues.periods import expected_amount, parse_amount, parse_period

D = datetime.date


def test_a_period_is_a_month_or_a_year():
    assert parse_period("2024-02") == (D(2024, 2, 1), D(2024, 2, 29))
    assert parse_period("2025") == (D(2025, 1, 1), D(2025, 12, 31))
    for text in ("2025-13", "2025-1", "25-01", "March"):
        with pytest.raises(ValueError):
            parse_period(text)


def test_a_plan_asks_its_amount_per_month_or_a_twelfth_of_a_year_per_month():
    march = (D(2025, 3, 1), D(2025, 3, 31))
    assert expected_amount("flat", "month", Decimal("20"), *march) == Decimal("20.00")
    assert expected_amount("flat", "month", Decimal("20"), D(2025, 1, 1), D(2025, 3, 31)) == 60
    assert expected_amount("sliding", "year", Decimal("100"), *march) == Decimal("8.33")
    assert expected_amount("flat", "year", Decimal("100"), D(2025, 1, 1), D(2025, 12, 31)) == 100
    assert expected_amount("lifetime", "year", Decimal("500"), *march) == 0
    # Not whole months: nothing to compare with.
    assert expected_amount("flat", "month", Decimal("20"), D(2025, 3, 2), D(2025, 3, 31)) is None


@pytest.mark.parametrize("text", ["-1", "1.001", "NaN", "Infinity", "1,000", ""])
def test_an_amount_is_a_plain_non_negative_decimal_to_the_cent(text):
    with pytest.raises(ValueError):
        parse_amount(text)
