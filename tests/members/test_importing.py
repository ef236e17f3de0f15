import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from rankfile.audit.models import AuditEvent
from rankfile.core import lifecycle
from rankfile.members import importing
from rankfile.members.actions import do_record_member_event
from rankfile.members.importing import do_apply_import, file_sha256, lifecycle_events, plan_import
from rankfile.members.models import Member, MemberEvent

ANN = ["2001", "Ann", "Lee", "ann@example.org", "555-0101", "east", "2021-03-04", ""]
BOB = ["2002", "Bob", "Ray", "bob@example.org", "", "West Branch", "2022-05-06", "member"]


def errors_of(plan):
    return [(error.line, error.column) for error in plan.errors]


def test_it_previews_what_would_change_without_writing(people, members_csv):
    before = Member.objects.count()
    plan = plan_import(members_csv([ANN, BOB]), file_name="new.csv")
    assert plan.ok
    assert [row.member_number for row in plan.to_create] == ["2001", "2002"]
    assert Member.objects.count() == before
    assert not plan.applied


def test_it_adds_members_each_with_their_admitted_event(people, members_csv):
    plan = do_apply_import(members_csv([ANN, BOB]), file_name="new.csv")
    assert plan.applied
    ann = Member.objects.get(member_number="2001")
    assert (ann.first_name, ann.last_name, ann.email, ann.phone) == (
        "Ann",
        "Lee",
        "ann@example.org",
        "555-0101",
    )
    assert ann.branch == people.east
    assert ann.joined_on == datetime.date(2021, 3, 4)
    assert ann.status == lifecycle.MEMBER
    assert list(ann.events.values_list("kind", "on")) == [
        (lifecycle.ADMITTED, datetime.date(2021, 3, 4))
    ]
    assert Member.objects.get(member_number="2002").branch == people.west


def test_the_whole_import_is_one_audit_event_with_counts_file_name_and_hash(people, members_csv):
    data = members_csv([ANN, BOB])
    before = AuditEvent.objects.count()
    do_apply_import(data, file_name="new.csv", actor=people.admin)
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.order_by("-seq").first()
    assert event.action == "member.import"
    assert event.actor == people.admin
    assert event.payload["file_name"] == "new.csv"
    assert event.payload["sha256"] == file_sha256(data)
    assert event.payload["created"] == 2
    assert event.payload["updated"] == 0
    assert "ann@example.org" not in str(event.payload)


def test_importing_the_same_file_twice_changes_nothing(people, members_csv):
    data = members_csv([ANN, BOB, ["1005", "Mia", "Member", "mia@example.org", "555-1005"]
                        + ["east", "2020-01-15", "member"]])  # fmt: skip
    first = do_apply_import(data, file_name="m.csv")
    events = MemberEvent.objects.count()
    second = do_apply_import(data, file_name="m.csv")
    assert first.counts()["created"] == 2
    assert (second.counts()["created"], second.counts()["updated"]) == (0, 0)
    assert second.counts()["unchanged"] == 3
    assert MemberEvent.objects.count() == events


def test_it_lists_each_changed_field_old_and_new(people, members_csv):
    row = ["1005", "Mia", "Member", "MIA.NEW@example.org", "555-0199", "east", "2020-01-15", ""]
    plan = plan_import(members_csv([row]), file_name="m.csv")
    [update] = plan.to_update
    assert update.changes == {
        "email": ("mia@example.org", "mia.new@example.org"),
        "phone": ("555-1005", "555-0199"),
    }
    do_apply_import(members_csv([row]), file_name="m.csv")
    mia = Member.objects.get(member_number="1005")
    assert (mia.email, mia.phone, mia.status) == ("mia.new@example.org", "555-0199", "member")


