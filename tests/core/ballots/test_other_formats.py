"""Cast-vote records, wide CSV and PrefLib files, and detecting the format."""

from pathlib import Path

import pytest

from rankfile.core.ballots import BallotFileError
from rankfile.core.ballots.cvr import read_cvr, read_wide_csv
from rankfile.core.ballots.files import detect_format, read_ballot_file
from rankfile.core.ballots.preflib import parse_preflib

DATA = Path(__file__).parent.parent / "counting" / "data"


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_it_reads_the_burlington_cast_vote_records():
    ballots = read_cvr(DATA / "us_vt_btv_2009_03_mayor.normalized.csv")
    assert ballots.total == 8_980
    assert "Write-in" in ballots.candidates
    assert len(ballots.rankings) < 1_000  # weighted unique rankings


def test_it_passes_over_undervotes_and_keeps_overvotes_in_a_cast_vote_record(tmp_path):
    path = write(
        tmp_path,
        "cvr.csv",
        "ballot_id,rank,choice\n1,1,$UNDERVOTE\n1,2,Ann\n1,3,$OVERVOTE\n1,4,Bo\n"
        "2,2,Bo\n2,1,Ann\n3,1,Ann\n3,1,Bo\n",
    )
    ballots = read_cvr(path)
    assert ballots.candidates == ["Ann", "Bo"]
    assert ballots.rankings == {((0,), (), (1,)): 1, ((0,), (1,)): 1, ((0, 1),): 1}


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("id,rank,choice\n", 1, "ballot_id,rank,choice"),
        ("ballot_id,rank,choice\n1,x,Ann\n", 2, "not a whole number"),
        ("ballot_id,rank,choice\n1,1,Ann\n1,0,Bo\n", 3, "1 or more"),
        ("ballot_id,rank,choice\n1,1\n", 2, "expected 3 fields"),
    ],
)
def test_it_names_the_line_of_a_malformed_cast_vote_record(tmp_path, text, line, fragment):
    with pytest.raises(BallotFileError) as caught:
        read_cvr(write(tmp_path, "bad.csv", text))
    assert caught.value.line == line and fragment in str(caught.value)


def test_it_reads_a_wide_csv_with_one_column_per_rank(tmp_path):
    path = write(
        tmp_path,
        "wide.csv",
        "ballot_id,rank1,rank2,rank3,count\na,Ann,Bo,,2\nb,Bo,$OVERVOTE,Ann,1\nc,,Cy,Ann,1\n",
    )
    ballots = read_wide_csv(path)
    assert ballots.candidates == ["Ann", "Bo", "Cy"]
    assert ballots.rankings == {((0,), (1,)): 2, ((1,), (), (0,)): 1, ((2,), (0,)): 1}
    with pytest.raises(BallotFileError, match="line 2: the weight"):
        read_wide_csv(write(tmp_path, "w.csv", "rank1,weight\nAnn,x\n"))


PREFLIB_NEW = """# FILE NAME: 00001-00000001.toc
# TITLE: A small election
# DATA TYPE: toc
# NUMBER ALTERNATIVES: 3
# ALTERNATIVE NAME 1: Ann
# ALTERNATIVE NAME 2: Bo
# ALTERNATIVE NAME 3: Cy
5: 1,2,3
2: 3,{1,2}
"""

PREFLIB_OLD = """3
1,Ann
2,Bo
3,Cy
7,7,2
5,1,2
2,3,{1,2}
"""


@pytest.mark.parametrize("text", [PREFLIB_NEW, PREFLIB_OLD])
def test_it_reads_preflib_files_old_and_new(text):
    ballots = parse_preflib(text)
    assert ballots.candidates == ["Ann", "Bo", "Cy"]
    assert ballots.seats is None
    assert ballots.rankings[((2,), (0, 1))] == 2
    assert ballots.total == 7


def test_it_names_the_line_of_a_bad_preflib_order():
    with pytest.raises(BallotFileError, match="line 8: alternative 4 does not exist"):
        parse_preflib(PREFLIB_NEW.replace("5: 1,2,3", "5: 1,2,4"))


def test_it_detects_the_format_from_the_name_and_the_header(tmp_path):
    assert detect_format(DATA / "us_vt_btv_2009_03_mayor.normalized.csv") == "cvr"
    assert detect_format(DATA / "scot-elex-edinburgh_2017_ward12-leith-walk.blt") == "blt"
    assert detect_format(write(tmp_path, "x.txt", "3 1\n1 1 0\n0\nA\nB\nC\n")) == "blt"
    assert detect_format(write(tmp_path, "x.soi", PREFLIB_NEW)) == "soi"
    assert read_ballot_file(write(tmp_path, "y.toc", PREFLIB_NEW)).total == 7
    with pytest.raises(BallotFileError, match="cannot tell the format"):
        detect_format(write(tmp_path, "x.dat", "hello\n"))
