"""Members imports on the web, as jobs: the file kept in the database, checked once (the
plan kept for a paged preview), then applied all or nothing — big files by the task worker
(`rankfile db_worker`, django-tasks' database backend), small ones in the request.

A job's state never contradicts the database:

- The applied state (done, or failed with the errors) is written in the same transaction as
  the import itself, so a job is "done" exactly when its members are there.
- A worker holds the job's lock (PostgreSQL: a session advisory lock; SQLite: a lock on a
  file next to the database, which is on one machine) while it checks or applies the job.
  The operating system or the database drops it when the process dies.
- The job page looks at a job the queue says is running: when nobody holds its lock, its
  worker died, its transaction was rolled back, and the page marks it failed ("nothing was
  imported") — holding the lock while it does, so a worker that starts late finds the job
  settled and does nothing.

Progress is written outside the import's transaction: to the job row through a second
connection on PostgreSQL, to a small file on SQLite (whose one writer is the import).
"""

from __future__ import annotations

import contextlib
import datetime
import fcntl
import io
import json
import logging
import os
import time
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection, connections, transaction
from django.utils import timezone
from django_tasks import task

from rankfile.members.csvfile import FileFacts, UnreadableFile, inspect_chunks
from rankfile.members.importing import (
    FileSource,
    ImportPlan,
    do_apply_import,
    import_scope,
    plan_import,
)
from rankfile.members.models import ImportFileChunk, ImportJob, ImportPlanEntry

log = logging.getLogger(__name__)

CHUNK_BYTES = 1024 * 1024
# Check and apply in the request below this many lines; by the task worker from here on.
BACKGROUND_FROM_LINES = 5000
# Rows of each kind (to add, to change, errors) kept for the preview.
KEPT_ENTRIES = 5000
KEPT_ERRORS = 500
# A job the queue has started but whose lock nobody holds, this long after it started,
# lost its worker.
START_GRACE = datetime.timedelta(seconds=10)
PROGRESS_EVERY = 0.5  # seconds

GONE = "The uploaded file is gone; upload it again."
INTERRUPTED = "The import was interrupted (its worker stopped); nothing was imported."


# --- the file, kept in the database -------------------------------------------------


def store_upload(job: ImportJob, chunks: Iterable[bytes]) -> FileFacts:
    """Keep the uploaded file with its job, one megabyte a row, and return what one pass
    over it found (SHA-256, encoding, lines). UnreadableFile when it is UTF-16."""
    seq = 0
    buffer = bytearray()

    def stored() -> Iterator[bytes]:
        nonlocal seq, buffer
        for chunk in chunks:
            buffer += chunk
            while len(buffer) >= CHUNK_BYTES:
                piece = bytes(buffer[:CHUNK_BYTES])
                del buffer[:CHUNK_BYTES]
                ImportFileChunk.objects.create(job=job, seq=seq, data=piece)
                seq += 1
                yield piece
        if buffer:
            ImportFileChunk.objects.create(job=job, seq=seq, data=bytes(buffer))
            yield bytes(buffer)

    return inspect_chunks(stored())


class _StoredFile(io.RawIOBase):
    """The kept file, read chunk by chunk (one chunk in memory at a time)."""

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self.seq = 0
        self.pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if not self.pending:
            row = (
                ImportFileChunk.objects.filter(job_id=self.job_id, seq=self.seq)
                .values_list("data", flat=True)
                .first()
            )
            if row is None:
                return 0
            self.pending = bytes(row)
            self.seq += 1
        size = min(len(buffer), len(self.pending))
        buffer[:size] = self.pending[:size]
        self.pending = self.pending[size:]
        return size


def file_source(job: ImportJob) -> FileSource | None:
    facts = job.result.get("file")
    if facts is None or not ImportFileChunk.objects.filter(job=job).exists():
        return None
    return FileSource(
        open=lambda: io.BufferedReader(_StoredFile(job.pk), CHUNK_BYTES),
        facts=FileFacts(**facts),
    )


def forget_file(job: ImportJob) -> None:
    ImportFileChunk.objects.filter(job=job).delete()


# --- who is working on a job ---------------------------------------------------------


def _lock_key(job_id: int) -> int:
    return zlib.crc32(f"rankfile.import.{job_id}".encode()) + (1 << 32)


def _lock_dir() -> Path:
    return Path(settings.RANKFILE_IMPORTS_DIR)


@contextlib.contextmanager
def job_lock(job_id: int, *, wait: bool) -> Iterator[bool]:
    """Hold the job's lock for the block; yields False when ``wait`` is off and someone
    else holds it."""
    if connection.vendor == "postgresql":
        function = "pg_advisory_lock" if wait else "pg_try_advisory_lock"
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {function}(%s)", [_lock_key(job_id)])
            row = cursor.fetchone()
        held = wait or bool(row and row[0])
        try:
            yield held
        finally:
            if held:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [_lock_key(job_id)])
        return
    directory = _lock_dir()
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"job-{job_id}.lock"
    with path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# --- progress, outside the import's transaction -----------------------------------


