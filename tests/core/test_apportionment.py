"""Apportionment: the examples of issue 4 and hand-checked published examples per method."""

import csv
import json
from fractions import Fraction
from pathlib import Path

import pytest

from rankfile.core.apportionment import (
    ABOVE_UPPER_QUOTA,
    ALABAMA_PARADOX,
    BELOW_LOWER_QUOTA,
    Apportionment,
    ApportionmentError,
    RatioFormula,
    TieBreak,
    TieError,
    apportion,
    apportion_by_formula,
)

DATA = Path(__file__).parent / "data"
SHARES_3_7_90 = [("A", 3), ("B", 7), ("C", 90)]


def seats(result):
    return [unit.seats for unit in result.units]


# --- the examples -------------------------------------------------------------------


def test_it_names_the_tie_hamilton_cannot_settle_on_3_7_90_with_50_seats():
    with pytest.raises(TieError, match="tie between A, B for 1 seat") as caught:
        apportion(SHARES_3_7_90, 50, "hamilton")
    assert caught.value.tie.units == ("A", "B")
    assert caught.value.tie.seats == 1


def test_it_settles_a_tie_by_the_stated_rule_and_says_so():
    result = apportion(SHARES_3_7_90, 50, "hamilton", tie_break=TieBreak.input_order())
    assert seats(result) == [2, 3, 45]
    (tie,) = result.ties
    assert tie.units == ("A", "B") and tie.winners == ("A",)
    assert "input order" in tie.message


def test_a_draw_by_lot_is_recorded_with_its_seed_and_can_be_redone():
    first = apportion(SHARES_3_7_90, 50, "hamilton", tie_break=TieBreak.lot(2026))
    again = apportion(SHARES_3_7_90, 50, "hamilton", tie_break=TieBreak.lot(2026))
    assert seats(first) == seats(again)
    assert first.ties[0].seed == 2026
    assert first.to_dict()["ties"][0]["seed"] == 2026
    winners = {
        apportion(SHARES_3_7_90, 50, "hamilton", tie_break=TieBreak.lot(seed)).ties[0].winners
        for seed in range(20)
    }
    assert winners == {("A",), ("B",)}  # the seed decides, not the order of the input


def test_a_named_rule_can_prefer_the_larger_unit():
    # Adams gives every unit with members a first seat before any second: with 2 seats for
    # 3 units all three are tied, and the rule "larger count" picks the two largest.
    units = [("small", 5), ("large", 9), ("middle", 7)]
    result = apportion(units, 2, "adams", tie_break=TieBreak.larger_count())
    assert seats(result) == [0, 1, 1]
    assert result.ties[0].units == ("small", "large", "middle")
    assert result.ties[0].winners == ("large", "middle")


def test_it_shows_the_alabama_paradox_on_3_7_90():
    assert seats(apportion(SHARES_3_7_90, 49, "hamilton")) == [2, 3, 44]
    assert seats(apportion(SHARES_3_7_90, 51, "hamilton")) == [1, 4, 46]


def test_it_warns_when_one_more_seat_would_take_a_seat_from_a_unit():
    result = apportion(SHARES_3_7_90, 50, "hamilton", tie_break=TieBreak.input_order())
    (warning,) = result.warnings
    assert warning.kind == ALABAMA_PARADOX and warning.unit == "A"
    assert "would have 1 instead of 2 seats if there were 51" in warning.message


def test_it_warns_when_the_loss_depends_on_a_tie_at_one_more_seat():
    (warning,) = apportion(SHARES_3_7_90, 49, "hamilton").warnings
    assert warning.unit == "A" and "depending on a tie" in warning.message


def test_one_per_75_rounded_at_least_1():
    formula = RatioFormula(per=75, rounding="nearest", at_least=1)
    result = apportion_by_formula([("a", 270), ("b", 400), ("c", 74), ("d", 1)], formula)
    assert seats(result) == [4, 5, 1, 1]
    assert result.seats == 11


def test_one_for_the_first_749_then_one_per_further_250_or_part_thereof_at_most_6():
    formula = RatioFormula(first=749, per=250, rounding="up", at_most=6)
    counts = [("a", 749), ("b", 750), ("c", 999), ("d", 1000), ("e", 100_000), ("f", 1)]
    assert seats(apportion_by_formula(counts, formula)) == [1, 2, 2, 3, 6, 1]


def test_one_per_started_n_is_the_ceiling():
    formula = RatioFormula(per=50, rounding="up")
    result = apportion_by_formula([("a", 0), ("b", 1), ("c", 50), ("d", 51)], formula)
    assert seats(result) == [0, 1, 1, 2]


