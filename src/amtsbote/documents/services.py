"""Writes for documents: file received material into the e-file."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from amtsbote import audit
from amtsbote.accounts.models import User
from amtsbote.cases.models import Case, FilePlanEntry
from amtsbote.core.exceptions import Conflict, ValidationFailed
from amtsbote.core.metrics import ocr_pages_count
from amtsbote.core.storage import StoredFiles

from . import processing
from .constants import DEFAULT_DOCUMENT_TYPES, InboxStatus, OcrStatus
from .models import Document, DocumentType, DocumentVersion, OriginalFile


def document_type_catalogue_load() -> int:
    """Create or update the catalogue of common document types; return how many there are."""
    for code, name, register in DEFAULT_DOCUMENT_TYPES:
        DocumentType.objects.update_or_create(
            code=code, defaults={"name": name, "default_register_code": register}
        )
    return len(DEFAULT_DOCUMENT_TYPES)


def register_for(case: Case, document_type: DocumentType | None) -> FilePlanEntry:
    """The register a document of this type is filed in (Schriftverkehr when unknown)."""
    code = document_type.default_register_code if document_type else "schriftverkehr"
    registers = FilePlanEntry.objects.filter(jobcenter_id=case.jobcenter_id)
    return registers.filter(code=code).first() or registers.get(code="schriftverkehr")


def document_create(
    *,
    case: Case,
    files: list[processing.Checked],
    title: str,
    source: str,
    document_type: DocumentType | None = None,
    submitted_by: User | None = None,
    received_at: dt.datetime | None = None,
    stored: StoredFiles,
    register: FilePlanEntry | None = None,
    text: str | None = None,
    thumbnail: bytes | None = None,
) -> Document:
    """File ``files`` as one document: originals kept unchanged, one PDF, a thumbnail.

    ``register`` overrides the register the document type suggests (outgoing Bescheide).
    ``text`` is the document's text where it is known already (the mailroom OCRed it): no
    OCR task then. ``thumbnail`` (a JPEG ``processing.THUMBNAIL_WIDTH`` wide) where one was
    made already from the first page.

    Runs inside the caller's transaction; files go through ``stored`` so that the caller can
    remove them again if the transaction fails. OCR follows after commit, in a task.
    """
    if not files:
        raise ValueError("a document needs at least one file")
    document = Document.objects.create(
        case=case,
        register=register or register_for(case, document_type),
        document_type=document_type,
        title=title[:200],
        source=source,
        received_at=received_at or timezone.now(),
        submitted_by=submitted_by,
        inbox_status=InboxStatus.NEW,
    )
    for position, checked in enumerate(files):
        original = OriginalFile(
            document=document,
            position=position,
            filename=checked.filename[:255],
            sha256=checked.sha256,
            size=len(checked.data),
            mime_type=checked.mime_type,
            pages=checked.pages,
        )
        original.file.name = stored.save(
            OriginalFile._meta.get_field("file").generate_filename(original, checked.filename),
            ContentFile(checked.data),
        )
        original.save()
    pdf, pages = processing.build_pdf(files)
    version_create(
        document=document,
        pdf=pdf,
        pages=pages,
        created_by=submitted_by,
        stored=stored,
        text=text,
        thumbnail=thumbnail,
    )
    audit.record(
        "documents.document.create",
        actor=submitted_by,
        subject=document,
        jobcenter_id=case.jobcenter_id,
        case_id=case.pk,
        data={"source": source, "files": [f.sha256 for f in files], "pages": pages},
    )
    return document


def version_create(
    *,
    document: Document,
    pdf: bytes,
    pages: int,
    created_by: User | None,
    stored: StoredFiles,
    text: str | None = None,
    thumbnail: bytes | None = None,
) -> DocumentVersion:
    number = (
        document.versions.order_by("-number").values_list("number", flat=True).first() or 0
    ) + 1
    version = DocumentVersion(
        document=document,
        number=number,
        sha256=hashlib.sha256(pdf).hexdigest(),
        size=len(pdf),
        pages=pages,
        created_by=created_by,
        ocr_status=OcrStatus.PENDING if text is None else OcrStatus.DONE,
        text=text or "",
    )
    version.file.name = stored.save(
        DocumentVersion._meta.get_field("file").generate_filename(version, "document.pdf"),
        ContentFile(pdf),
    )
    version.thumbnail.name = stored.save(
        DocumentVersion._meta.get_field("thumbnail").generate_filename(version, "thumb.jpg"),
        ContentFile(thumbnail or processing.render_thumbnail(pdf)),
    )
    version.save()
    if text is None:
        from .tasks import document_version_ocr

        transaction.on_commit(lambda: document_version_ocr.enqueue(version.pk))
    return version


@transaction.atomic
def document_mark_seen(*, document: Document, actor: User) -> Document:
    if document.inbox_status != InboxStatus.SEEN:
        document.inbox_status = InboxStatus.SEEN
        document.save(update_fields=["inbox_status", "updated_at"])
        audit.record(
            "documents.document.mark_seen",
            actor=actor,
            subject=document,
            jobcenter_id=actor.jobcenter_id,
            case_id=document.case_id,
        )
    return document


def document_record_download(*, document: Document, actor: User, what: str) -> None:
    """Staff took a file of the document out of the system: that is recorded."""
    audit.record(
        "documents.document.download",
        actor=actor,
        subject=document,
        jobcenter_id=actor.jobcenter_id,
        case_id=document.case_id,
        data={"file": what},
    )


def document_version_recognise(*, version_id: int) -> DocumentVersion | None:
    """Run OCR for a version and store its text. Safe to run twice; skips finished ones."""
    version = DocumentVersion.objects.filter(pk=version_id).select_related("document").first()
    if version is None or version.ocr_status == OcrStatus.DONE:
        return version
    with version.file.open("rb") as handle:
        pdf = handle.read()
    try:
        text = processing.ocr_text(pdf)
    except Exception as exc:
        DocumentVersion.objects.filter(pk=version.pk).update(ocr_status=OcrStatus.FAILED)
        audit.record(
            "documents.version.ocr_failed",
            subject=version,
            case_id=version.document.case_id,
            data={"error": str(exc)[:500]},
        )
        raise
    ocr_pages_count(version.pages, source="upload")
    with transaction.atomic():
        DocumentVersion.objects.filter(pk=version.pk).update(text=text, ocr_status=OcrStatus.DONE)
        audit.record(
            "documents.version.ocr_done",
            subject=version,
            case_id=version.document.case_id,
            data={"characters": len(text)},
        )
    version.refresh_from_db()
    return version


def page_image(*, version: DocumentVersion, index: int, width: int) -> bytes:
    """A page of a version as JPEG (rendered on demand; the viewer asks for few pages)."""
    if not 0 <= index < version.pages:
        raise IndexError(index)
    with version.file.open("rb") as handle:
        return processing.render_page(handle.read(), index, width=width)


class EditConflict(Conflict):
    """Someone else saved the document since the editor loaded it; nothing was stored.

    ``current`` is the document as it is now (what the other person saved), ``changed_by``
    who saved last (None when unknown).
    """

    def __init__(self, message: str, *, current: Document, changed_by: str | None) -> None:
        super().__init__(message, code="conflict")
        self.current = current
        self.changed_by = changed_by


def _last_editor(document: Document) -> str | None:
    from amtsbote.audit.models import AuditEvent

    event = (
        AuditEvent.objects.filter(
            action="documents.document.update_metadata", subject_id=str(document.uuid)
        )
        .select_related("actor")
        .order_by("-id")
        .first()
    )
    if event is None:
        return None
    return (event.actor.get_full_name() if event.actor else "") or event.actor_label


@transaction.atomic
def document_update_metadata(
    *,
    document: Document,
    actor: User | None,
    expected_version: int,
    title: str | None = None,
    document_type: DocumentType | None = None,
    register: FilePlanEntry | None = None,
) -> Document:
    """Change title, type and/or register (None: unchanged) if nobody saved in between.

    Optimistic concurrency: the row is only updated while its ``lock_version`` still equals
    ``expected_version`` (the version the editor loaded); otherwise ``EditConflict`` tells
    what the other person saved. A successful change counts ``lock_version`` up by one and is
    audited with the fields that changed.
    """
    wanted: dict[str, object] = {}
    if title is not None:
        title = " ".join(title.split())
        if not title:
            raise ValidationFailed(_("A document needs a title."), code="title")
        if len(title) > 200:
            raise ValidationFailed(_("The title is longer than 200 characters."), code="title")
        wanted["title"] = title
    if document_type is not None:
        wanted["document_type_id"] = document_type.pk
    if register is not None:
        if register.jobcenter_id != document.case.jobcenter_id:
            raise ValidationFailed(_("This register belongs to another jobcenter."))
        wanted["register_id"] = register.pk
    before: dict[str, Any] = dict(
        Document.objects.filter(pk=document.pk)
        .values("title", "document_type_id", "register_id", "lock_version")
        .get()
    )
    changed = {name: value for name, value in wanted.items() if before[name] != value}
    if before["lock_version"] == expected_version and not changed:
        document.refresh_from_db()
        return document
    updated = Document.objects.filter(pk=document.pk, lock_version=expected_version).update(
        **changed, lock_version=F("lock_version") + 1, updated_at=timezone.now()
    )
    if not updated:
        current = Document.objects.select_related("register", "document_type").get(pk=document.pk)
        raise EditConflict(
            _("Someone else saved this document in the meantime."),
            current=current,
            changed_by=_last_editor(current),
        )
    document.refresh_from_db()
    audit.record(
        "documents.document.update_metadata",
        actor=actor,
        subject=document,
        jobcenter_id=document.case.jobcenter_id,
        case_id=document.case_id,
        data={
            "changes": {name: [before[name], value] for name, value in changed.items()},
            "lock_version": document.lock_version,
        },
    )
    return document
