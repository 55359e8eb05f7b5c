"""Reads for the mailroom: the triage queue, pages of a document, the results report."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Prefetch, QuerySet

from amtsbote.accounts.models import User
from amtsbote.cases.models import Case, Jobcenter

from .access import can_use_mailroom
from .constants import IntakeStatus
from .models import IntakeDocument, ScanBatch, ScanFile, ScanPage


def triage_queue(*, jobcenter: Jobcenter) -> QuerySet[IntakeDocument]:
    """What waits for a person, oldest first."""
    return (
        IntakeDocument.objects.filter(file__jobcenter=jobcenter, status=IntakeStatus.TRIAGE)
        .select_related("file", "file__batch")
        .order_by("created_at", "id")
    )


def intake_document_pages(intake_document: IntakeDocument) -> QuerySet[ScanPage]:
    """The document's pages in order (separator sheets left out)."""
    return ScanPage.objects.filter(
        file_id=intake_document.file_id,
        index__gte=intake_document.first_page,
        index__lte=intake_document.last_page,
        is_separator=False,
    ).order_by("index")


def scan_batches(*, jobcenter: Jobcenter) -> QuerySet[ScanBatch]:
    return ScanBatch.objects.filter(jobcenter=jobcenter).select_related("operator", "qa_by")


def scan_files_for_report(
    *, jobcenter: Jobcenter | None = None, since: dt.datetime | None = None
) -> QuerySet[ScanFile]:
    files = ScanFile.objects.select_related("batch", "jobcenter").prefetch_related(
        Prefetch(
            "documents",
            queryset=IntakeDocument.objects.select_related("case").order_by("first_page"),
        )
    )
    if jobcenter is not None:
        files = files.filter(jobcenter=jobcenter)
    if since is not None:
        files = files.filter(created_at__gte=since)
    return files.order_by("created_at", "id")


def intake_report(
    *, jobcenter: Jobcenter | None = None, since: dt.datetime | None = None
) -> list[dict[str, Any]]:
    """Per input file: the documents made from it (pages 1-based), case or None, type, text."""
    rows = []
    for scan_file in scan_files_for_report(jobcenter=jobcenter, since=since):
        rows.append(
            {
                "file": scan_file.filename,
                "sha256": scan_file.sha256,
                "jobcenter": scan_file.jobcenter.slug,
                "batch": str(scan_file.batch.uuid),
                "received_at": scan_file.created_at.isoformat(),
                "status": scan_file.status,
                "error": scan_file.error or None,
                "pages": scan_file.page_count,
                "documents": [
                    {
                        "first_page": doc.first_page + 1,
                        "last_page": doc.last_page + 1,
                        "status": doc.status,
                        "case": doc.case.bg_number if doc.case else None,
                        "identified_by": doc.identifier_kind,
                        "confidence": round(doc.confidence, 4),
                        "type": doc.type_code or None,
                        "type_confidence": round(doc.type_confidence, 4),
                        "text": doc.text,
                    }
                    for doc in scan_file.documents.all()
                ],
            }
        )
    return rows


def cases_for_intake(user: User) -> QuerySet[Case]:
    """Every case of the jobcenter for mailroom work: post may belong to any household."""
    if not can_use_mailroom(user) or user.jobcenter_id is None:
        return Case.objects.none()
    return Case.objects.filter(jobcenter_id=user.jobcenter_id)