def test_every_error_names_its_line_column_and_reason(people, members_csv):
    future = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    rows = [
        ANN,  # line 2: fine
        ["2003", "Cy", "Doe", "cy@", "", "nowhere", "2020-01-01", ""],  # 3
        ["2004", "", "Doe", "", "", "east", "2020-02-30", ""],  # 4
        ["2001", "Di", "Doe", "", "", "east", future, "retired"],  # 5
        ["", "Ed", "Doe", "", "", "", "", ""],  # 6
        ["2006", "Flo", "Doe", "", "", "east", "2020-01-01", "", "surplus"],  # 7
    ]
    plan = plan_import(members_csv(rows), file_name="bad.csv")
    assert errors_of(plan) == [
        (3, "email"),
        (3, "branch"),
        (4, "first_name"),
        (4, "joined_on"),
        (5, "member_number"),
        (5, "joined_on"),
        (5, "status"),
        (6, "member_number"),
        (6, "branch"),
        (6, "joined_on"),
        (7, ""),
    ]
    reasons = [error.reason for error in plan.errors]
    assert "not a valid email address: 'cy@'" in reasons[0]
    assert "unknown branch 'nowhere'" in reasons[1]
    assert "missing" in reasons[2]
    assert "not a date as YYYY-MM-DD: '2020-02-30'" in reasons[3]
    assert "also on line 2" in reasons[4]
    assert "in the future" in reasons[5]
    assert "unknown status 'retired'" in reasons[6]
    assert "9 fields where the header has 8" in reasons[10]


def test_a_missing_column_is_named_on_the_header_line(people, members_csv):
    header = [name for name in importing.COLUMNS if name not in ("joined_on", "status")]
    plan = plan_import(members_csv([ANN[:6]], header=header), file_name="m.csv")
    assert errors_of(plan) == [(1, "joined_on")]
    assert plan.errors[0].reason == "missing column in the header"


def test_the_status_column_may_be_left_out(people, members_csv):
    plan = do_apply_import(members_csv([ANN[:7]], header=importing.COLUMNS[:7]), file_name="m.csv")
    assert plan.applied
    assert Member.objects.get(member_number="2001").status == lifecycle.MEMBER


def test_nothing_is_written_when_any_row_has_an_error(people, members_csv):
    members, events, audit = (
        Member.objects.count(),
        MemberEvent.objects.count(),
        AuditEvent.objects.count(),
    )
    bad = ["2009", "Gil", "Doe", "", "", "east", "yesterday", ""]
    plan = do_apply_import(members_csv([ANN, BOB, bad]), file_name="m.csv")
    assert not plan.applied
    assert errors_of(plan) == [(4, "joined_on")]
    assert (Member.objects.count(), MemberEvent.objects.count(), AuditEvent.objects.count()) == (
        members,
        events,
        audit,
    )


def test_nothing_is_written_when_writing_fails_half_way(people, monkeypatch, members_csv):
    members = Member.objects.count()

    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(importing, "append_event", broken)
    with pytest.raises(RuntimeError):
        do_apply_import(members_csv([ANN, BOB]), file_name="m.csv")
    assert Member.objects.count() == members
    assert not MemberEvent.objects.filter(member__member_number__in=["2001", "2002"]).exists()


@pytest.mark.parametrize(
    "encoding",
    ["utf-8", "utf-8-sig", "latin-1", "cp1252"],
)
def test_it_reads_utf8_with_or_without_bom_and_latin1(people, encoding, members_csv):
    row = ["2010", "Zoë", "Müller-Łaski" if encoding.startswith("utf") else "Müller"]
    row += ["", "", "east", "2020-01-01", ""]
    do_apply_import(members_csv([row], encoding=encoding), file_name="m.csv")
    member = Member.objects.get(member_number="2010")
    assert member.first_name == "Zoë"
    assert member.last_name.startswith("Müller")


def test_it_reads_semicolon_separated_files(people, members_csv):
    plan = plan_import(members_csv([ANN, BOB], delimiter=";"), file_name="m.csv")
    assert plan.delimiter == ";"
    assert plan.ok
    assert len(plan.to_create) == 2


