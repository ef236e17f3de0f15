"""Properties every count must have, checked on many generated elections (hypothesis)."""

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from rankfile.core.ballots import BallotSet
from rankfile.core.ballots.blt import parse_blt, write_blt
from rankfile.core.counting.gregory import count_scottish_stv, count_wigm
from rankfile.core.counting.irv import count_irv
from rankfile.core.counting.meek import count_meek
from rankfile.core.counting.methods import count

STV = [count_scottish_stv, count_wigm, count_meek]


@st.composite
def elections(draw, min_candidates=2, max_candidates=6):
    n = draw(st.integers(min_candidates, max_candidates))
    ranking = st.permutations(range(n)).flatmap(
        lambda order: st.integers(1, len(order)).map(lambda k: tuple(order[:k]))
    )
    lines = draw(st.lists(st.tuples(ranking, st.integers(1, 9)), min_size=1, max_size=25))
    seats = draw(st.integers(1, n - 1))
    return n, lines, seats


def ballot_set(n, lines, seats):
    ballots = BallotSet([f"C{c}" for c in range(n)], seats=seats, title="Generated")
    for order, weight in lines:
        ballots.add_order(order, weight)
    return ballots


def outline(result):
    return (
        result.elected,
        [(r.tallies, r.exhausted, r.loss, r.decisions) for r in result.rounds],
    )


@settings(max_examples=60, deadline=None)
@given(elections(), st.randoms(use_true_random=False))
def test_it_gives_the_same_result_whatever_the_order_of_the_ballots(election, rng):
    n, lines, seats = election
    shuffled = list(lines)
    rng.shuffle(shuffled)
    for method in ("scottish-stv", "wigm", "meek", "irv", "schulze", "approval"):
        first = count(ballot_set(n, lines, seats), method, seed=3)
        second = count(ballot_set(n, shuffled, seats), method, seed=3)
        assert outline(first) == outline(second), method


@settings(max_examples=60, deadline=None)
@given(elections())
def test_it_elects_a_candidate_with_a_quota_of_first_preferences(election):
    n, lines, seats = election
    ballots = ballot_set(n, lines, seats)
    firsts = [0] * n
    for order, weight in lines:
        firsts[order[0]] += weight
    for method in STV:
        result = method(ballots, seed=1)
        quota = result.rounds[0].quota or result.quota
        for c in range(n):
            if firsts[c] >= quota:
                assert c in result.elected, (method.__name__, c)


@settings(max_examples=60, deadline=None)
@given(elections())
def test_it_conserves_the_votes_up_to_the_truncation_the_rule_prescribes(election):
    n, lines, seats = election
    ballots = ballot_set(n, lines, seats)
    total = ballots.total
    for method in STV:
        result = method(ballots, seed=1)
        for r in result.rounds:
            assert sum(r.tallies.values()) + r.exhausted + r.loss == total
            assert r.loss >= 0
    scottish = count_scottish_stv(ballots, seed=1)
    surpluses = sum(1 for r in scottish.rounds if r.action == "surplus")
    # Each surplus transfer truncates each paper by less than 0.00001.
    assert scottish.rounds[-1].loss <= Fraction(total * surpluses, 100_000)
    assert all(r.loss == 0 for r in count_wigm(ballots, seed=1).rounds)
    for r in count_irv(ballots, seed=1).rounds:
        assert sum(r.tallies.values()) + r.exhausted == total


@settings(max_examples=60, deadline=None)
@given(elections())
def test_it_never_elects_more_candidates_than_seats(election):
    n, lines, seats = election
    ballots = ballot_set(n, lines, seats)
    for method in ("scottish-stv", "wigm", "meek", "block-plurality", "approval"):
        result = count(ballots, method, seats, seed=5)
        assert len(result.elected) == seats
        assert len(set(result.elected)) == len(result.elected)
    for method in ("irv", "schulze", "plurality"):
        assert len(count(ballots, method, 1, seed=5).elected) == 1


names = st.text(
    st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=12
).filter(lambda s: s.strip() == s)


@settings(max_examples=80, deadline=None)
@given(elections(), st.data())
def test_it_reads_back_every_file_its_blt_writer_writes(election, data):
    n, lines, seats = election
    ballots = ballot_set(n, lines, seats)
    ballots.candidates = data.draw(st.lists(names, min_size=n, max_size=n, unique=True))
    ballots.title = data.draw(names)
    if data.draw(st.booleans()):
        ballots.add(((0, 1),), 2)  # an equal ranking
    assert parse_blt(write_blt(ballots)) == ballots
