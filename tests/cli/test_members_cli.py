import argparse
import csv
import io

import pytest

from rankfile.cli import build_parser, main
from rankfile.cli.importing import export_subparsers, import_subparsers
from rankfile.members.models import Member

HEADER = "member_number,first_name,last_name,email,phone,branch,joined_on,status"
ANN = "2001,Ann,Lee,ann@example.org,,east,2021-03-04,"
BOB = "2002,Bob,Ray,bob@example.org,,west,2022-05-06,"


@pytest.fixture
def members_file(tmp_path):
    def write(*lines, name="members.csv", encoding="utf-8"):
        path = tmp_path / name
        path.write_bytes(("\n".join([HEADER, *lines]) + "\n").encode(encoding))
        return path

    return write


def test_it_imports_a_file_and_says_what_it_did(people, members_file, capsys):
    assert main(["import", "members", str(members_file(ANN, BOB))]) == 0
    out = capsys.readouterr().out
    assert "2 rows — 2 created, 0 updated (0 status changes), 0 unchanged, 0 errors" in out
    assert Member.objects.filter(member_number__in=["2001", "2002"]).count() == 2


def test_importing_again_changes_nothing(people, members_file, capsys):
    path = members_file(ANN, BOB)
    main(["import", "members", str(path)])
    assert main(["import", "members", str(path)]) == 0
    assert "0 created, 0 updated (0 status changes), 2 unchanged" in capsys.readouterr().out


def test_a_dry_run_shows_the_changes_and_writes_nothing(people, members_file, capsys):
    path = members_file("1005,Mia,Member,mia@example.org,555-1005,east,2020-01-15,lapsed")
    assert main(["import", "members", str(path), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "1 would be updated (1 status changes)" in out
    assert "line 2: member 1005: status: member → lapsed" in out
    assert "dry run: nothing was written" in out
    assert Member.objects.get(member_number="1005").status == "member"


def test_errors_go_to_stderr_by_file_line_and_column_and_nothing_is_imported(
    people, members_file, capsys
):
    path = members_file(ANN, "2002,Bob,Ray,bob@,,west,2022-13-01,")
    assert main(["import", "members", str(path)]) == 1
    captured = capsys.readouterr()
    assert f"{path}:3: email: not a valid email address: 'bob@'" in captured.err
    assert f"{path}:3: joined_on: not a date as YYYY-MM-DD: '2022-13-01'" in captured.err
    assert "rankfile: 2 errors: nothing was imported" in captured.err
    assert not Member.objects.filter(member_number="2001").exists()


def test_as_a_branch_secretary_only_her_branch_rows_may_be_imported(people, members_file, capsys):
    path = members_file(ANN, BOB)
    assert main(["import", "members", str(path), "--as", "sam@example.org"]) == 1
    assert "you may not import members of branch 'west'" in capsys.readouterr().err
    assert main(["import", "members", str(members_file(ANN)), "--as", "SAM@example.org"]) == 0


def test_an_account_without_the_right_or_no_account_is_refused(people, members_file, capsys):
    path = members_file(ANN)
    assert main(["import", "members", str(path), "--as", "mia@example.org"]) == 1
    assert "rankfile: You do not hold an office" in capsys.readouterr().err
    assert main(["import", "members", str(path), "--as", "nobody@example.org"]) == 1
    assert "no account with email 'nobody@example.org'" in capsys.readouterr().err


def test_a_missing_file_is_an_error_not_a_traceback(tmp_path, capsys):
    assert main(["import", "members", str(tmp_path / "nope.csv")]) == 1
    assert "cannot read" in capsys.readouterr().err


def test_it_reads_latin1_files(people, members_file, capsys):
    path = members_file("2003,Zoë,Müller,,,east,2020-01-01,", encoding="latin-1")
    assert main(["import", "members", str(path)]) == 0
    assert Member.objects.get(member_number="2003").first_name == "Zoë"


def test_it_exports_to_stdout_or_a_file_and_the_export_re_imports_unchanged(
    people, tmp_path, capsys
):
    assert main(["export", "members"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) == Member.objects.count()
    out = tmp_path / "export.csv"
    assert main(["export", "members", "-o", str(out)]) == 0
    assert f"{Member.objects.count()} members written" in capsys.readouterr().err
    assert main(["import", "members", str(out)]) == 0
    assert "0 created, 0 updated (0 status changes)" in capsys.readouterr().out


def test_an_export_as_an_officer_holds_the_branches_they_cover(people, capsys):
    assert main(["export", "members", "--as", "alex@example.org"]) == 0  # appeals, west
    rows = {r["first_name"]: r for r in csv.DictReader(io.StringIO(capsys.readouterr().out))}
    assert "Mia" not in rows  # east
    assert rows["Otto"]["email"] == ""  # west, but no contact details for the appeals body
    assert main(["export", "members", "--as", "mia@example.org"]) == 1  # holds no office


def test_import_and_export_have_help(capsys):
    with pytest.raises(SystemExit):
        main(["import", "members", "--help"])
    assert "--dry-run" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["export", "members", "--help"])
    assert "--output" in capsys.readouterr().out
    assert main(["import"]) == 2
    assert "members" in capsys.readouterr().out


def test_the_import_command_is_shared_with_other_kinds_of_file():
    parser = argparse.ArgumentParser()
    subparsers = parser.add_subparsers()
    assert import_subparsers(subparsers) is import_subparsers(subparsers)
    assert export_subparsers(subparsers) is export_subparsers(subparsers)
    import_subparsers(subparsers).add_parser("payments")
    commands = build_parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    assert "members" in commands["import"]._subparsers._group_actions[0].choices
