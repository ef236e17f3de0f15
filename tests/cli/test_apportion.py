"""`rankfile apportion`: the command an administrator runs on a CSV of member counts."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from rankfile.cli import main

GOLDEN = Path(__file__).parent / "golden"


@pytest.fixture
def counts_csv(tmp_path):
    def write(text, name="counts.csv"):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return str(path)

    return write


@pytest.fixture
def branches(counts_csv):
    return counts_csv("branch,members in good standing\nNorth,3\nSouth,7\nCentral,90\n")


def run(capsys, *argv):
    status = main(["apportion", *argv])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_it_writes_name_and_seats_in_input_order_as_csv(capsys, branches):
    status, out, _ = run(
        capsys, branches, "--seats", "49", "--method", "hamilton", "--output", "csv"
    )
    assert status == 0
    assert out == "name,seats\nNorth,2\nSouth,3\nCentral,44\n"


def test_the_text_table_shows_quotas_ties_and_warnings(capsys, branches):
    status, out, _ = run(capsys, branches, "--seats", "50", "--method", "hamilton", "--seed", "7")
    assert status == 0
    assert out == (GOLDEN / "hamilton_50_seed_7.txt").read_text(encoding="utf-8")


def test_the_json_output_is_the_published_result(capsys, branches):
    status, out, _ = run(
        capsys, branches, "--seats", "50", "--method", "hamilton", "--tie-break", "input-order",
        "--output", "json",
    )  # fmt: skip
    assert status == 0
    assert json.loads(out) == json.loads((GOLDEN / "hamilton_50_input_order.json").read_text())


@pytest.mark.parametrize(
    ("method", "expected"),
    [
        ("jefferson", "North,1\nSouth,3\nCentral,45\n"),
        ("dhondt", "North,1\nSouth,3\nCentral,45\n"),
        ("webster", "North,1\nSouth,3\nCentral,45\n"),
        ("sainte-lague", "North,1\nSouth,3\nCentral,45\n"),
        ("adams", "North,2\nSouth,4\nCentral,43\n"),
        ("huntington-hill", "North,2\nSouth,3\nCentral,44\n"),
    ],
)
def test_every_method_and_its_other_name_can_be_asked_for(capsys, branches, method, expected):
    status, out, _ = run(capsys, branches, "--seats", "49", "--method", method, "--output", "csv")
    assert status == 0
    assert out == "name,seats\n" + expected


def test_minimum_and_maximum_bound_every_unit(capsys, branches):
    status, out, _ = run(
        capsys, branches, "--seats", "20", "--method", "jefferson", "--minimum", "3",
        "--maximum", "12", "--output", "csv",
    )  # fmt: skip
    assert status == 0
    assert out == "name,seats\nNorth,3\nSouth,5\nCentral,12\n"


def test_a_ratio_formula_with_rounding_and_a_floor(capsys, counts_csv):
    path = counts_csv("local,members\nA,270\nB,400\nC,12\n")
    status, out, _ = run(
        capsys, path, "--per", "75", "--rounding", "nearest", "--at-least", "1", "--output", "csv"
    )
    assert status == 0
    assert out == "name,seats\nA,4\nB,5\nC,1\n"


def test_first_then_per_further_rounds_up_by_default(capsys, counts_csv):
    path = counts_csv("section,members\na,749\nb,750\nc,999\nd,1000\ne,9000\n")
    status, out, _ = run(
        capsys, path, "--first", "749", "--then-per", "250", "--at-most", "6", "--output", "csv"
    )
    assert status == 0
    assert out == "name,seats\na,1\nb,2\nc,2\nd,3\ne,6\n"


def test_base_seats_then_the_rest_by_a_method(capsys, branches):
    status, out, _ = run(
        capsys, branches, "--seats", "12", "--method", "webster", "--base", "2", "--output", "csv"
    )
    assert status == 0
    # 2 each, then 6 by Webster on 3:7:90 (quotas 0.18, 0.42, 5.4): all 6 to Central.
    assert out == "name,seats\nNorth,2\nSouth,2\nCentral,8\n"


# --- refusals: a clear message on stderr, naming the row, and a non-zero exit --------------


def test_a_tie_without_a_tie_break_is_an_error_naming_the_units(capsys, branches):
    status, out, err = run(capsys, branches, "--seats", "50", "--method", "hamilton")
    assert status == 1 and out == ""
    assert "tie between North, South for 1 seat" in err
    assert "seed" in err


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("b,m\nA,4\nB\n", "line 3: no count for 'B'"),
        ("b,m\nA,4\nB,  \n", "line 3: no count for 'B'"),
        ("b,m\nA,4\nB,-2\n", "line 3: the count for 'B' is negative: -2"),
        ("b,m\nA,4\nB,twelve\n", "line 3: the count for 'B' is not a whole number: 'twelve'"),
        ("b,m\nA,4\nB,1.5\n", "line 3: the count for 'B' is not a whole number: '1.5'"),
        ("b,m\nA,4\nB,5\n\nA,6\n", "line 5: 'A' is listed twice (first on line 2)"),
        ("b,m\nA,4\n,5\n", "line 3: the unit has no name"),
        ("b,m\n", "has no units"),
        ("", "is empty"),
    ],
)
def test_bad_rows_are_refused_with_their_line(capsys, counts_csv, text, message):
    path = counts_csv(text)
    status, out, err = run(capsys, path, "--seats", "5", "--method", "hamilton")
    assert status == 1 and out == ""
    assert message in err


def test_more_minimum_seats_than_seats_is_refused(capsys, branches):
    status, _, err = run(capsys, branches, "--seats", "5", "--method", "adams", "--minimum", "2")
    assert status == 1
    assert "a minimum of 2 for each of 3 units needs 6 seats, more than the 5" in err


def test_an_unknown_method_lists_the_known_ones(capsys, branches):
    status, _, err = run(capsys, branches, "--seats", "5", "--method", "condorcet")
    assert status == 1
    assert (
        "unknown method 'condorcet'; known methods: hamilton, jefferson, dhondt, webster, "
        "sainte-lague, adams, huntington-hill" in err
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--seats", "5"], "--seats needs --method"),
        ([], "say what to apportion"),
        (["--seats", "5", "--method", "adams", "--per", "10"], "not both"),
        (["--per", "10", "--method", "adams"], "--method goes with --seats"),
        (["--per", "10", "--seed", "3"], "no ties to break"),
        (["--seats", "5", "--method", "adams", "--first", "10"], "belong to a formula"),
        (["--seats", "5", "--method", "adams", "--tie-break", "lot"], "needs --seed"),
        (["--per", "0"], "N ≥ 1"),
    ],
)
def test_inconsistent_flags_are_refused(capsys, branches, argv, message):
    status, _, err = run(capsys, branches, *argv)
    assert status == 1
    assert message in err


def test_a_missing_file_is_refused(capsys, tmp_path):
    status, _, err = run(capsys, str(tmp_path / "nope.csv"), "--per", "10")
    assert status == 1 and "cannot read" in err


def test_the_command_runs_without_loading_django(branches):
    code = (
        "import sys; from rankfile.cli import main; "
        f"status = main(['apportion', {branches!r}, '--per', '10', '--output', 'csv']); "
        "assert 'django' not in sys.modules, 'django was imported'; sys.exit(status)"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout == "name,seats\nNorth,0\nSouth,1\nCentral,9\n"
