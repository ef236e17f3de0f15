"""A big members file on the web: upload, checked once by the task worker, then the
preview page loaded several times (issue 8, item 11: it used to re-parse the whole file on
every load — 22 s and 1.2 GB for 99 MB).

Prints the upload time, the worker's check time and peak memory, and for the preview page
the time of each load and the peak memory of the process serving it.

    .venv/bin/python bench/bench_import_preview.py [--members 300000] [--loads 5]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_import import fresh_organization, write_csv  # noqa: E402

WORKER = """
import django
django.setup()
from django.core.management import call_command
call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay", verbosity=0)
from pathlib import Path
print([line for line in Path("/proc/self/status").read_text().splitlines()
       if line.startswith("VmHWM")][0].split()[1])
"""


def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM: unlike ru_maxrss, not inherited from
    the parent across exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def admin_client():
    import datetime

    from django.test import Client
    from django.test.utils import setup_test_environment

    from rankfile.accounts.models import User
    from rankfile.members.actions import do_add_member, do_appoint
    from rankfile.members.models import Branch

    setup_test_environment()
    user = User.objects.filter(email="bench@example.org").first()
    if user is None:
        member = do_add_member(
            None,
            first_name="Bench",
            last_name="Admin",
            branch=Branch.objects.order_by("pk").first(),
            joined_on=datetime.date(2020, 1, 1),
            member_number="B-1",
            email="bench@example.org",
        )
        user = User.objects.create(email="bench@example.org")
        member.user = user
        member.save(update_fields=["user"])
        do_appoint(None, member, role="admin", branch=None, started_on=datetime.date(2020, 1, 1))
    client = Client()
    client.force_login(user)
    return client


def load_preview(job_id: int, loads: int) -> int:
    """In a process of its own: the preview page, loaded `loads` times."""
    import django

    os.environ["DJANGO_SETTINGS_MODULE"] = "rankfile.settings"
    django.setup()
    from django.urls import reverse

    client = admin_client()
    url = reverse("member_import_job", args=[job_id])
    baseline = peak_rss_mb()
    for n in range(loads):
        started = time.perf_counter()
        response = client.get(url + ("" if n % 2 == 0 else f"?add={n + 1}"))
        elapsed = time.perf_counter() - started
        assert response.status_code == 200 and b"Members to add" in response.content
        print(f"preview load {n + 1}: {elapsed * 1000:7.1f} ms")
    print(f"preview process peak RSS: {peak_rss_mb():.0f} MB (after start-up: {baseline:.0f} MB)")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=300_000)
    parser.add_argument("--loads", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep the temporary database")
    parser.add_argument("--preview", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.preview:
        return load_preview(args.preview, args.loads)

    home, slugs = fresh_organization("rankfile-bench-preview-", args.keep)
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from rankfile.members.models import ImportJob

    path = home / "members.csv"
    write_csv(path, args.members, slugs)
    size = path.stat().st_size / 1e6
    print(f"{args.members} members, {size:.1f} MB CSV, SQLite under {home}")
    client = admin_client()

    started = time.perf_counter()
    with path.open("rb") as handle:
        upload = SimpleUploadedFile("members.csv", handle.read(), content_type="text/csv")
    client.post(reverse("member_import"), {"file": upload})
    print(f"upload (file kept in the database): {time.perf_counter() - started:6.2f} s")
    del upload
    job = ImportJob.objects.latest("pk")
    assert job.status == ImportJob.CHECKING, job.status

    env = {
        **os.environ,
        "RANKFILE_HOME": str(home),
        "DJANGO_SETTINGS_MODULE": "rankfile.settings",
    }
    started = time.perf_counter()
    worker = subprocess.run(
        [sys.executable, "-c", WORKER], env=env, check=True, capture_output=True, text=True
    )
    worker_peak = int(worker.stdout.split()[-1]) / 1024
    job.refresh_from_db()
    assert job.status == ImportJob.UPLOADED, (job.status, job.result)
    counts = job.result["plan"]["counts"]
    print(
        f"checked once by the worker: {time.perf_counter() - started:6.2f} s, "
        f"worker peak RSS {worker_peak:.0f} MB; {counts['created']} to add, "
        f"{counts['errors']} errors"
    )
    subprocess.run(
        [sys.executable, __file__, "--preview", str(job.pk), "--loads", str(args.loads)],
        env=env,
        check=True,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