class Progress:
    """Reports (stage, done, total) of a job where the job page can read it."""

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self.last = 0.0
        self.side: Any = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.last < PROGRESS_EVERY and done < total:
            return
        self.last = now
        if connection.vendor == "postgresql":
            if self.side is None:
                self.side = connections.create_connection("default")
            with self.side.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {ImportJob._meta.db_table} "  # noqa: S608
                    "SET result = jsonb_set(result, '{progress}', %s::jsonb) WHERE id = %s",
                    [json.dumps([stage, done, total]), self.job_id],
                )
        else:
            path = _lock_dir() / f"job-{self.job_id}.progress"
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_suffix(".tmp")
            temporary.write_text(json.dumps([stage, done, total]))
            os.replace(temporary, path)

    def close(self) -> None:
        if self.side is not None:
            self.side.close()
        (_lock_dir() / f"job-{self.job_id}.progress").unlink(missing_ok=True)


def read_progress(job: ImportJob) -> tuple[str, int, int]:
    if connection.vendor == "postgresql":
        found = job.result.get("progress")
    else:
        try:
            found = json.loads((_lock_dir() / f"job-{job.pk}.progress").read_text())
        except (FileNotFoundError, ValueError):
            found = None
    if not found:
        return ("waiting", 0, max(job.total, 1))
    stage, done, total = found
    return stage, done, max(total, done, 1)


# --- checking: the plan, kept -----------------------------------------------------


def _entries(job: ImportJob, plan: ImportPlan) -> Iterator[ImportPlanEntry]:
    slugs = plan.branch_slugs
    for row in plan.to_create[:KEPT_ENTRIES]:
        yield ImportPlanEntry(
            job=job,
            kind=ImportPlanEntry.CREATE,
            line=row.line,
            data={
                "member_number": row.member_number,
                "name": f"{row.first_name} {row.last_name}",
                "branch": slugs[row.branch_id],
                "joined_on": row.joined_on.isoformat(),
                "status": row.status or "member",
            },
        )
    for update in plan.to_update[:KEPT_ENTRIES]:
        yield ImportPlanEntry(
            job=job,
            kind=ImportPlanEntry.UPDATE,
            line=update.row.line,
            data={
                "member_number": update.row.member_number,
                "name": f"{update.row.first_name} {update.row.last_name}",
                "changes": [[name, old, new] for name, (old, new) in update.changes.items()],
                "events": update.events,
            },
        )
    for error in plan.errors[:KEPT_ENTRIES]:
        yield ImportPlanEntry(
            job=job,
            kind=ImportPlanEntry.ERROR,
            line=error.line,
            data={"column": error.column, "reason": error.reason},
        )


def check_job(job_id: int) -> None:
    """Make the plan of a job being checked, once, and keep it for the preview."""
    with job_lock(job_id, wait=True):
        job = ImportJob.objects.select_related("created_by").get(pk=job_id)
        if job.status != ImportJob.CHECKING:
            return
        progress = Progress(job.pk)
        try:
            source = file_source(job)
            if source is None:
                _fail(job, ImportJob.CHECKING, GONE)
                return
            plan = plan_import(
                source,
                file_name=job.file_name,
                actor=job.created_by,
                progress=progress,
                keep=KEPT_ENTRIES,
            )
        except PermissionDenied as error:
            _fail(job, ImportJob.CHECKING, str(error))
            return
        finally:
            progress.close()
        with transaction.atomic():
            kept = ImportJob.objects.filter(pk=job.pk, status=ImportJob.CHECKING).update(
                status=ImportJob.UPLOADED,
                updated_at=timezone.now(),
                result={
                    "file": job.result["file"],
                    "plan": {
                        "counts": plan.counts(),
                        "warnings": plan.warnings,
                        "encoding": plan.encoding,
                        "delimiter": plan.delimiter,
                        "sha256": plan.sha256,
                    },
                },
            )
            if kept:
                ImportPlanEntry.objects.bulk_create(_entries(job, plan), batch_size=1000)


@task()
def check_members_import(job_id: int) -> None:
    check_job(job_id)


# --- applying: state and result in one transaction --------------------------------


def apply_job(job_id: int) -> None:
    """Apply a queued job, writing its state in the import's own transaction."""
    with job_lock(job_id, wait=True):
        job = ImportJob.objects.select_related("created_by").get(pk=job_id)
        if job.status != ImportJob.QUEUED:
            return  # settled already (by a page that found its worker gone)
        progress = Progress(job.pk)
        try:
            with transaction.atomic():
                source = file_source(job)
                if source is None:
                    plan = None
                else:
                    plan = do_apply_import(
                        source, file_name=job.file_name, actor=job.created_by, progress=progress
                    )
                _record_outcome(job, plan)
        except Exception as error:
            if not isinstance(error, PermissionDenied):
                log.exception("members import %s failed", job_id)
            message = (
                str(error)
                if isinstance(error, PermissionDenied)
                else "The import failed unexpectedly; nothing was imported."
            )
            _fail(job, ImportJob.QUEUED, message)
        finally:
            progress.close()
        job.refresh_from_db()
        _clean_up(job)