def test_it_accepts_branch_names_and_slugs_in_any_case_and_header_in_any_order(people, members_csv):
    header = ["Branch", "Joined On", "Last Name", "First Name", "Member Number", "Email", "Phone"]
    rows = [["WEST", "2020-01-01", "Doe", "Hal", "2011", "", ""]]
    rows += [["east branch", "2020-01-01", "Doe", "Ida", "2012", "", ""]]
    do_apply_import(members_csv(rows, header=header), file_name="m.csv")
    assert Member.objects.get(member_number="2011").branch == people.west
    assert Member.objects.get(member_number="2012").branch == people.east


def test_line_numbers_count_lines_of_quoted_cells_that_span_lines(people, members_csv):
    data = (
        members_csv([ANN])
        + b'2013,"Jo\r\nAnn",Doe,,,east,2020-01-01,\r\n2014,Kit,Doe,,,east,bad,\r\n'
    )
    plan = plan_import(data, file_name="m.csv")
    assert errors_of(plan) == [(5, "joined_on")]


def test_a_status_change_becomes_its_lifecycle_event(people, members_csv):
    mia = ["1005", "Mia", "Member", "mia@example.org", "555-1005", "east", "2020-01-15"]
    do_apply_import(members_csv([mia + ["lapsed"]]), file_name="m.csv")
    member = Member.objects.get(member_number="1005")
    assert member.status == lifecycle.LAPSED
    assert member.events.order_by("pk").last().kind == lifecycle.LAPSED_EVENT
    assert member.events.order_by("pk").last().on == timezone.localdate()
    do_apply_import(members_csv([mia + ["member"]]), file_name="m.csv")
    member.refresh_from_db()
    assert member.status == lifecycle.MEMBER
    assert member.events.order_by("pk").last().kind == lifecycle.REINSTATED


def test_a_status_change_the_lifecycle_forbids_is_a_row_error(people, members_csv):
    mia = people.member.member
    do_record_member_event(None, mia, kind="deceased", on=timezone.localdate(), reason="Sadly")
    row = ["1005", "Mia", "Member", "mia@example.org", "555-1005", "east", "2020-01-15", "member"]
    plan = do_apply_import(members_csv([row]), file_name="m.csv")
    assert errors_of(plan) == [(2, "status")]
    assert "cannot go from deceased to member" in plan.errors[0].reason
    mia.refresh_from_db()
    assert mia.status == lifecycle.DECEASED


def test_new_members_get_the_events_of_the_status_they_are_imported_with(people, members_csv):
    rows = [ANN[:7] + ["applicant"], BOB[:7] + ["resigned"]]
    do_apply_import(members_csv(rows), file_name="m.csv")
    ann = Member.objects.get(member_number="2001")
    bob = Member.objects.get(member_number="2002")
    assert (ann.status, list(ann.events.values_list("kind", flat=True))) == (
        "applicant",
        ["applied"],
    )
    assert bob.status == "resigned"
    assert list(bob.events.order_by("pk").values_list("kind", flat=True)) == [
        "admitted",
        "resigned",
    ]


def test_the_stored_status_is_what_the_events_lead_to(people, members_csv):
    rows = [
        ANN[:7] + ["lapsed"],
        BOB[:7] + ["expelled"],
        ["1005", "Mia", "Member", "mia@example.org", "555-1005", "west", "2020-01-15", "resigned"],
    ]
    assert do_apply_import(members_csv(rows), file_name="m.csv").applied
    for member in Member.objects.all():
        events = member.events.values_list("on", "kind")
        assert lifecycle.status_after(events) == member.status, member


def test_a_branch_change_is_recorded_as_a_transfer(people, members_csv):
    row = ["1005", "Mia", "Member", "mia@example.org", "555-1005", "west", "2020-01-15", ""]
    plan = do_apply_import(members_csv([row]), file_name="m.csv")
    assert plan.to_update[0].changes == {"branch": ("east", "west")}
    mia = Member.objects.get(member_number="1005")
    assert mia.branch == people.west
    transfer = mia.events.get(kind=lifecycle.TRANSFERRED)
    assert (transfer.from_branch, transfer.to_branch) == (people.east, people.west)


