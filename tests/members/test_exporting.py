import csv
import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from rankfile.audit.models import AuditEvent
from rankfile.members.actions import do_add_member, do_record_member_event, do_resign
from rankfile.members.csvfile import COLUMNS
from rankfile.members.exporting import csv_lines, do_export_members
from rankfile.members.importing import plan_import
from rankfile.members.models import Member, Organization


def export_text(actor):
    return "".join(csv_lines(do_export_members(actor).records()))


def exported(actor):
    """The export as {member_number or name: row}."""
    reader = csv.DictReader(io.StringIO(export_text(actor)))
    assert tuple(reader.fieldnames) == COLUMNS
    return {f"{row['first_name']} {row['last_name']}": row for row in reader}


def test_the_command_line_exports_everything_in_the_import_columns(people):
    rows = exported(None)
    assert len(rows) == Member.objects.count()
    mia = rows["Mia Member"]
    assert mia == {
        "member_number": "1005",
        "first_name": "Mia",
        "last_name": "Member",
        "email": "mia@example.org",
        "phone": "555-1005",
        "branch": "east",
        "joined_on": "2020-01-15",
        "status": "member",
    }


def test_an_admin_exports_every_member_with_contact_details(people):
    rows = exported(people.admin)
    assert len(rows) == Member.objects.count()
    assert all(row["email"] and row["member_number"] for row in rows.values())


def test_a_branch_secretary_gets_her_branch_with_contact_details(people):
    rows = exported(people.secretary)
    assert rows["Mia Member"]["email"] == "mia@example.org"
    assert rows["Mia Member"]["member_number"] == "1005"
    assert "Otto Other" not in rows  # west is not hers


def test_an_officer_without_contact_rights_gets_names_and_the_directory_fields(people):
    rows = exported(people.appeals)  # the appeals body, over west
    assert "Mia Member" not in rows
    otto = rows["Otto Other"]
    assert (otto["email"], otto["phone"], otto["member_number"]) == ("", "", "")
    assert (otto["branch"], otto["joined_on"], otto["status"]) == ("west", "2020-01-15", "member")


def test_a_member_who_holds_no_office_exports_nothing(people):
    with pytest.raises(PermissionDenied):
        do_export_members(people.member)
    assert not AuditEvent.objects.filter(action="member.export").exists()


def test_the_organization_chooses_the_directory_fields_members_see(people):
    organization = Organization.current()
    organization.directory_fields = ["member_number", "email"]
    organization.save()
    otto = exported(people.appeals)["Otto Other"]
    assert (otto["member_number"], otto["email"]) == ("1006", "otto@example.org")
    assert (otto["phone"], otto["branch"], otto["joined_on"], otto["status"]) == ("", "", "", "")


def test_former_members_are_exported_only_to_those_who_keep_their_branch_records(people):
    do_resign(people.other, people.other.member)
    assert "Otto Other" not in exported(people.appeals)  # west, but no branch records
    assert "Otto Other" not in exported(people.secretary)  # west is not her branch
    assert exported(people.admin)["Otto Other"]["status"] == "resigned"


def test_each_export_is_audited_with_counts_only(people):
    before = AuditEvent.objects.count()
    export_text(people.secretary)
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.order_by("-seq").first()
    assert event.action == "member.export"
    assert event.actor == people.secretary
    east = Member.objects.filter(branch=people.east).count()
    assert event.payload == {"rows": east, "with_contact": east}


def test_an_export_re_imports_to_no_change(people):
    applicant = do_add_member(
        None,
        first_name="Néna",
        last_name="O'Hara, Jr.",
        branch=people.south,
        joined_on=datetime.date(2025, 2, 1),
        member_number="A-77",
        status="applicant",
    )
    do_record_member_event(
        None, people.other.member, kind="lapsed", on=timezone.localdate(), reason="Arrears"
    )
    text = export_text(people.admin)
    assert '"O\'Hara, Jr."' in text
    plan = plan_import(text.encode(), file_name="export.csv", actor=people.admin)
    assert plan.ok, plan.errors
    assert plan.counts()["created"] == plan.counts()["updated"] == 0
    assert plan.unchanged == Member.objects.count()
    assert applicant.pk


def test_her_own_branch_rows_re_import_to_no_change_for_a_secretary(people):
    lines = export_text(people.secretary).splitlines()
    header, rows = lines[0], [line for line in lines[1:] if ",east," in line]
    plan = plan_import(
        "\n".join([header, *rows]).encode(), file_name="e.csv", actor=people.secretary
    )
    assert plan.ok, plan.errors
    assert plan.unchanged == Member.objects.filter(branch=people.east).count()


def test_cells_a_spreadsheet_would_run_as_formulas_are_exported_as_text_and_re_import(people):
    do_add_member(
        None,
        first_name='=HYPERLINK("http://evil.example","x")',
        last_name="-Dash",
        branch=people.east,
        joined_on=datetime.date(2024, 1, 1),
        member_number="F-1",
        phone="+44 20 7946 0000",
    )
    do_add_member(
        None,
        first_name="+1+cmd|' /C calc'!A0",
        last_name="-2+3+cmd|' /C calc'!A0",
        branch=people.east,
        joined_on=datetime.date(2024, 1, 1),
        member_number="F-2",
        phone="-12.50",
        email="dde@example.org",
    )
    do_add_member(
        None,
        first_name="'=kept",
        last_name="Smith;=1+1",
        branch=people.east,
        joined_on=datetime.date(2024, 1, 1),
        member_number="F-3",
    )
    text = export_text(None)
    assert "'=HYPERLINK" in text
    assert "'-Dash" in text
    assert ",+44 20 7946 0000," in text  # a phone number stays a phone number
    assert "F-2,'+1+cmd|' /C calc'!A0,'-2+3+cmd|' /C calc'!A0,dde@example.org,-12.50," in text
    assert "F-3,''=kept,\"Smith;=1+1\"," in text
    plan = plan_import(text.encode(), file_name="export.csv")
    assert plan.ok
    assert plan.unchanged == Member.objects.count()
