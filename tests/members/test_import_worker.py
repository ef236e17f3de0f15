"""Big members imports run by the task worker (`rankfile db_worker`): checked once, the plan
kept and paged, applied all or nothing — and a job's state never contradicts the database,
even when its worker is killed in the middle."""

from __future__ import annotations

import datetime
import os
import signal
import subprocess
import sys
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse

from rankfile.audit.models import AuditEvent
from rankfile.members import import_jobs, importing
from rankfile.members.models import ImportJob, Member

pytestmark = pytest.mark.django_db(transaction=True)


def rows(count, start=0):
    return [
        [f"9{n:06d}", "Pat", f"Doe{n}", "", "", "south", "2020-01-01", ""]
        for n in range(start, start + count)
    ]


@pytest.fixture
def admin(people, import_pages, monkeypatch):
    monkeypatch.setattr(import_jobs, "BACKGROUND_FROM_LINES", 0)  # every file to the worker
    client = Client()
    client.force_login(people.admin)
    return client


def upload(client, data, name="big.csv"):
    response = client.post(reverse("member_import"), {"file": SimpleUploadedFile(name, data)})
    assert response.status_code == 302
    return ImportJob.objects.latest("pk")


def run_worker():
    """The worker as `rankfile db_worker` runs it, until the queue is empty."""
    call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay", verbosity=0)


def page_text(client, job, query=""):
    return client.get(reverse("member_import_job", args=[job.pk]) + query).content.decode()


def test_a_big_file_is_checked_once_by_the_worker_and_the_preview_is_paged(
    admin, members_csv, monkeypatch
):
    job = upload(admin, members_csv(rows(250)))
    assert job.status == ImportJob.CHECKING
    assert "Checking big.csv" in page_text(admin, job)  # until the worker has checked it
    run_worker()
    job.refresh_from_db()
    assert job.status == ImportJob.UPLOADED

    def no_parsing(*args, **kwargs):
        raise AssertionError("the preview read the file again")

    monkeypatch.setattr(import_jobs, "plan_import", no_parsing)
    monkeypatch.setattr(importing, "plan_import", no_parsing)
    first = page_text(admin, job)
    assert "Members to add</dt><dd>250</dd>" in first
    assert "Doe0<" in first and "Doe99<" in first and "Doe100<" not in first
    assert "Page 1 of 3" in first
    third = page_text(admin, job, "?add=3")
    assert "Doe200<" in third and "Doe249<" in third and "Doe199<" not in third


def test_the_worker_applies_it_and_the_job_is_done_with_the_members(admin, people, members_csv):
    job = upload(admin, members_csv(rows(300)))
    run_worker()
    admin.post(reverse("member_import_apply", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportJob.QUEUED
    assert "Waiting for the import worker" in " ".join(page_text(admin, job).split())
    run_worker()
    job.refresh_from_db()
    assert (job.status, job.processed) == (ImportJob.DONE, 300)
    assert Member.objects.filter(branch=people.south).count() == 301
    assert "Members added</dt><dd>300</dd>" in page_text(admin, job)


def database_url():
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    return (
        f"postgres://{settings['USER']}{password}@{settings['HOST'] or '127.0.0.1'}:"
        f"{settings['PORT'] or 5432}/{settings['NAME']}"
    )


SLOW_WORKER = """
import sys, time
import django
django.setup()
from rankfile.members import importing
slowed = sys.argv[2]  # write_rows (applying) or _compare_with_members (checking)
original = getattr(importing, slowed)
def slowly(*args, **kwargs):
    original(*args, **kwargs)
    time.sleep(float(sys.argv[1]))
setattr(importing, slowed, slowly)
from django.core.management import call_command
call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay", verbosity=0)
"""


def start_worker_process(import_pages, pause, slowed="write_rows"):
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "RANKFILE_IMPORTS_DIR": str(import_pages),
        "DJANGO_SETTINGS_MODULE": "rankfile.settings",
    }
    return subprocess.Popen([sys.executable, "-c", SLOW_WORKER, str(pause), slowed], env=env)


def wait_for(condition, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError("timed out")


def test_a_worker_killed_mid_import_leaves_nothing_and_the_job_says_so(
    admin, people, members_csv, import_pages, monkeypatch
):
    monkeypatch.setattr(import_jobs, "START_GRACE", datetime.timedelta(0))
    members_before = Member.objects.count()
    events_before = AuditEvent.objects.count()
    job = upload(admin, members_csv(rows(6000)))
    run_worker()  # checked
    admin.post(reverse("member_import_apply", args=[job.pk]))
    worker = start_worker_process(import_pages, pause=30)
    try:

        def writing():
            job.refresh_from_db()
            stage, done, _total = import_jobs.read_progress(job)
            return stage == "writing" and done >= 2000

        wait_for(writing)
        # A batch is written inside the import's transaction; now the worker dies.
        os.kill(worker.pid, signal.SIGKILL)
    finally:
        worker.wait(timeout=30)
    assert worker.returncode == -signal.SIGKILL

    def settled():
        page_text(admin, job)
        job.refresh_from_db()
        return job.status != ImportJob.QUEUED

    wait_for(settled, seconds=30)
    assert job.status == ImportJob.FAILED
    assert job.result["message"] == import_jobs.INTERRUPTED
    assert "nothing was imported" in page_text(admin, job)
    assert Member.objects.count() == members_before
    assert AuditEvent.objects.count() == events_before


def test_a_job_whose_worker_is_alive_is_not_declared_dead(
    admin, people, members_csv, import_pages, monkeypatch
):
    monkeypatch.setattr(import_jobs, "START_GRACE", datetime.timedelta(0))
    job = upload(admin, members_csv(rows(4500)))
    run_worker()
    admin.post(reverse("member_import_apply", args=[job.pk]))
    worker = start_worker_process(import_pages, pause=0.5)
    try:

        def writing():
            job.refresh_from_db()
            return import_jobs.read_progress(job)[0] == "writing"

        wait_for(writing)
        text = page_text(admin, job)  # looked at while the worker runs
        assert "Importing big.csv" in text
        job.refresh_from_db()
        assert job.status == ImportJob.QUEUED
    finally:
        worker.wait(timeout=120)
    assert worker.returncode == 0
    job.refresh_from_db()
    assert (job.status, job.processed) == (ImportJob.DONE, 4500)
    assert Member.objects.filter(branch=people.south).count() == 4501


def test_a_worker_killed_while_checking_leaves_a_job_that_says_so(
    admin, members_csv, import_pages, monkeypatch
):
    monkeypatch.setattr(import_jobs, "START_GRACE", datetime.timedelta(0))
    job = upload(admin, members_csv(rows(6000)))
    worker = start_worker_process(import_pages, pause=30, slowed="_compare_with_members")
    try:

        def checking():
            job.refresh_from_db()
            stage, done, _total = import_jobs.read_progress(job)
            return stage == "checking" and done >= 2000

        wait_for(checking)
        os.kill(worker.pid, signal.SIGKILL)
    finally:
        worker.wait(timeout=30)

    def settled():
        page_text(admin, job)
        job.refresh_from_db()
        return job.status != ImportJob.CHECKING

    wait_for(settled, seconds=30)
    assert job.status == ImportJob.FAILED
    assert "Checking the file was interrupted" in job.result["message"]
    assert not job.entries.exists()  # no half-kept plan
