"""Filing a document cut from a scan: into the case when sure, else into triage."""

from __future__ import annotations

import hashlib
from pathlib import PurePath

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from amtsbote import audit
from amtsbote.accounts.models import User
from amtsbote.cases.models import Case
from amtsbote.core.storage import StoredFiles
from amtsbote.doc_requests.constants import ItemStatus, RequestStatus
from amtsbote.doc_requests.models import DocRequest, DocRequestItem
from amtsbote.doc_requests.services import doc_request_item_fulfil
from amtsbote.documents import processing
from amtsbote.documents.constants import Source
from amtsbote.documents.models import Document, DocumentType
from amtsbote.documents.services import document_create

from .. import assembly
from ..constants import IntakeStatus
from ..models import IntakeDocument, ScanFile

# --- filing -----------------------------------------------------------------------------------


def document_type_by_code(code: str) -> DocumentType | None:
    return DocumentType.objects.filter(code=code, is_active=True).first() if code else None


def file_into_case(
    *, intake: IntakeDocument, case: Case, actor: User | None, stored: StoredFiles
) -> Document:
    """Create the e-file document from the intake document's pages (caller's transaction)."""
    pages = list(
        intake.file.pages.filter(index__gte=intake.first_page, index__lte=intake.last_page)
    )
    pdf, count = assembly.document_pdf(pages)
    document_type = document_type_by_code(intake.type_code)
    stem = PurePath(intake.file.filename).stem[:150]
    checked = processing.Checked(
        filename=f"{stem}_S{intake.first_page + 1}-{intake.last_page + 1}.pdf",
        data=pdf,
        kind="pdf",
        pages=count,
        sha256=hashlib.sha256(pdf).hexdigest(),
    )
    with translation.override(settings.LANGUAGE_CODE):
        title = document_type.name if document_type else _("Incoming letter")
    document = document_create(
        case=case,
        files=[checked],
        title=title,
        source=Source.SCAN,
        document_type=document_type,
        submitted_by=actor,
        received_at=intake.file.batch.started_at,
        stored=stored,
        text=intake.text,  # recognised already: no second OCR
        thumbnail=assembly.document_thumbnail(pages),
    )
    intake.case, intake.document, intake.status = case, document, IntakeStatus.FILED
    _fulfil_request_items(intake=intake, document=document, actor=actor)
    return document


def _fulfil_request_items(
    *, intake: IntakeDocument, document: Document, actor: User | None
) -> list[DocRequestItem]:
    """A filed document answers an open request item: by its cover sheet, else by its type."""
    open_items = DocRequestItem.objects.filter(
        request__case=document.case_id,
        request__status__in=[RequestStatus.OPEN, RequestStatus.PARTLY],
        status=ItemStatus.OPEN,
    ).order_by("request__deadline", "request_id", "position")
    chosen: list[DocRequestItem] = []
    if intake.request_id is not None:
        in_request = list(open_items.filter(request_id=intake.request_id))
        chosen = [i for i in in_request if i.document_type_id == document.document_type_id][:1]
        if not chosen and len(in_request) == 1:
            chosen = in_request
    elif document.document_type_id is not None:
        chosen = list(open_items.filter(document_type_id=document.document_type_id)[:1])
    for item in chosen:
        doc_request_item_fulfil(item=item, document=document)
        request = item.request
        audit.record(
            "intake.request_item.fulfil",
            actor=actor,
            subject=item,
            jobcenter_id=intake.file.jobcenter_id,
            case_id=document.case_id,
            data={
                "request": str(request.uuid),
                "document": str(document.uuid),
                "by": "cover" if intake.request_id else "type",
            },
        )
    return chosen


def intake_document_record(
    *, scan_file: ScanFile, first_page: int, last_page: int, analysis: assembly.Analysis
) -> IntakeDocument:
    """Record a document cut from a file: filed when identification is sure, else triage.

    One transaction files the document and marks it done, so running this twice (a worker
    killed and restarted) never files twice: the second call finds the first one's row.
    """
    existing = IntakeDocument.objects.filter(file=scan_file, first_page=first_page).first()
    if existing is not None:
        return existing
    request = None
    if analysis.case is not None and analysis.cover and analysis.cover.request_uuid:
        request = DocRequest.objects.filter(
            uuid=analysis.cover.request_uuid, case=analysis.case
        ).first()
    try:
        with StoredFiles() as stored, transaction.atomic():
            if IntakeDocument.objects.filter(file=scan_file, first_page=first_page).exists():
                raise _AlreadyDone
            intake = IntakeDocument(
                file=scan_file,
                first_page=first_page,
                last_page=last_page,
                status=IntakeStatus.TRIAGE,
                request=request,
                identifier_kind=analysis.identifier_kind,
                confidence=analysis.confidence,
                numbers=analysis.numbers,
                type_code=analysis.type_code,
                type_confidence=analysis.type_confidence,
                suggestions=analysis.suggestions,
                text=analysis.text,
            )
            if analysis.case is not None:
                file_into_case(intake=intake, case=analysis.case, actor=None, stored=stored)
            intake.save()
            audit.record(
                "intake.document.file" if intake.case_id else "intake.document.triage",
                subject=intake,
                jobcenter_id=scan_file.jobcenter_id,
                case_id=intake.case_id,
                data={
                    "file": str(scan_file.uuid),
                    "pages": [first_page + 1, last_page + 1],
                    "identified_by": analysis.identifier_kind,
                    "confidence": analysis.confidence,
                    "type": analysis.type_code,
                    "document": str(intake.document.uuid) if intake.document else None,
                },
            )
    except (_AlreadyDone, IntegrityError):
        return IntakeDocument.objects.get(file=scan_file, first_page=first_page)
    return intake


class _AlreadyDone(Exception):
    pass
