"""`rankfile count`: counting a ballot file from the command line."""

import json
import subprocess
import sys
from pathlib import Path

from rankfile.cli import main

DATA = Path(__file__).parent.parent / "core" / "counting" / "data"
LEITH = str(DATA / "scot-elex-edinburgh_2017_ward12-leith-walk.blt")
BURLINGTON = str(DATA / "us_vt_btv_2009_03_mayor.normalized.csv")


def test_it_prints_the_count_as_json(capsys):
    assert main(["count", LEITH, "--output", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["elected"][-1] == "Amy MCNEESE-MECHAN (SNP)"


def test_it_detects_a_cast_vote_record_and_counts_it_by_instant_runoff(capsys):
    assert main(["count", BURLINGTON]) == 0
    out = capsys.readouterr().out
    assert "Method: irv" in out
    assert "1. Bob Kiss" in out


def test_it_counts_with_the_method_and_seats_asked_for(capsys):
    assert main(["count", LEITH, "--method", "plurality", "--seats", "1", "--output", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["elected"] == ["Susan RAE (Grn)"]


def test_it_writes_an_svg_chart(capsys):
    assert main(["count", LEITH, "--output", "svg"]) == 0
    assert capsys.readouterr().out.startswith("<svg")


def test_it_names_the_line_of_a_malformed_file(tmp_path, capsys):
    path = tmp_path / "bad.blt"
    path.write_text("2 1\n1 1 3 0\n0\nA\nB\n")
    assert main(["count", str(path)]) == 1
    err = capsys.readouterr().err
    assert f"{path}: line 2: candidate 3 does not exist" in err


def test_it_asks_for_a_seed_when_a_tie_needs_a_lot(tmp_path, capsys):
    path = tmp_path / "tie.blt"
    path.write_text("3 1\n2 1 0\n2 2 0\n1 3 1 0\n1 3 2 0\n0\nA\nB\nC\nT\n")
    assert main(["count", str(path)]) == 1
    assert "give a seed (--seed N)" in capsys.readouterr().err
    assert main(["count", str(path), "--seed", "4", "--output", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["seed"] == 4 and "seed 4" in data["notes"][0]


def test_it_reports_a_missing_file(capsys):
    assert main(["count", "/nonexistent/file.blt"]) == 1
    assert "No such file" in capsys.readouterr().err


def test_it_counts_without_loading_django():
    code = (
        "import sys; from rankfile.cli import main; "
        f"main(['count', {LEITH!r}, '--output', 'json']); "
        "sys.exit(1 if 'django' in sys.modules else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, check=False)
    assert done.returncode == 0, done.stderr


def test_it_asks_for_the_seats_when_the_file_does_not_say(tmp_path, capsys):
    path = tmp_path / "e.soi"
    path.write_text("# ALTERNATIVE NAME 1: Ann\n# ALTERNATIVE NAME 2: Bo\n3: 1,2\n2: 2\n")
    assert main(["count", str(path)]) == 1
    assert "give it (--seats N)" in capsys.readouterr().err
    assert main(["count", str(path), "--seats", "1", "--output", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["elected"] == ["Ann"]


def test_it_offers_every_counting_method():
    from rankfile.cli import count as count_command
    from rankfile.core.counting.methods import METHODS

    assert count_command.METHODS == METHODS


def test_it_refuses_a_ballot_file_without_ballots_for_every_method(tmp_path, capsys):
    from rankfile.core.counting.methods import METHODS

    path = tmp_path / "empty.blt"
    path.write_text('3 2\n0\n"A" "B" "C" "T"\n')
    for method in METHODS:
        assert main(["count", str(path), "--method", method]) == 1
        assert "holds no ballots: there is nothing to count" in capsys.readouterr().err


def test_it_refuses_a_header_only_cast_vote_record_in_text_and_json(tmp_path, capsys):
    path = tmp_path / "cvr.csv"
    path.write_text("ballot_id,rank,choice\n")
    for output in ("text", "json"):
        assert main(["count", str(path), "--output", output]) == 1
        captured = capsys.readouterr()
        assert captured.out == ""
        assert "names no candidates: there is nothing to count" in captured.err


def test_it_checks_the_seats_alike_for_every_method(tmp_path, capsys):
    path = tmp_path / "e.blt"
    path.write_text('3 2\n4 1 2 0\n3 2 0\n2 3 0\n0\n"A" "B" "C" "T"\n')
    cases = [
        (["--method", "plurality", "--seats", "0"], "the number of seats must be at least 1"),
        (["--method", "approval", "--seats", "-2"], "must be at least 1 (asked for -2)"),
        (["--seats", "5"], "5 seats to fill but only 3 candidates standing"),
        (["--method", "meek", "--seats", "0"], "must be at least 1 (asked for 0)"),
        (["--method", "irv", "--seats", "2"], "irv elects one candidate"),
    ]
    for extra, message in cases:
        assert main(["count", str(path), *extra]) == 1
        assert message in capsys.readouterr().err


def test_it_says_when_the_end_marker_is_missing(tmp_path, capsys):
    path = tmp_path / "e.blt"
    path.write_text("2 1\n1 1 2 0\nA\nB\nT\n")
    assert main(["count", str(path)]) == 1
    assert "line 3: " in (err := capsys.readouterr().err) and "end marker '0' is missing" in err


def test_it_refuses_batch_elimination_for_a_method_other_than_instant_runoff(capsys):
    assert main(["count", LEITH, "--method", "meek", "--batch-elimination"]) == 1
    assert "--batch-elimination is for instant runoff" in capsys.readouterr().err
    assert main(["count", BURLINGTON, "--batch-elimination", "--output", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["elected"] == ["Bob Kiss"]