def test_a_formula_names_a_count_exactly_half_way():
    result = apportion_by_formula([("a", 150), ("b", 160)], RatioFormula(per=100))
    assert seats(result) == [2, 2]
    (tie,) = result.ties
    assert tie.kind == "rounding" and tie.units == ("a",)
    assert "halves up" in tie.message


def test_rounding_down_counts_only_full_groups():
    result = apportion_by_formula([("a", 199), ("b", 200)], RatioFormula(per=100, rounding="down"))
    assert seats(result) == [1, 2]


def test_base_seats_come_first_and_the_rest_by_the_method():
    # 2 each first, then the other 10 by Hamilton in proportion 1:4.
    result = apportion([("a", 100), ("b", 400)], 14, "hamilton", base=2)
    assert seats(result) == [4, 10]
    assert [unit.quota for unit in result.units] == [4, 10]


# --- hand-checked published examples ---------------------------------------------------------
# Republic of Awoi, Bananarama, Southern/Western Iowa University and Waterloo General Hospital
# are the worked exercises (with solutions) of M. Birgen, "Math of Democracy",
# section-Apportionment.tex (github.com/mbirgen/MathofDemocracy); Bananarama's populations are
# in millions (8.1 = 8100 here).

AWOI = [("NW", 69_000), ("SW", 267_000), ("SE", 133_000), ("NE", 331_000)]
BANANARAMA = [("A", 8100), ("B", 5940), ("C", 4730), ("D", 2920), ("E", 2110)]
SIU = [("A", 3292), ("B", 1524), ("E", 4162), ("H", 2132), ("S", 13890)]
WIU = [("A", 2100), ("B", 952), ("E", 2601), ("H", 1458), ("S", 18681)]
NURSES = [("A", 871), ("B", 1029), ("C", 610), ("D", 190)]


@pytest.mark.parametrize(
    ("units", "house", "method", "expected"),
    [
        (AWOI, 160, "hamilton", [14, 53, 27, 66]),
        (BANANARAMA, 119, "hamilton", [40, 30, 24, 15, 10]),
        (SIU, 250, "hamilton", [33, 15, 42, 21, 139]),
        (NURSES, 175, "hamilton", [56, 67, 40, 12]),
        (AWOI, 160, "jefferson", [13, 54, 26, 67]),
        (BANANARAMA, 119, "jefferson", [41, 30, 24, 14, 10]),
        (NURSES, 175, "jefferson", [57, 67, 39, 12]),
        (SIU, 250, "jefferson", [33, 15, 41, 21, 140]),
        (AWOI, 160, "adams", [14, 53, 27, 66]),
        (BANANARAMA, 119, "adams", [40, 29, 24, 15, 11]),
        (NURSES, 175, "adams", [56, 66, 40, 13]),
        (SIU, 250, "adams", [33, 16, 42, 22, 137]),
        (AWOI, 160, "webster", [14, 53, 27, 66]),
        (BANANARAMA, 119, "webster", [40, 30, 24, 15, 10]),
        (NURSES, 175, "webster", [56, 67, 40, 12]),
        (WIU, 200, "webster", [16, 7, 20, 11, 146]),
    ],
)
def test_it_matches_the_textbook_solutions(units, house, method, expected):
    assert seats(apportion(units, house, method)) == expected


def test_it_matches_the_textbook_alabama_paradox_of_amabala():
    # Math of Democracy, "Paradoxes": 200 seats give Eno 10, 201 give it 9.
    amabala = [("Eno", 940), ("Owt", 9030), ("Eerht", 10_030)]
    at_200 = apportion(amabala, 200, "hamilton")
    assert seats(at_200) == [10, 90, 100]
    assert seats(apportion(amabala, 201, "hamilton")) == [9, 91, 101]
    assert [(w.kind, w.unit) for w in at_200.warnings] == [(ALABAMA_PARADOX, "Eno")]


def test_jefferson_names_the_unit_above_its_upper_quota():
    # The textbook asks "which state violates the upper quota": S, 140 seats for quota 138.9.
    result = apportion(SIU, 250, "jefferson")
    assert [(w.kind, w.unit) for w in result.warnings] == [(ABOVE_UPPER_QUOTA, "S")]


def test_adams_names_the_unit_below_its_lower_quota():
    result = apportion(SIU, 250, "adams")
    assert [(w.kind, w.unit) for w in result.warnings] == [(BELOW_LOWER_QUOTA, "S")]


def test_webster_names_the_unit_above_its_upper_quota():
    result = apportion(WIU, 200, "webster")
    assert [(w.kind, w.unit) for w in result.warnings] == [(ABOVE_UPPER_QUOTA, "S")]


