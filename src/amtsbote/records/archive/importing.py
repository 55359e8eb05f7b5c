"""Taking a case over from a verified package, in one transaction."""

from __future__ import annotations

import zipfile
from functools import partial
from pathlib import Path
from typing import IO

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.base import ContentFile, File
from django.db import transaction
from django.utils.translation import gettext as _

from amtsbote import audit
from amtsbote.accounts.models import Team, User
from amtsbote.cases.constants import CaseStatus
from amtsbote.cases.models import Case, FilePlanEntry, Jobcenter
from amtsbote.cases.services import case_close, case_create, person_create
from amtsbote.core.storage import StoredFiles
from amtsbote.documents import processing
from amtsbote.documents.constants import InboxStatus, OcrStatus
from amtsbote.documents.models import Document, DocumentType, DocumentVersion, OriginalFile

from ..models import ArchiveImport, ImportedHistoryEntry
from ..services import legal_hold_set
from .common import ArchiveRefused, Progress, quiet
from .package import Package, PkgDocument, package_verify, parse_when


def _open(zip_file: str | Path | IO[bytes]) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(zip_file)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ArchiveRefused(_("The upload is not a ZIP file: %(error)s") % {"error": exc}) from exc


def _document_type(document: PkgDocument, created: list[str]) -> DocumentType | None:
    """The catalogue type with the package's code; an unknown code becomes an inactive type."""
    if not document.type_code:
        return None
    type_, was_created = DocumentType.objects.get_or_create(
        code=document.type_code,
        defaults={
            "name": document.type_name[:100] or document.type_code,
            "default_register_code": document.type_register or document.register_code,
            "is_active": False,
        },
    )
    if was_created:
        created.append(type_.code)
    return type_


def _save_member(
    archive: zipfile.ZipFile, member: str, storage_name: str, stored: StoredFiles
) -> str:
    with archive.open(member) as handle:
        return stored.save(storage_name, File(handle, name=member.rsplit("/", 1)[-1]))


@transaction.atomic
def _import(
    archive: zipfile.ZipFile,
    package: Package,
    *,
    jobcenter: Jobcenter,
    actor: User | None,
    teams: list[Team],
    stored: StoredFiles,
    progress: Progress,
) -> Case:
    case = case_create(jobcenter=jobcenter, bg_number=package.bg_number, teams=teams, actor=actor)
    for person in package.persons:
        person_create(case=case, actor=actor, **person)
    registers = {r.code: r for r in FilePlanEntry.objects.filter(jobcenter=jobcenter)}
    created_registers: list[str] = []
    next_position = max((r.position for r in registers.values()), default=0) + 1
    wanted = {code: (name, position) for code, name, position in package.registers}
    for item in package.documents:
        wanted.setdefault(item.register_code, (item.register_code, 0))
    for code, (name, _position) in wanted.items():
        if code not in registers and any(d.register_code == code for d in package.documents):
            registers[code] = FilePlanEntry.objects.create(
                jobcenter=jobcenter, code=code, name=name[:100], position=next_position
            )
            next_position += 1
            created_registers.append(code)
    created_types: list[str] = []
    mapping: dict[str, str] = {}
    for number, item in enumerate(package.documents, start=1):
        progress(f"importing {number}/{len(package.documents)} {item.title}")
        document = Document.objects.create(
            case=case,
            register=registers[item.register_code],
            document_type=_document_type(item, created_types),
            title=item.title[:200],
            source=item.source,
            received_at=item.received_at,
            inbox_status=InboxStatus.SEEN,
        )
        Document.objects.filter(pk=document.pk).update(created_at=item.created_at)
        mapping[item.id] = str(document.uuid)
        for original in item.originals:
            row = OriginalFile(
                document=document,
                position=original.position,
                filename=original.filename[:255],
                sha256=original.file.sha256,
                size=original.file.size,
                mime_type=original.mime_type,
                pages=original.pages,
            )
            row.file.name = _save_member(
                archive,
                original.file.name,
                OriginalFile._meta.get_field("file").generate_filename(row, original.filename),
                stored,
            )
            row.save()
        for version in sorted(item.versions, key=lambda v: v.number):
            text = archive.read(version.text_file).decode() if version.text_file else ""
            ocr = (
                version.ocr_status if version.ocr_status in OcrStatus.values else OcrStatus.PENDING
            )
            if ocr == OcrStatus.DONE and not version.text_file:
                text = ""
            row_version = DocumentVersion(
                document=document,
                number=version.number,
                sha256=version.file.sha256,
                size=version.file.size,
                mime_type=version.mime_type,
                pages=version.pages,
                text=text,
                ocr_status=ocr,
            )
            field_ = DocumentVersion._meta.get_field("file")
            row_version.file.name = _save_member(
                archive, version.file.name, field_.generate_filename(row_version, "doc.pdf"), stored
            )
            thumbnail_field = DocumentVersion._meta.get_field("thumbnail")
            row_version.thumbnail.name = stored.save(
                thumbnail_field.generate_filename(row_version, "thumb.jpg"),
                ContentFile(processing.render_thumbnail(archive.read(version.file.name))),
            )
            row_version.save()
            DocumentVersion.objects.filter(pk=row_version.pk).update(created_at=version.created_at)
            if ocr != OcrStatus.DONE:
                from amtsbote.documents.tasks import document_version_ocr

                version_id = row_version.pk
                transaction.on_commit(partial(document_version_ocr.enqueue, version_id))
    if package.closed_at is not None and package.status == CaseStatus.CLOSED:
        case_close(case=case, actor=actor, closed_at=package.closed_at)
    imported = ArchiveImport.objects.create(
        case=case,
        package_id=package.package_id,
        package_sha256=package.manifest_sha256,
        source_jobcenter=package.source_name[:200],
        source_jobcenter_code=package.source_code[:50],
        source_case_uuid=package.case_id,
        exported_at=package.exported_at,
        imported_by=actor,
        documents=mapping,
        records=package.records,
    )
    ImportedHistoryEntry.objects.bulk_create(
        ImportedHistoryEntry(
            archive_import=imported,
            case=case,
            position=position,
            occurred_at=parse_when(entry["occurred_at"], "Zeitpunkt"),
            action=entry["action"][:100],
            actor_label=entry["actor"][:200],
            subject=entry["subject"][:200],
            detail=entry["detail"],
            source_hash=entry["hash"][:64],
        )
        for position, entry in enumerate(package.history)
    )
    for reason in package.holds:
        assert actor is not None  # checked before the transaction
        legal_hold_set(case=case, reason=f"{reason} ({package.source_name})", actor=actor)
    audit.record(
        "records.case.import",
        actor=actor,
        subject=case,
        jobcenter_id=jobcenter.pk,
        case_id=case.pk,
        data={
            "package": str(package.package_id),
            "manifest_sha256": package.manifest_sha256,
            "from": package.source_code,
            "source_case": str(package.case_id),
            "documents": len(package.documents),
            "history": len(package.history),
            "registers_created": created_registers,
            "document_types_created": created_types,
        },
    )
    return case


