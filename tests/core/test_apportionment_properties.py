"""Apportionment properties, checked on generated inputs against slow textbook definitions."""

from fractions import Fraction

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from rankfile.core.apportionment import TieBreak, TieError, apportion
from rankfile.core.apportionment.result import ApportionmentError

DIVISOR_METHODS = ["jefferson", "webster", "adams", "huntington-hill"]
ALL_METHODS = ["hamilton", *DIVISOR_METHODS]
FIRST_LISTED = TieBreak.input_order()

# Small counts as well as large ones, so that ties come up often.
counts_lists = st.lists(
    st.integers(min_value=0, max_value=12) | st.integers(min_value=0, max_value=2000),
    min_size=1,
    max_size=12,
).filter(any)


def units_of(counts):
    return [(f"u{index}", count) for index, count in enumerate(counts)]


def seats_of(result):
    return [unit.seats for unit in result.units]


def slow_divisor_method(method, counts, house, minimum=0, maximum=None):
    """Seats one at a time to the highest priority (exact); equal priorities: first listed."""

    def priority(count, held):
        if count == 0:
            return Fraction(0)
        divisor = {
            "jefferson": Fraction(held + 1),
            "webster": Fraction(2 * held + 1, 2),
            "adams": Fraction(held),
            # Squared priorities compare like the priorities themselves.
            "huntington-hill": Fraction(held * (held + 1)),
        }[method]
        top = count * count if method == "huntington-hill" else count
        return Fraction(10**30) if divisor == 0 else top / divisor

    held = [minimum] * len(counts)
    for _ in range(house - minimum * len(counts)):
        candidates = [
            index
            for index, count in enumerate(counts)
            if count and (maximum is None or held[index] < maximum)
        ]
        best = max(candidates, key=lambda index: (priority(counts[index], held[index]), -index))
        held[best] += 1
    return held


@settings(max_examples=150, deadline=None)
@given(
    counts=counts_lists,
    house=st.integers(min_value=0, max_value=120),
    method=st.sampled_from(ALL_METHODS),
    minimum=st.integers(min_value=0, max_value=2),
    extra=st.none() | st.integers(min_value=0, max_value=30),
)
def test_the_seats_add_up_and_stay_within_the_bounds(counts, house, method, minimum, extra):
    maximum = None if extra is None else minimum + extra
    try:
        result = apportion(
            units_of(counts),
            house,
            method,
            minimum=minimum,
            maximum=maximum,
            tie_break=FIRST_LISTED,
        )
    except ApportionmentError:
        with_members = sum(1 for count in counts if count)
        room = (
            None
            if maximum is None
            else with_members * maximum + (len(counts) - with_members) * minimum
        )
        assert house < minimum * len(counts) or (room is not None and house > room)
        return
    assert sum(seats_of(result)) == result.seats == house
    assert all(held >= minimum for held in seats_of(result))
    assert maximum is None or all(held <= maximum for held in seats_of(result))
    assert sum(unit.quota for unit in result.units) == house


@settings(max_examples=150, deadline=None)
@given(
    counts=counts_lists,
    house=st.integers(min_value=0, max_value=80),
    minimum=st.integers(min_value=0, max_value=2),
    extra=st.none() | st.integers(min_value=0, max_value=20),
)
def test_divisor_methods_give_what_seat_by_seat_allocation_gives(counts, house, minimum, extra):
    maximum = None if extra is None else minimum + extra
    for method in DIVISOR_METHODS:
        try:
            result = apportion(
                units_of(counts),
                house,
                method,
                minimum=minimum,
                maximum=maximum,
                tie_break=FIRST_LISTED,
            )
        except ApportionmentError:
            return
        expected = slow_divisor_method(method, counts, house, minimum, maximum)
        assert seats_of(result) == expected, method


@settings(max_examples=100, deadline=None)
@given(
    counts=counts_lists,
    house=st.integers(min_value=0, max_value=60),
    minimum=st.integers(min_value=0, max_value=2),
    extra=st.none() | st.integers(min_value=0, max_value=20),
)
def test_divisor_methods_are_house_monotone(counts, house, minimum, extra):
    maximum = None if extra is None else minimum + extra
    units = units_of(counts)
    for method in DIVISOR_METHODS:
        try:
            smaller = apportion(
                units, house, method, minimum=minimum, maximum=maximum, tie_break=FIRST_LISTED
            )
            larger = apportion(
                units, house + 1, method, minimum=minimum, maximum=maximum, tie_break=FIRST_LISTED
            )
        except ApportionmentError:
            return
        assert all(
            after >= before
            for before, after in zip(seats_of(smaller), seats_of(larger), strict=True)
        ), method


@settings(max_examples=150, deadline=None)
@given(
    counts=counts_lists,
    house=st.integers(min_value=0, max_value=150),
    minimum=st.integers(min_value=0, max_value=2),
    extra=st.none() | st.integers(min_value=0, max_value=30),
)
def test_hamilton_stays_within_quota(counts, house, minimum, extra):
    maximum = None if extra is None else minimum + extra
    try:
        result = apportion(
            units_of(counts),
            house,
            "hamilton",
            minimum=minimum,
            maximum=maximum,
            tie_break=FIRST_LISTED,
        )
    except ApportionmentError:
        return
    for unit in result.units:
        assert unit.lower_quota <= unit.seats <= unit.upper_quota
    if minimum == 0 and maximum is None:
        total = sum(counts)
        assert [unit.quota for unit in result.units] == [Fraction(c * house, total) for c in counts]


@settings(max_examples=150, deadline=None)
@given(
    counts=counts_lists,
    house=st.integers(min_value=0, max_value=60),
    method=st.sampled_from(ALL_METHODS),
    minimum=st.integers(min_value=0, max_value=1),
)
def test_no_tie_is_settled_silently(counts, house, method, minimum):
    """Whenever no tie is reported, the order of the units cannot change anyone's seats."""
    units = units_of(counts)
    assume(house >= minimum * len(units))
    try:
        plain = apportion(units, house, method, minimum=minimum)
    except TieError as error:
        assert len(error.tie.units) > error.tie.seats > 0
        return
    reversed_order = apportion(list(reversed(units)), house, method, minimum=minimum)
    assert plain.seats_by_name() == reversed_order.seats_by_name()
    assert not plain.ties