def _clean_up(job: ImportJob) -> None:
    """A finished job keeps its outcome, not its file or its preview."""
    if job.status in (ImportJob.DONE, ImportJob.FAILED):
        forget_file(job)
        job.entries.all().delete()


def _record_outcome(job: ImportJob, plan: ImportPlan | None) -> None:
    """The job's state, in the transaction that applied (or refused) its plan."""
    if plan is None:
        result: dict[str, Any] = {"message": GONE}
        status, processed = ImportJob.FAILED, 0
    else:
        counts = plan.counts()
        status = ImportJob.DONE if plan.applied else ImportJob.FAILED
        processed = counts["created"] + counts["updated"] if plan.applied else 0
        result = {
            "counts": counts,
            "errors": [
                {"line": e.line, "column": e.column, "reason": e.reason}
                for e in plan.errors[:KEPT_ERRORS]
            ],
        }
    ImportJob.objects.filter(pk=job.pk).update(
        status=status, processed=processed, result=result, updated_at=timezone.now()
    )


def _fail(job: ImportJob, expected: str, message: str) -> None:
    ImportJob.objects.filter(pk=job.pk, status=expected).update(
        status=ImportJob.FAILED, result={"message": message}, updated_at=timezone.now()
    )


@task()
def apply_members_import(job_id: int) -> None:
    apply_job(job_id)


# --- the web's side: start, queue, settle -----------------------------------------


def start_job(actor: Any, file_name: str, chunks: Iterable[bytes]) -> ImportJob:
    """Keep an uploaded file and have it checked: now when it is small, by the worker
    when it is big."""
    import_scope(actor)  # refuses people without the right before anything is kept
    with transaction.atomic():
        job = ImportJob.objects.create(
            created_by=actor, file_name=file_name, sha256="", status=ImportJob.CHECKING
        )
        try:
            facts = store_upload(job, chunks)
        except UnreadableFile as error:
            forget_file(job)
            job.status = ImportJob.UPLOADED
            job.result = {
                "plan": {
                    "counts": {"rows": 0, "errors": 1},
                    "warnings": [],
                    "encoding": "",
                    "delimiter": "",
                    "sha256": "",
                },
            }
            job.save()
            ImportPlanEntry.objects.create(
                job=job,
                kind=ImportPlanEntry.ERROR,
                line=1,
                data={"column": "", "reason": str(error)},
            )
            return job
        job.sha256, job.total = facts.sha256, facts.lines
        job.result = {"file": facts.__dict__}
        if facts.lines >= BACKGROUND_FROM_LINES:
            job.task_id = str(check_members_import.enqueue(job.pk).id)
        job.save()
    if facts.lines < BACKGROUND_FROM_LINES:
        check_job(job.pk)
        job.refresh_from_db()
    return job


def queue_apply(job: ImportJob) -> bool:
    """Claim a checked job for applying (once, however often the button is pressed):
    applied now when small, queued for the worker when big."""
    with transaction.atomic():
        claimed = ImportJob.objects.filter(pk=job.pk, status=ImportJob.UPLOADED).update(
            status=ImportJob.QUEUED,
            updated_at=timezone.now(),
            result={"file": job.result.get("file")},
        )
        if claimed and job.total >= BACKGROUND_FROM_LINES:
            task_id = str(apply_members_import.enqueue(job.pk).id)
            ImportJob.objects.filter(pk=job.pk).update(task_id=task_id)
    if claimed and job.total < BACKGROUND_FROM_LINES:
        apply_job(job.pk)
    return bool(claimed)


def settle(job: ImportJob) -> ImportJob:
    """The job as it truly stands: a job whose worker died is marked failed (its
    transaction was rolled back, so nothing of it was written)."""
    if job.status not in (ImportJob.CHECKING, ImportJob.QUEUED, ImportJob.RUNNING):
        return job
    if job.status == ImportJob.RUNNING:
        # Applied in a thread of the web process by an earlier version: that thread is gone.
        _fail(job, ImportJob.RUNNING, INTERRUPTED)
        job.refresh_from_db()
        return job
    if not job.task_id or not _worker_started(job.task_id):
        return job
    with job_lock(job.pk, wait=False) as free:
        if free:
            message = (
                INTERRUPTED
                if job.status == ImportJob.QUEUED
                else ("Checking the file was interrupted (its worker stopped); upload it again.")
            )
            _fail(job, job.status, message)
    job.refresh_from_db()
    _clean_up(job)
    return job


def _worker_started(task_id: str) -> bool:
    from django_tasks_db.models import DBTaskResult

    found = DBTaskResult.objects.filter(pk=task_id).values_list("status", "started_at").first()
    if found is None:
        return False
    status, started_at = found
    if status == "READY":
        return False
    return started_at is None or timezone.now() - started_at > START_GRACE