def case_import(
    zip_file: str | Path | IO[bytes],
    *,
    jobcenter: Jobcenter,
    actor: User | None,
    teams: list[Team] | None = None,
    progress: Progress = quiet,
) -> Case:
    """Take over a case from an archive package into ``jobcenter``; return the new case.

    The package is verified completely first; any fault refuses it (``ArchiveRefused``)
    before anything is written. A case with the same BG-Nummer in ``jobcenter`` refuses it
    too. ``teams`` (of ``jobcenter``) will work on the case.
    """
    teams = list(teams or [])
    if any(team.jobcenter_id != jobcenter.pk for team in teams):
        raise ArchiveRefused(_("A team of another jobcenter cannot take over this case."))
    with _open(zip_file) as archive:
        package = package_verify(archive, progress=progress)
        if Case.objects.filter(jobcenter=jobcenter, bg_number=package.bg_number).exists():
            raise ArchiveRefused(
                _(
                    "A case with the BG-Nummer %(bg)s exists in %(jobcenter)s already: the package "
                    "was not imported."
                )
                % {"bg": package.bg_number, "jobcenter": jobcenter.name}
            )
        if package.holds and actor is None:
            raise ArchiveRefused(
                _(
                    "The case is under a legal hold: a team lead has to import it, so that the "
                    "hold is set in their name."
                )
            )
        try:
            with StoredFiles() as stored:
                return _import(
                    archive,
                    package,
                    jobcenter=jobcenter,
                    actor=actor,
                    teams=teams,
                    stored=stored,
                    progress=progress,
                )
        except DjangoValidationError as exc:
            raise ArchiveRefused(
                _("The package holds data this Amtsbote does not accept: %(errors)s")
                % {"errors": "; ".join(exc.messages)}
            ) from exc
        except Exception as exc:
            # The transaction rolled back and StoredFiles removed every file written.
            raise ArchiveRefused(
                _("The package could not be imported (%(error)s); nothing was stored.")
                % {"error": exc}
            ) from exc
