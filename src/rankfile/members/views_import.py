"""Members import and export on the web: upload → preview → apply → done, and the export.

The uploaded file is kept under var/imports/, named by its SHA-256, between the preview and
the apply; applying plans it again (the database may have changed since the preview). A big
file is applied in a background thread; the job page refreshes itself every second and shows
its progress (no JavaScript needed). Applying is all-or-nothing, in one transaction, so the
database shows nothing of an import until it is done. While that transaction is open the
job's row cannot be written either (SQLite has one writer), so progress is kept in this
process and the row is written at the start and the end.
"""

from __future__ import annotations

import datetime
import logging
import threading
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import close_old_connections, connection
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from rankfile.members.access import viewer_for
from rankfile.members.exporting import csv_lines, prepare_export
from rankfile.members.importing import ImportPlan, apply_import, file_sha256, plan_import
from rankfile.members.models import ImportJob

log = logging.getLogger(__name__)

MAX_FILE_BYTES = 100 * 1024 * 1024
# Apply in the request below this many lines; in a background thread from here on.
BACKGROUND_FROM_LINES = 5000
SHOWN_ROWS = 200
KEPT_ERRORS = 500
# A job still "running" this long after its last word was cut off by a restart (its
# transaction was rolled back, so nothing of it was written).
STALE_AFTER = datetime.timedelta(minutes=30)
# Uploaded files never applied are deleted after this long.
KEEP_UPLOADS = datetime.timedelta(days=7)

# job id -> (stage, done, total), while a job runs in this process
LIVE_PROGRESS: dict[int, tuple[str, int, int]] = {}


def imports_dir() -> Path:
    configured = getattr(settings, "RANKFILE_IMPORTS_DIR", None)
    return Path(configured) if configured else settings.PROJECT_DIR / "var" / "imports"


def _stored_file(sha256: str) -> Path:
    return imports_dir() / f"{sha256}.csv"


def _require_importer(request: HttpRequest) -> None:
    viewer_for(request.user).require("member.import")


def _access_job(request: HttpRequest, pk: int) -> ImportJob:
    """A job of the person asking (the appeals body and admins see their own too: an import
    is a personal piece of work until it is applied and audited)."""
    _require_importer(request)
    try:
        return ImportJob.objects.get(pk=pk, created_by=request.user)
    except ImportJob.DoesNotExist:
        raise Http404("No such import.") from None


@login_required
def upload(request: HttpRequest) -> HttpResponse:
    _require_importer(request)
    error = ""
    if request.method == "POST":
        uploaded = request.FILES.get("file")
        if uploaded is None or not uploaded.size:
            error = "Choose a CSV file to upload."
        elif uploaded.size > MAX_FILE_BYTES:
            error = f"The file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB."
        else:
            data = uploaded.read()
            sha256 = file_sha256(data)
            path = _stored_file(sha256)
            path.parent.mkdir(parents=True, exist_ok=True)
            if not path.exists():
                path.write_bytes(data)
            job = ImportJob.objects.create(
                created_by=request.user,
                file_name=Path(uploaded.name or "members.csv").name[:255],
                sha256=sha256,
                total=data.count(b"\n"),
            )
            _expire_old_uploads()
            return redirect("member_import_job", pk=job.pk)
    jobs = ImportJob.objects.filter(created_by=request.user)[:10]
    return render(
        request,
        "members/import_upload.html",
        {"error": error, "jobs": jobs},
        status=400 if error else 200,
    )


@login_required
def job_page(request: HttpRequest, pk: int) -> HttpResponse:
    job = _access_job(request, pk)
    if job.status == ImportJob.UPLOADED:
        return _preview(request, job)
    if job.status == ImportJob.RUNNING:
        if job.pk not in LIVE_PROGRESS and timezone.now() - job.updated_at > STALE_AFTER:
            job.status = ImportJob.FAILED
            job.result = {"message": "The import was interrupted; nothing was imported."}
            job.save(update_fields=["status", "result"])
        else:
            stage, done, total = LIVE_PROGRESS.get(job.pk, ("starting", 0, job.total))
            response = render(
                request,
                "members/import_progress.html",
                {"job": job, "stage": stage, "done": done, "total": max(total, done, 1)},
            )
            response["Refresh"] = "1"
            return response
    return render(request, "members/import_done.html", {"job": job})


def _read_stored(job: ImportJob) -> bytes | None:
    try:
        return _stored_file(job.sha256).read_bytes()
    except FileNotFoundError:
        return None


