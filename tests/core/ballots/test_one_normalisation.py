"""Every reader normalises a repeated candidate the same way and refuses impossible numbers."""

import pytest

from rankfile.core.ballots import BallotFileError
from rankfile.core.ballots.blt import parse_blt
from rankfile.core.ballots.cvr import read_cvr, read_wide_csv
from rankfile.core.ballots.preflib import parse_preflib
from rankfile.core.counting.meek import count_meek
from rankfile.core.counting.schulze import count_schulze

REPEATED_CSV = "rank1,rank2,rank3\nA,B,A\nA,B,A\nA,B,A\nB,A,\nB,A,\n"
WITHOUT_REPEAT_CSV = "rank1,rank2,rank3\nA,B,\nA,B,\nA,B,\nB,A,\nB,A,\n"
PREFLIB = "# ALTERNATIVE NAME 1: A\n# ALTERNATIVE NAME 2: B\n# ALTERNATIVE NAME 3: C\n"


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_it_counts_a_candidate_repeated_on_a_csv_ballot_at_their_first_place_only(tmp_path):
    ballots = read_wide_csv(write(tmp_path, "r.csv", REPEATED_CSV))
    assert ballots.rankings == {((0,), (1,)): 3, ((1,), (0,)): 2}
    result = count_schulze(ballots)
    assert [result.name(c) for c in result.elected] == ["A"]


def test_it_gives_meek_the_same_quota_and_tallies_with_or_without_the_repeat(tmp_path):
    repeated = read_wide_csv(write(tmp_path, "r.csv", REPEATED_CSV))
    plain = read_wide_csv(write(tmp_path, "p.csv", WITHOUT_REPEAT_CSV))
    a, b = count_meek(repeated, seats=1), count_meek(plain, seats=1)
    assert [(r.quota, r.tallies) for r in a.rounds] == [(r.quota, r.tallies) for r in b.rounds]


def test_it_normalises_a_repeat_alike_in_every_reader(tmp_path):
    expected = {((0,), (1,), (2,)): 2}
    blt = parse_blt("3 1\n2 1 2 1 3 0\n0\nA\nB\nC\nT\n")
    preflib = parse_preflib(PREFLIB + "2: 1,2,1,3\n")
    wide = read_wide_csv(write(tmp_path, "w.csv", "rank1,rank2,rank3,rank4\n" + "A,B,A,C\n" * 2))
    cvr_rows = [f"{b},{r},{c}" for b in (1, 2) for r, c in enumerate("ABAC", start=1)]
    cvr = read_cvr(write(tmp_path, "c.csv", "ballot_id,rank,choice\n" + "\n".join(cvr_rows)))
    for ballots in (blt, preflib, wide, cvr):
        assert ballots.rankings == expected


def test_it_drops_a_repeat_inside_equal_rankings_and_keeps_the_rest_of_the_level():
    ballots = parse_preflib(PREFLIB + "1: 1,{1,2},3\n")
    assert ballots.rankings == {((0,), (1,), (2,)): 1}
    ballots = parse_preflib(PREFLIB + "1: {1,2},{2,3}\n")
    assert ballots.rankings == {((0, 1), (2,)): 1}


@pytest.mark.parametrize(
    ("order", "fragment"),
    [
        ("-4: 1,2", "line 4: the count -4 is negative"),
        ("1_0: 1,2", "line 4: the count '1_0' is not a whole number"),
        ("4: {1,2,3", "line 4: the brace in '{1,2,3' is never closed"),
        ("4: 1,2_0", "line 4: cannot read the order"),
        ("4: 1,,2", "line 4: cannot read the order"),
        ("4: 1,2,", "line 4: the order '1,2,' ends with a comma"),
    ],
)
def test_it_refuses_impossible_preflib_lines_naming_the_line(order, fragment):
    with pytest.raises(BallotFileError) as caught:
        parse_preflib(PREFLIB + order + "\n")
    assert str(caught.value).startswith(fragment)


@pytest.mark.parametrize(
    ("weight", "fragment"),
    [("-1", "the weight -1 is negative"), ("1_0", "the weight '1_0' is not a whole number")],
)
def test_it_refuses_a_negative_or_underscored_csv_weight(tmp_path, weight, fragment):
    path = write(tmp_path, "w.csv", f"rank1,weight\nA,2\nB,{weight}\n")
    with pytest.raises(BallotFileError, match=f"^line 3: {fragment}"):
        read_wide_csv(path)


@pytest.mark.parametrize("method", ["scottish-stv", "wigm", "meek", "irv", "schulze"])
def test_it_counts_a_blt_with_repeats_as_the_same_blt_without_them(method):
    from rankfile.core.counting.methods import count

    names = "0\nA\nB\nC\nD\nT\n"
    repeated = parse_blt("4 2\n1 1 2 1 3 0\n1 2 2 0\n1 3 1 3 0\n1 4 4 1 0\n1 1 3 2 1 0\n" + names)
    plain = parse_blt("4 2\n1 1 2 3 0\n1 2 0\n1 3 1 0\n1 4 1 0\n1 1 3 2 0\n" + names)
    a, b = count(repeated, method, seed=1), count(plain, method, seed=1)
    assert a.elected == b.elected
    assert [r.tallies for r in a.rounds] == [r.tallies for r in b.rounds]