def test_a_member_who_lapsed_and_resigns_is_moved_before_resigning():
    assert lifecycle_events("lapsed", "resigned", transfer=True) == ["transferred", "resigned"]
    assert lifecycle_events("resigned", "member", transfer=True) == ["reinstated", "transferred"]
    with pytest.raises(lifecycle.LifecycleError, match="cannot move"):
        lifecycle_events("deceased", "deceased", transfer=True)


def test_a_branch_secretary_imports_only_rows_of_her_branches(people, members_csv):
    stay = ["1005", "Mia", "Member", "mia@example.org", "555-0199", "east", "2020-01-15", ""]
    to_west = ["2002", "Bob", "Ray", "", "", "west", "2022-05-06", ""]
    from_west = ["1006", "Otto", "Other", "otto@example.org", "555-1006", "east", "2020-01-15", ""]
    plan = do_apply_import(
        members_csv([ANN, stay, to_west, from_west]), file_name="m.csv", actor=people.secretary
    )
    assert errors_of(plan) == [(4, "branch"), (5, "member_number")]
    assert "you may not import members of branch 'west'" in plan.errors[0].reason
    assert not Member.objects.filter(member_number="2001").exists()
    fixed = do_apply_import(members_csv([ANN, stay]), file_name="m.csv", actor=people.secretary)
    assert fixed.applied
    assert Member.objects.get(member_number="2001").events.get().recorded_by == people.secretary


def test_an_admin_imports_everywhere(people, members_csv):
    assert do_apply_import(members_csv([ANN, BOB]), file_name="m.csv", actor=people.admin).applied


@pytest.mark.parametrize("persona", ["member", "treasurer", "outsider"])
def test_people_without_the_import_right_are_refused(people, persona, members_csv):
    with pytest.raises(PermissionDenied):
        plan_import(members_csv([ANN]), file_name="m.csv", actor=getattr(people, persona))


def test_an_empty_or_utf16_file_is_refused_on_line_one(people, members_csv):
    assert errors_of(plan_import(b"", file_name="m.csv")) == [(1, "")]
    utf16 = members_csv([ANN]).decode().encode("utf-16")
    plan = plan_import(utf16, file_name="m.csv")
    assert "UTF-16" in plan.errors[0].reason


def test_a_nul_after_the_first_4_kb_is_an_error_with_its_line_and_column(people, members_csv):
    padding = [[f"3{n:03}", "Pad", "Ding", "", "", "east", "2021-03-04", ""] for n in range(120)]
    nul = ["2009", "Nu\x00l", "Byte", "", "", "east", "2021-03-04", ""]
    data = members_csv([*padding, nul])
    assert data.index(b"\x00") > 4096
    plan = plan_import(data, file_name="nul.csv")
    assert errors_of(plan) == [(122, "first_name")]
    assert "NUL (U+0000)" in plan.errors[0].reason
    applied = do_apply_import(data, file_name="nul.csv")
    assert not applied.applied and errors_of(applied) == [(122, "first_name")]
    assert not Member.objects.filter(member_number="2009").exists()


def test_an_escape_character_in_a_cell_is_an_error(people, members_csv):
    plan = plan_import(members_csv([[*ANN[:3], "ann@example.org\x1b[2J", *ANN[4:]]]), file_name="e")
    assert errors_of(plan) == [(2, "email")]
    assert "ESC (U+001B)" in plan.errors[0].reason


def test_a_nul_early_in_a_utf8_file_is_a_cell_error_not_a_utf16_refusal(people, members_csv):
    plan = plan_import(members_csv([[ANN[0], "A\x00nn", *ANN[2:]]]), file_name="early.csv")
    assert errors_of(plan) == [(2, "first_name")]