def _preview(request: HttpRequest, job: ImportJob) -> HttpResponse:
    data = _read_stored(job)
    if data is None:
        job.status = ImportJob.FAILED
        job.result = {"message": "The uploaded file is gone; upload it again."}
        job.save(update_fields=["status", "result"])
        return redirect("member_import_job", pk=job.pk)
    plan = plan_import(data, file_name=job.file_name, actor=request.user)
    return render(
        request,
        "members/import_preview.html",
        {
            "job": job,
            "plan": plan,
            "counts": plan.counts(),
            "errors": plan.errors[:KEPT_ERRORS],
            "to_create": _created_rows(plan),
            "to_update": plan.to_update[:SHOWN_ROWS],
            "shown_rows": SHOWN_ROWS,
        },
    )


def _created_rows(plan: ImportPlan) -> list[dict[str, Any]]:
    return [
        {
            "line": row.line,
            "member_number": row.member_number,
            "name": f"{row.first_name} {row.last_name}",
            "branch": plan.branch_slugs[row.branch_id],
            "joined_on": row.joined_on,
            "status": row.status or "member",
        }
        for row in plan.to_create[:SHOWN_ROWS]
    ]


@login_required
@require_POST
def apply(request: HttpRequest, pk: int) -> HttpResponse:
    job = _access_job(request, pk)
    # Only one apply per job, however often the button is pressed.
    claimed = ImportJob.objects.filter(pk=job.pk, status=ImportJob.UPLOADED).update(
        status=ImportJob.RUNNING, updated_at=timezone.now()
    )
    if claimed:
        if job.total >= BACKGROUND_FROM_LINES:
            LIVE_PROGRESS[job.pk] = ("starting", 0, job.total)
            threading.Thread(target=run_job, args=(job.pk, True), daemon=True).start()
        else:
            run_job(job.pk)
    return redirect("member_import_job", pk=job.pk)


def run_job(job_id: int, in_thread: bool = False) -> None:
    """Apply a claimed job and record how it ended."""
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)

    def progress(stage: str, done: int, total: int) -> None:
        LIVE_PROGRESS[job_id] = (stage, done, total)

    try:
        data = _read_stored(job)
        if data is None:
            job.status = ImportJob.FAILED
            job.result = {"message": "The uploaded file is gone; upload it again."}
        else:
            plan = apply_import(
                data, file_name=job.file_name, actor=job.created_by, progress=progress
            )
            job.status = ImportJob.DONE if plan.applied else ImportJob.FAILED
            job.processed = plan.counts()["created"] + plan.counts()["updated"]
            job.result = {
                "counts": plan.counts(),
                "errors": [
                    {"line": e.line, "column": e.column, "reason": e.reason}
                    for e in plan.errors[:KEPT_ERRORS]
                ],
            }
    except PermissionDenied as error:
        job.status = ImportJob.FAILED
        job.result = {"message": str(error)}
    except Exception:
        log.exception("members import %s failed", job_id)
        job.status = ImportJob.FAILED
        job.result = {"message": "The import failed unexpectedly; nothing was imported."}
    finally:
        job.updated_at = timezone.now()
        job.save(update_fields=["status", "processed", "result", "updated_at"])
        LIVE_PROGRESS.pop(job_id, None)
        _forget_file(job)
        if in_thread:
            connection.close()
            close_old_connections()


def _expire_old_uploads() -> None:
    old = ImportJob.objects.filter(
        status=ImportJob.UPLOADED, created_at__lt=timezone.now() - KEEP_UPLOADS
    )
    for job in old:
        job.status = ImportJob.FAILED
        job.result = {"message": "Not applied within a week; upload the file again."}
        job.save(update_fields=["status", "result"])
        _forget_file(job)


def _forget_file(job: ImportJob) -> None:
    still_needed = (
        ImportJob.objects.filter(sha256=job.sha256, status=ImportJob.UPLOADED)
        .exclude(pk=job.pk)
        .exists()
    )
    if not still_needed:
        _stored_file(job.sha256).unlink(missing_ok=True)


@login_required
def export(request: HttpRequest) -> StreamingHttpResponse:
    # Officers download the members of the branches they cover, with the cells they may see.
    members = prepare_export(request.user)
    response = StreamingHttpResponse(
        csv_lines(members.records()), content_type="text/csv; charset=utf-8"
    )
    filename = f"members-{timezone.localdate().isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
