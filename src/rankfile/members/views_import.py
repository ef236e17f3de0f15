"""Members import and export on the web: upload → check → preview → apply → done.

The uploaded file is kept in the database with its job and checked once; the plan (counts,
and the first rows to add, to change and the errors) is kept too, so the preview is a few
small queries, paged, however big the file (members/import_jobs.py). Applying checks the
file again against the database as it is then, all or nothing. Big files are checked and
applied by the task worker; the job page refreshes itself every second and shows the
progress (no JavaScript needed).
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from rankfile.members import import_jobs
from rankfile.members.access import viewer_for
from rankfile.members.exporting import csv_lines, do_export_members
from rankfile.members.models import ImportJob, ImportPlanEntry

MAX_FILE_BYTES = 100 * 1024 * 1024
PAGE_ROWS = 100
# Uploaded files never applied are deleted after this long.
KEEP_UPLOADS = datetime.timedelta(days=7)


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
            job = import_jobs.start_job(
                request.user,
                Path(uploaded.name or "members.csv").name[:255],
                uploaded.chunks(import_jobs.CHUNK_BYTES),
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
    job = import_jobs.settle(_access_job(request, pk))
    if job.status == ImportJob.UPLOADED:
        return _preview(request, job)
    if job.status in (ImportJob.CHECKING, ImportJob.QUEUED):
        stage, done, total = import_jobs.read_progress(job)
        response = render(
            request,
            "members/import_progress.html",
            {"job": job, "stage": stage, "done": done, "total": total},
        )
        response["Refresh"] = "1"
        return response
    return render(request, "members/import_done.html", {"job": job})


# Each kind of row of the preview, with the query parameter of its page.
SECTIONS = (
    ("errors", ImportPlanEntry.ERROR),
    ("change", ImportPlanEntry.UPDATE),
    ("add", ImportPlanEntry.CREATE),
)


def _preview(request: HttpRequest, job: ImportJob) -> HttpResponse:
    """The kept plan: its counts and one page of each kind of row (no file is read)."""
    plan = job.result.get("plan", {})
    pages: dict[str, Any] = {}
    for name, kind in SECTIONS:
        entries = ImportPlanEntry.objects.filter(job=job, kind=kind).order_by("line", "pk")
        page = Paginator(entries.values_list("line", "data"), PAGE_ROWS).get_page(
            request.GET.get(name)
        )
        page.rows = [{"line": line, **data} for line, data in page.object_list]
        others = request.GET.copy()
        others.pop(name, None)
        page.others = others.urlencode()
        pages[name] = page
    return render(
        request,
        "members/import_preview.html",
        {
            "job": job,
            "plan": plan,
            "counts": plan.get("counts", {}),
            "pages": pages,
            "errors": pages["errors"].rows,
            "kept": import_jobs.KEPT_ENTRIES,
        },
    )


@login_required
@require_POST
def apply(request: HttpRequest, pk: int) -> HttpResponse:
    job = _access_job(request, pk)
    if job.status == ImportJob.UPLOADED and job.result.get("plan", {}).get("counts", {}).get(
        "errors"
    ):
        raise PermissionDenied("This file has errors: fix them and upload it again.")
    import_jobs.queue_apply(job)
    return redirect("member_import_job", pk=job.pk)


def _expire_old_uploads() -> None:
    old = ImportJob.objects.filter(
        status=ImportJob.UPLOADED, created_at__lt=timezone.now() - KEEP_UPLOADS
    )
    for job in old:
        job.status = ImportJob.FAILED
        job.result = {"message": "Not applied within a week; upload the file again."}
        job.save(update_fields=["status", "result"])
        import_jobs.forget_file(job)
        job.entries.all().delete()


@login_required
def export(request: HttpRequest) -> StreamingHttpResponse:
    # Officers download the members of the branches they cover, with the cells they may see.
    members = do_export_members(request.user)
    response = StreamingHttpResponse(
        csv_lines(members.records()), content_type="text/csv; charset=utf-8"
    )
    filename = f"members-{timezone.localdate().isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
