"""Reading and writing BLT files, including the variants real files use."""

from pathlib import Path

import pytest

from rankfile.core.ballots import BallotFileError, BallotSet
from rankfile.core.ballots.blt import parse_blt, read_blt, write_blt

DATA = Path(__file__).parent.parent / "counting" / "data"
LEITH = DATA / "scot-elex-edinburgh_2017_ward12-leith-walk.blt"


def test_it_reads_the_leith_walk_file_as_weighted_unique_rankings():
    ballots = read_blt(LEITH)
    assert ballots.total == 10_649
    assert len(ballots.rankings) == 3_671
    assert ballots.seats == 4
    assert ballots.candidates[0] == "Marion DONALDSON (Lab)"
    assert ballots.candidates[-1] == "Vita ZAPOROZCENKO (LD)"
    assert ballots.title == "Ward 12 - Leith Walk"


def test_it_reads_quoted_names_with_doubled_quotes_and_a_quoted_title():
    ballots = parse_blt(
        '2 1\n3 1 2 0\n1 2 0\n0\n"Jo ""JJ"" Smith"\n"Ann Lee"\n"The ""big"" vote"\n'
    )
    assert ballots.candidates == ['Jo "JJ" Smith', "Ann Lee"]
    assert ballots.title == 'The "big" vote'
    assert ballots.rankings == {((0,), (1,)): 3, ((1,),): 1}


def test_it_reads_several_quoted_names_on_one_line_without_a_final_newline():
    ballots = parse_blt('3 2\n1 3 1 0\n0\n"A" "B" "C" "Title"')
    assert ballots.candidates == ["A", "B", "C"]
    assert ballots.title == "Title"


def test_it_merges_identical_ballot_lines_into_one_weighted_ranking():
    ballots = parse_blt("2 1\n1 1 2 0\n1  1 2 0\n2 1 2 0\n1 2 0\n0\nA\nB\nT\n")
    assert ballots.rankings == {((0,), (1,)): 4, ((1,),): 1}


def test_it_skips_comments_and_blank_lines():
    text = (
        '# an election\n2 1 # two candidates\n\n1 1 2 0 # first ballot\n0\n# names\n"A #1"\nB\nT\n'
    )
    ballots = parse_blt(text)
    assert ballots.candidates == ["A #1", "B"]
    assert ballots.total == 1


def test_it_reads_withdrawn_candidates_as_negative_numbers():
    ballots = parse_blt("3 1\n-2\n1 2 1 3 0\n0\nA\nB\nC\nT\n")
    assert ballots.withdrawn == frozenset({1})
    assert ballots.strict_rankings() == {(0, 2): 1}


def test_it_keeps_equal_rankings_for_the_rule_to_judge():
    ballots = parse_blt("3 1\n1 1=2 3 0\n0\nA\nB\nC\nT\n")
    assert ballots.rankings == {((0, 1), (2,)): 1}
    assert ballots.strict_rankings(equal="exhaust") == {(): 1}


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("2\n", 1, "candidates seats"),
        ("2 x\n", 1, "not a whole number"),
        ("2 1\n1 1 2\n0\nA\nB\n", 2, "must end with 0"),
        ("2 1\n1 1 2 0\n1 3 0\n0\nA\nB\n", 3, "candidate 3 does not exist"),
        ("2 1\n1 1 0\n-4 1 2 0\n0\nA\nB\n", 3, "the weight -4 is negative"),
        ("2 1\n1 1 0\n1_0 1 2 0\n0\nA\nB\n", 3, "the weight '1_0' is not a whole number"),
        ("2 1\n+1 1 0\n0\nA\nB\n", 2, "the weight '+1' is not a whole number"),
        ("2 1\n1 1_0 0\n0\nA\nB\n", 2, "the preference '1_0' is not a candidate number"),
        ("2 1_0\n1 1 0\n0\nA\nB\n", 1, "the number of seats '1_0' is not a whole number"),
        ("2 1\n1 1 0 2 0\n0\nA\nB\n", 2, "0 inside"),
        ("2 1\nx 1 0\n0\nA\nB\n", 2, "weight"),
        ("2 1\n1 1 0\n", 2, "no line '0'"),
        ("2 1\n1 1 0\n0\nA\n", 4, "announces 2 candidates but 1"),
        ("2 1\n1 1 0\n0\nA\nB\nT\nextra\n", 7, "after the title"),
        ('2 1\n1 1 0\n0\n"A\nB\n', 4, "quoted name"),
        ("2 1\n1 1 0\n0\nA\nA\n", 5, "appears twice"),
    ],
)
def test_it_names_the_line_of_a_malformed_file(text, line, fragment):
    with pytest.raises(BallotFileError) as caught:
        parse_blt(text)
    assert caught.value.line == line
    assert fragment in str(caught.value)
    assert str(caught.value).startswith(f"line {line}:")