@pytest.mark.parametrize(
    ("method", "expected"),
    [("hamilton", [5, 4, 1]), ("dhondt", [6, 4, 0]), ("sainte-lague", [5, 4, 1])],
)
def test_it_matches_the_party_list_examples(method, expected):
    # staatsrecht.honikel.de, "Berechnungsbeispiele – Lösungen": 10 seats, votes 6100/5000/900.
    assert seats(apportion([("A", 6100), ("B", 5000), ("C", 900)], 10, method)) == expected


def test_huntington_hill_reproduces_the_2010_house_of_representatives():
    # Seats: the U.S. Census Bureau's 2010 apportionment (435 seats, at least 1 per state).
    # Populations: the 2010 apportionment populations as transcribed in
    # github.com/flynnwastaken/seat-allocator (seat-allocator-2010-nodcpr.rb).
    with open(DATA / "us_house_2010.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    states = [(row["state"], int(row["apportionment_population"])) for row in rows]
    published = [int(row["seats"]) for row in rows]
    assert seats(apportion(states, 435, "huntington-hill", minimum=1)) == published
    assert seats(apportion(states, 435, "huntington-hill")) == published
    assert seats(apportion(states, 435, "webster")) != published  # the methods do differ


# --- bounds ----------------------------------------------------------------------------------


def test_a_minimum_is_honoured_and_the_rest_shared_in_proportion():
    result = apportion([("big", 9000), ("mid", 900), ("tiny", 10)], 20, "hamilton", minimum=2)
    assert seats(result) == [16, 2, 2]
    # tiny is held at 2; the others share 18 in proportion to 9000:900 and mid is lifted too.
    assert result.units[2].quota == 2


def test_a_maximum_is_honoured():
    result = apportion([("big", 9000), ("mid", 900), ("small", 100)], 20, "webster", maximum=12)
    assert seats(result) == [12, 7, 1]
    assert result.units[0].quota == 12


def test_the_quota_is_exact():
    result = apportion(SHARES_3_7_90, 49, "webster")
    assert [unit.quota for unit in result.units] == [
        Fraction(147, 100),
        Fraction(343, 100),
        Fraction(441, 10),
    ]


# --- the result is publishable ---------------------------------------------------------------


def test_the_result_serializes_to_json_with_exact_quotas():
    result = apportion(SHARES_3_7_90, 50, "hamilton", minimum=1, tie_break=TieBreak.lot(7))
    data = json.loads(json.dumps(result.to_dict()))
    assert data["method"] == "hamilton"
    assert data["parameters"]["minimum"] == 1 and data["parameters"]["seed"] == 7
    assert data["units"][0] == {
        "name": "A",
        "count": 3,
        "quota": "3/2",
        "quota_decimal": "1.5000",
        "seats": data["units"][0]["seats"],
    }
    assert sum(unit["seats"] for unit in data["units"]) == data["seats"] == 50
    assert data["ties"][0]["units"] == ["A", "B"]
    assert "lot (seed 7)" in data["description"]


def test_a_stored_result_reads_back_unchanged():
    result = apportion(SHARES_3_7_90, 50, "hamilton", tie_break=TieBreak.lot(7))
    stored = json.loads(json.dumps(result.to_dict()))
    assert Apportionment.from_dict(stored) == result


# --- refusals --------------------------------------------------------------------------------


def test_it_refuses_an_unknown_method_listing_the_known_ones():
    with pytest.raises(ApportionmentError, match="known methods: hamilton, jefferson, dhondt"):
        apportion(SHARES_3_7_90, 10, "borda")


def test_it_refuses_more_minimum_seats_than_seats():
    with pytest.raises(ApportionmentError, match="needs 6 seats, more than the 5"):
        apportion(SHARES_3_7_90, 5, "adams", minimum=2)


def test_it_refuses_a_maximum_that_leaves_seats_over():
    with pytest.raises(ApportionmentError, match="room for only 6 seats"):
        apportion(SHARES_3_7_90, 7, "webster", maximum=2)


def test_it_refuses_duplicate_names_and_negative_counts():
    with pytest.raises(ApportionmentError, match="listed twice"):
        apportion([("A", 1), ("A", 2)], 2, "hamilton")
    with pytest.raises(ApportionmentError, match="negative"):
        apportion([("A", 1), ("B", -2)], 2, "hamilton")


def test_it_refuses_more_base_seats_than_seats():
    with pytest.raises(ApportionmentError, match="2 base seats for each of 3 units need 6"):
        apportion(SHARES_3_7_90, 5, "webster", base=2)


def test_units_without_members_get_only_the_minimum():
    result = apportion([("a", 0), ("b", 10), ("c", 30)], 8, "adams", minimum=1)
    assert seats(result) == [1, 2, 5]
