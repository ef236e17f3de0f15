import argparse

from rankfile.cli import main
from rankfile.cli.importing import import_subparsers
from rankfile.dues.models import Payment, RemittanceException


def test_rankfile_import_remittance_reports_what_it_did(people, tmp_path, capsys):
    path = tmp_path / "acme.csv"
    path.write_text("member_number,amount,period\n1005,20,2025-03\n")
    assert main(["import", "remittance", str(path), "--dry-run"]) == 0
    assert "Dry run: nothing was written." in capsys.readouterr().out
    assert not RemittanceException.objects.exists()
    assert main(["import", "remittance", str(path)]) == 0
    assert (
        "1 rows went to the exceptions list: 1 member has no dues plan." in capsys.readouterr().out
    )
    assert main(["import", "remittance", str(path)]) == 0
    assert "nothing changed" in capsys.readouterr().out


def test_rankfile_import_payments_refuses_a_bad_file_with_its_lines(people, tmp_path, capsys):
    path = tmp_path / "payments.csv"
    path.write_text(
        "member_number,covers_from,covers_through,amount,method\n1005,2025-01-01,2025-01-31,x,cash\n"
    )
    assert main(["import", "payments", str(path)]) == 1
    error = capsys.readouterr().err
    assert "refused, nothing imported" in error and "line 2, column 4 (amount)" in error
    assert not Payment.objects.exists()


def test_the_import_command_is_shared_by_every_kind_of_file():
    parser = argparse.ArgumentParser()
    subparsers = parser.add_subparsers()
    first = import_subparsers(subparsers)
    assert import_subparsers(subparsers) is first
    first.add_parser("members")
    assert set(first.choices) == {"members"}