def test_it_writes_a_file_it_reads_back_unchanged():
    ballots = BallotSet(['Jo "JJ" Smith', "B", "C"], seats=2, title="A title")
    ballots.add(((0,), (2,)), 5)
    ballots.add(((1, 2),), 1)
    again = parse_blt(write_blt(ballots))
    assert again == ballots


def test_it_writes_the_leith_walk_file_back_to_the_same_ballots():
    ballots = read_blt(LEITH)
    assert parse_blt(write_blt(ballots)) == ballots


@pytest.mark.parametrize("end", [" 0 ", "0 # end of ballots", "0\t"])
def test_it_finds_the_end_of_the_ballots_written_differently(end):
    ballots = parse_blt(f'2 1\n1 1 2 0\n2 2 0\n{end}\n"A"\n"B"\n"T"\n')
    assert ballots.candidates == ["A", "B"]
    assert ballots.total == 3


def test_it_reads_windows_line_ends_and_a_byte_order_mark():
    data = "\ufeff2 1\r\n1 1 2 0\r\n0\r\nAnn\r\nBo\r\nTitle".encode()
    ballots = parse_blt(data)
    assert ballots.candidates == ["Ann", "Bo"]
    assert ballots.title == "Title"


def test_it_refuses_a_fractional_weight_naming_the_line():
    with pytest.raises(BallotFileError, match="line 3: the weight '1.5' is not a whole number"):
        parse_blt("2 1\n1 1 0\n1.5 2 0\n0\nA\nB\n")


def test_it_merges_lines_with_different_weights_for_the_same_ranking():
    ballots = parse_blt("2 1\n3 1 2 0\n4 1 2 0\n0\nA\nB\n")
    assert ballots.orders == {(0, 1): 7}


def test_it_counts_a_candidate_repeated_on_a_ballot_at_their_first_place_only():
    ballots = parse_blt("3 1\n3 1 2 1 0\n1 2 2 3 0\n0\nA\nB\nC\nT\n")
    assert ballots.orders == {(0, 1): 3, (1, 2): 1}


def test_it_says_the_end_marker_is_missing_rather_than_blaming_the_first_name():
    with pytest.raises(BallotFileError) as caught:
        parse_blt("2 1\n1 1 2 0\n2 2 0\nA\nB\nT\n")
    assert caught.value.line == 4
    assert "the end marker '0' is missing" in str(caught.value)
    assert "must end with 0" not in str(caught.value)


def test_it_names_a_bad_last_ballot_line_among_many_plain_ones():
    lines = "".join(f"1 {1 + i % 3} {1 + (i + 1) % 3} 0\n" for i in range(3000))
    with pytest.raises(BallotFileError) as caught:
        parse_blt(f"3 1\n{lines}1 2 x 0\n0\nA\nB\nC\nT\n")
    assert caught.value.line == 3002
    assert "the preference 'x' is not a candidate number" in str(caught.value)
