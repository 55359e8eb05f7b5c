"""Writes for the mailroom: batches and files in (idempotent by SHA-256), handed to the worker."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import partial
from pathlib import PurePath

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from amtsbote import audit
from amtsbote.accounts.models import User
from amtsbote.cases.models import Jobcenter
from amtsbote.core.exceptions import PermissionDenied, UnsupportedUpload, ValidationFailed
from amtsbote.core.storage import StoredFiles

from .. import pages as page_tools
from ..constants import BatchSource, BatchStatus, FileStatus, QaStatus
from ..models import ScanBatch, ScanFile


def destroy_after_days() -> int:
    return int(getattr(settings, "INTAKE_DESTROY_AFTER_DAYS", 56))


# --- batches and files ------------------------------------------------------------------------


@transaction.atomic
def scan_batch_create(
    *,
    jobcenter: Jobcenter,
    source: str,
    operator: User | None = None,
    label: str = "",
    started_at: dt.datetime | None = None,
) -> ScanBatch:
    started_at = started_at or timezone.now()
    batch = ScanBatch.objects.create(
        jobcenter=jobcenter,
        source=source,
        operator=operator,
        label=label[:200],
        started_at=started_at,
        destroy_paper_after=timezone.localdate(started_at)
        + dt.timedelta(days=destroy_after_days()),
    )
    audit.record(
        "intake.batch.create",
        actor=operator,
        subject=batch,
        jobcenter_id=jobcenter.pk,
        data={"source": source, "label": label},
    )
    return batch


@dataclass
class Imported:
    """The outcome of importing one file: new, already there (by SHA-256) or refused."""

    filename: str
    scan_file: ScanFile | None = None
    duplicate: bool = False
    error: str = ""


def scan_file_import(*, batch: ScanBatch, filename: str, data: bytes) -> Imported:
    """Keep a file unchanged in the batch store; a file seen before is not imported again."""
    name = PurePath(filename).name[:255] or "scan"
    try:
        inspected = page_tools.inspect(name, data)
    except UnsupportedUpload as exc:
        return Imported(name, error=exc.message)
    existing = ScanFile.objects.filter(jobcenter=batch.jobcenter, sha256=inspected.sha256).first()
    if existing is not None:
        return Imported(name, scan_file=existing, duplicate=True)
    try:
        with StoredFiles() as stored, transaction.atomic():
            scan_file = ScanFile(
                batch=batch,
                jobcenter=batch.jobcenter,
                filename=name,
                sha256=inspected.sha256,
                size=len(data),
                mime_type=inspected.mime_type,
                kind=inspected.kind,
                page_count=inspected.page_count,
            )
            scan_file.original.name = stored.save(
                scan_file.original.field.generate_filename(scan_file, name),
                ContentFile(data),
            )
            scan_file.save()
            ScanBatch.objects.filter(pk=batch.pk).update(
                page_count=F("page_count") + inspected.page_count
            )
            audit.record(
                "intake.file.import",
                actor=batch.operator,
                subject=scan_file,
                jobcenter_id=batch.jobcenter_id,
                data={
                    "batch": str(batch.uuid),
                    "filename": name,
                    "sha256": inspected.sha256,
                    "pages": inspected.page_count,
                },
            )
    except IntegrityError:  # the same file arrived at the same moment through another way
        existing = ScanFile.objects.get(jobcenter=batch.jobcenter, sha256=inspected.sha256)
        return Imported(name, scan_file=existing, duplicate=True)
    return Imported(name, scan_file=scan_file)


@dataclass
class BatchImport:
    batch: ScanBatch
    imported: list[ScanFile] = field(default_factory=list)
    duplicates: list[ScanFile] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)


def scan_batch_create_from_upload(
    *,
    jobcenter: Jobcenter,
    operator: User,
    files: list[tuple[str, bytes]],
    source: str = BatchSource.DESK,
    label: str = "",
) -> BatchImport:
    """Drag-and-drop on the desk: one batch of many files, processed by the worker.

    Each file is kept as received and processed in a task after commit. Files seen before
    (same SHA-256) are listed as duplicates; files of other kinds are listed as refused with
    the reason, the others are still imported.
    """
    if not operator.is_jobcenter_staff or operator.jobcenter_id != jobcenter.pk:
        raise PermissionDenied(_("Only staff of this jobcenter can add scans."))
    if not files:
        raise ValidationFailed(_("Please add at least one file."))
    result = BatchImport(
        scan_batch_create(jobcenter=jobcenter, source=source, operator=operator, label=label)
    )
    for filename, data in files:
        outcome = scan_file_import(batch=result.batch, filename=filename, data=data)
        if outcome.error:
            result.refused.append((outcome.filename, outcome.error))
        elif outcome.duplicate and outcome.scan_file is not None:
            result.duplicates.append(outcome.scan_file)
        elif outcome.scan_file is not None:
            result.imported.append(outcome.scan_file)
    scan_batch_enqueue(batch=result.batch)
    return result


def files_per_task() -> int:
    """How many files one task processes at once (its pages share the worker's cores)."""
    return max(1, int(getattr(settings, "INTAKE_FILES_PER_TASK", 20)))


def scan_files_enqueue(ids: list[int]) -> None:
    """Hand files to the worker after commit, in tasks of ``files_per_task()`` files: one task
    keeps a machine's cores busy, and several workers share a large batch."""
    from ..tasks import scan_files_process

    size = files_per_task()
    for start in range(0, len(ids), size):
        transaction.on_commit(partial(scan_files_process.enqueue, ids[start : start + size]))


def scan_batch_enqueue(*, batch: ScanBatch) -> None:
    """Hand every unfinished file of the batch to the worker (after commit)."""
    batch.refresh_from_db()
    ids = list(
        batch.files.exclude(status=FileStatus.DONE).order_by("pk").values_list("pk", flat=True)
    )
    if not ids:
        scan_batch_finish(batch=batch)
    scan_files_enqueue(ids)


def scan_files_resume(*, stale_minutes: int | None = None) -> list[int]:
    """Hand files again to the worker whose processing stopped (worker killed, task lost).

    A file counts as stopped when it is pending or processing and nothing happened to it for
    ``INTAKE_STALE_MINUTES`` (every finished page touches it). Processing is resumable and
    idempotent, so a file handed over twice costs time, never correctness.
    """
    if stale_minutes is None:
        stale_minutes = int(getattr(settings, "INTAKE_STALE_MINUTES", 10))
    cutoff = timezone.now() - dt.timedelta(minutes=stale_minutes)
    ids = list(
        ScanFile.objects.filter(
            status__in=[FileStatus.PENDING, FileStatus.PROCESSING], updated_at__lte=cutoff
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    scan_files_enqueue(ids)
    return ids


def scan_batch_finish(*, batch: ScanBatch) -> ScanBatch:
    """Close the batch once none of its files waits any more."""
    with transaction.atomic():
        batch = ScanBatch.objects.select_for_update().get(pk=batch.pk)
        statuses = set(batch.files.values_list("status", flat=True))
        if statuses & {FileStatus.PENDING, FileStatus.PROCESSING}:
            if batch.status == BatchStatus.PENDING:
                batch.status = BatchStatus.PROCESSING
                batch.save(update_fields=["status", "updated_at"])
            return batch
        if batch.status in (BatchStatus.DONE, BatchStatus.FAILED):
            return batch
        batch.status = BatchStatus.FAILED if FileStatus.FAILED in statuses else BatchStatus.DONE
        batch.finished_at = timezone.now()
        batch.page_count = sum(batch.files.values_list("page_count", flat=True))
        batch.save(update_fields=["status", "finished_at", "page_count", "updated_at"])
        audit.record(
            "intake.batch.finish",
            subject=batch,
            jobcenter_id=batch.jobcenter_id,
            data={"status": batch.status, "pages": batch.page_count},
        )
    return batch


@transaction.atomic
def scan_batch_check(*, batch: ScanBatch, actor: User, passed: bool, note: str = "") -> ScanBatch:
    """Record the quality check of a batch (RESISCAN: a person compared scan and paper)."""
    if actor.jobcenter_id != batch.jobcenter_id or not actor.is_jobcenter_staff:
        raise PermissionDenied(_("Only staff of this jobcenter can check scans."))
    batch.qa_status = QaStatus.PASSED if passed else QaStatus.FAILED
    batch.qa_by, batch.qa_at, batch.qa_note = actor, timezone.now(), note
    batch.save(update_fields=["qa_status", "qa_by", "qa_at", "qa_note", "updated_at"])
    audit.record(
        "intake.batch.check",
        actor=actor,
        subject=batch,
        jobcenter_id=batch.jobcenter_id,
        data={"passed": passed, "note": note},
    )
    return batch
