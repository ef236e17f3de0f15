import datetime
import html
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rankfile.audit.models import AuditEvent
from rankfile.members import import_jobs, views_import
from rankfile.members.actions import do_record_member_event
from rankfile.members.models import ImportFileChunk, ImportJob, Member

ANN = ["2001", "Ann", "Lee", "ann@example.org", "", "east", "2021-03-04", ""]
MIA_LAPSED = ["1005", "Mia", "Member", "mia@example.org", "555-1005", "east", "2020-01-15"]
MIA_LAPSED += ["lapsed"]


def client_for(user, **kwargs):
    client = Client(**kwargs)
    client.force_login(user)
    return client


def error_rows(page):
    """The errors table of a page as (line, column, reason)."""
    cells = re.findall(
        r'<td data-label="Line"[^>]*>(\d+)</td><td data-label="Column"[^>]*>([^<]*)</td>'
        r'<td data-label="Reason">([^<]*)</td>',
        page,
    )
    return [(int(line), column, html.unescape(reason)) for line, column, reason in cells]


def upload(client, data, name="members.csv"):
    return client.post(reverse("member_import"), {"file": SimpleUploadedFile(name, data)})


@pytest.mark.parametrize("persona", ["member", "treasurer", "appeals", "outsider"])
def test_people_without_the_import_right_are_refused_every_import_page(
    people, import_pages, persona, members_csv
):
    client = client_for(getattr(people, persona))
    assert client.get(reverse("member_import")).status_code == 403
    assert upload(client, members_csv([ANN])).status_code == 403
    job = ImportJob.objects.create(created_by=people.admin, file_name="x.csv", sha256="0" * 64)
    assert client.get(reverse("member_import_job", args=[job.pk])).status_code == 403
    assert client.post(reverse("member_import_apply", args=[job.pk])).status_code == 403
    assert not Member.objects.filter(member_number="2001").exists()


def test_a_visitor_who_is_not_logged_in_is_sent_to_log_in(people, import_pages):
    response = Client().get(reverse("member_import"))
    assert response.status_code == 302
    assert "next=" in response["Location"]


def test_a_secretary_uploads_previews_applies_and_sees_what_was_done(
    people, import_pages, members_csv
):
    client = client_for(people.secretary)
    page = client.get(reverse("member_import"))
    assert page.status_code == 200
    assert b'type="file"' in page.content

    response = upload(client, members_csv([ANN, MIA_LAPSED]))
    job = ImportJob.objects.get(created_by=people.secretary)
    assert response["Location"] == reverse("member_import_job", args=[job.pk])
    assert ImportFileChunk.objects.filter(job=job).exists()  # kept until it is applied

    preview = client.get(response["Location"]).content.decode()
    assert "Members to add</dt><dd>1</dd>" in preview
    assert "Status changes</dt><dd>1</dd>" in preview
    assert "status: member → lapsed" in preview
    assert "Ann Lee" in preview
    assert not Member.objects.filter(member_number="2001").exists()

    done = client.post(reverse("member_import_apply", args=[job.pk]), follow=True)
    text = done.content.decode()
    assert "Imported members.csv" in text
    assert "Members added</dt><dd>1</dd>" in text
    assert Member.objects.get(member_number="2001").branch == people.east
    assert Member.objects.get(member_number="1005").status == "lapsed"
    job.refresh_from_db()
    assert job.status == ImportJob.DONE
    assert not ImportFileChunk.objects.filter(job=job).exists()
    assert AuditEvent.objects.filter(action="member.import", actor=people.secretary).count() == 1


def test_errors_are_shown_by_line_column_and_reason_and_a_fixed_file_can_follow(
    people, import_pages, members_csv
):
    client = client_for(people.secretary)
    bad = ["2002", "Bob", "Ray", "bob@", "", "east", "2022-05-06", ""]
    west = ["2003", "Cy", "Doe", "", "", "west", "2022-05-06", ""]
    response = upload(client, members_csv([ANN, bad, west]), name="bad.csv")
    preview = client.get(response["Location"]).content.decode()
    assert error_rows(preview) == [
        (3, "email", "not a valid email address: 'bob@'"),
        (4, "branch", "you may not import members of branch 'west'"),
    ]
    assert "Apply:" not in preview  # no apply button while errors remain
    assert 'name="file"' in preview  # ... but a way to upload a fixed file

    fixed = upload(client, members_csv([ANN]), name="fixed.csv")
    job = ImportJob.objects.get(file_name="fixed.csv")
    assert "Apply:" in client.get(fixed["Location"]).content.decode()
    client.post(reverse("member_import_apply", args=[job.pk]))
    assert Member.objects.filter(member_number="2001").exists()


def test_applying_checks_the_file_again_and_imports_nothing_if_it_no_longer_fits(
    people, import_pages, members_csv
):
    client = client_for(people.secretary)
    response = upload(client, members_csv([ANN, MIA_LAPSED]))
    assert "Apply:" in client.get(response["Location"]).content.decode()
    # Between the preview and the apply, Mia's record changes so the row no longer fits.
    mia = Member.objects.get(member_number="1005")
    do_record_member_event(None, mia, kind="deceased", on=timezone.localdate(), reason="Sadly")
    job = ImportJob.objects.get()
    done = client.post(reverse("member_import_apply", args=[job.pk]), follow=True)
    text = done.content.decode()
    assert "Nothing was imported" in text
    assert [(line, column) for line, column, _ in error_rows(text)] == [(3, "status")]
    assert not Member.objects.filter(member_number="2001").exists()
    job.refresh_from_db()
    assert job.status == ImportJob.FAILED


def test_files_uploaded_and_never_applied_are_deleted_after_a_week(
    people, import_pages, members_csv
):
    client = client_for(people.admin)
    upload(client, members_csv([ANN]), name="old.csv")
    old = ImportJob.objects.get()
    ImportJob.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - views_import.KEEP_UPLOADS - datetime.timedelta(minutes=1)
    )
    upload(client, members_csv([ANN, MIA_LAPSED]), name="new.csv")
    old.refresh_from_db()
    assert old.status == ImportJob.FAILED
    assert not ImportFileChunk.objects.filter(job=old).exists()
    new = ImportJob.objects.get(file_name="new.csv")
    assert ImportFileChunk.objects.filter(job=new).exists()


def test_pressing_apply_twice_imports_once(people, import_pages, members_csv):
    client = client_for(people.admin)
    upload(client, members_csv([ANN]))
    job = ImportJob.objects.get()
    client.post(reverse("member_import_apply", args=[job.pk]))
    client.post(reverse("member_import_apply", args=[job.pk]))
    assert AuditEvent.objects.filter(action="member.import").count() == 1


def test_apply_needs_the_csrf_token(people, import_pages, members_csv):
    client = client_for(people.admin, enforce_csrf_checks=True)
    job = ImportJob.objects.create(created_by=people.admin, file_name="x.csv", sha256="0" * 64)
    assert client.post(reverse("member_import_apply", args=[job.pk])).status_code == 403
    job.refresh_from_db()
    assert job.status == ImportJob.UPLOADED


def test_an_import_is_seen_only_by_the_person_who_uploaded_it(people, import_pages):
    job = ImportJob.objects.create(created_by=people.secretary, file_name="x.csv", sha256="0" * 64)
    client = client_for(people.admin)
    assert client.get(reverse("member_import_job", args=[job.pk])).status_code == 404
    assert client.post(reverse("member_import_apply", args=[job.pk])).status_code == 404


@pytest.mark.django_db(transaction=True)  # progress is written outside the test's transaction
def test_a_running_import_shows_its_progress_and_refreshes_itself(people, import_pages):
    job = ImportJob.objects.create(
        created_by=people.admin,
        file_name="big.csv",
        sha256="0" * 64,
        status=ImportJob.QUEUED,
        total=1000,
    )
    progress = import_jobs.Progress(job.pk)
    progress("writing", 400, 1000)
    try:
        response = client_for(people.admin).get(reverse("member_import_job", args=[job.pk]))
    finally:
        progress.close()
    text = response.content.decode()
    assert "Writing: 400 of 1000 rows" in " ".join(text.split())
    assert '<progress id="import-progress" max="1000" value="400">' in text
    assert '<meta http-equiv="refresh" content="1">' in text
    assert response["Refresh"] == "1"


@pytest.mark.parametrize(
    ("persona", "sees_mias_email", "sees_ottos_email"),
    [("admin", True, True), ("secretary", True, False)],
)
def test_the_export_download_holds_what_each_person_may_see(
    people, import_pages, persona, sees_mias_email, sees_ottos_email
):
    response = client_for(getattr(people, persona)).get(reverse("member_export"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode()
    assert text.startswith("member_number,first_name,last_name,email,phone,branch,joined_on")
    assert ("mia@example.org" in text) is sees_mias_email
    assert ("otto@example.org" in text) is sees_ottos_email


def test_a_member_who_holds_no_office_exports_no_one(people, import_pages):
    response = client_for(people.member).get(reverse("member_export"))
    assert response.status_code == 403


def test_an_account_without_membership_exports_no_one(people, import_pages):
    response = client_for(people.outsider).get(reverse("member_export"))
    assert response.status_code == 403


def test_a_utf16_file_is_refused_on_its_preview_with_what_to_do(people, import_pages, members_csv):
    client = client_for(people.admin)
    response = upload(client, members_csv([ANN]).decode().encode("utf-16"), name="u16.csv")
    preview = client.get(response["Location"]).content.decode()
    assert [(line, column) for line, column, _ in error_rows(preview)] == [(1, "—")]
    assert "save it as “CSV UTF-8” instead" in html.unescape(preview)
    assert "Apply:" not in preview
