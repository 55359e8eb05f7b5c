"""Writing a package: files streamed from storage into the ZIP, then the XML and manifest."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import mimetypes
import re
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from xml.etree import ElementTree as ET

from django.core.files.storage import default_storage
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from amtsbote import audit
from amtsbote.accounts.constants import Role
from amtsbote.accounts.models import User
from amtsbote.audit.models import AuditEvent
from amtsbote.cases.models import Case, FilePlanEntry
from amtsbote.doc_requests.models import DocRequest
from amtsbote.documents.models import Document
from amtsbote.eforms.models import FormSubmission
from amtsbote.messaging.models import Thread
from amtsbote.postbox.models import Letter

from .. import retention, selectors
from ..models import LegalHold
from .common import (
    CHUNK,
    MANIFEST_NAME,
    NS,
    PROFILE_VERSION,
    ROOT,
    XML_NAME,
    ArchiveRefused,
    Progress,
    quiet,
)

# A ZIP member larger than this gets ZIP64 headers from the start (zipfile needs to know).
ZIP64_FROM = 1 << 31
_PDFA_CLAIM = re.compile(rb'pdfaid:(part|conformance)(?:>|=["\'])([0-9A-Za-z])')
_EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "application/pdf": ".pdf"}


def _sub(parent: ET.Element, tag: str, text: object = None, **attrs: str | None) -> ET.Element:
    element = ET.SubElement(parent, tag, {k: v for k, v in attrs.items() if v is not None})
    if text is not None:
        element.text = text.isoformat() if isinstance(text, dt.date | dt.datetime) else str(text)
    return element


@dataclass
class ExportResult:
    package_id: uuid.UUID
    documents: int
    files: int
    bytes: int


@dataclass
class _Written:
    name: str
    sha256: str
    size: int
    pdfa: str = ""


def _copy_into(archive: zipfile.ZipFile, name: str, storage_name: str) -> _Written:
    """Stream a stored file into the ZIP (stored, not deflated: PDFs and photos are packed)."""
    digest = hashlib.sha256()
    info = zipfile.ZipInfo(name, date_time=timezone.now().timetuple()[:6])
    info.compress_type = zipfile.ZIP_STORED
    claim: dict[bytes, bytes] = {}
    tail = b""
    written = 0
    try:
        size = default_storage.size(storage_name)
        source = default_storage.open(storage_name, "rb")
    except Exception as exc:
        raise _unreadable(storage_name, exc) from exc
    with source, archive.open(info, "w", force_zip64=size >= ZIP64_FROM) as target:
        while True:
            try:
                chunk = source.read(CHUNK)
            except Exception as exc:
                raise _unreadable(storage_name, exc) from exc
            if not chunk:
                break
            digest.update(chunk)
            target.write(chunk)
            written += len(chunk)
            for match in _PDFA_CLAIM.finditer(tail + chunk):
                claim[match.group(1)] = match.group(2)
            tail = chunk[-64:]
    pdfa = ""
    if b"part" in claim:
        pdfa = (claim[b"part"] + claim.get(b"conformance", b"")).decode().upper()
    return _Written(name, digest.hexdigest(), written, pdfa)


def _unreadable(storage_name: str, exc: Exception) -> ArchiveRefused:
    return ArchiveRefused(
        _(
            "The stored file %(name)s cannot be read, it is damaged or was altered (%(error)s). "
            "Nothing was exported."
        )
        % {"name": storage_name, "error": exc}
    )


def _write_bytes(archive: zipfile.ZipFile, name: str, data: bytes) -> _Written:
    info = zipfile.ZipInfo(name, date_time=timezone.now().timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, data)
    return _Written(name, hashlib.sha256(data).hexdigest(), len(data))


def _actor_label(event: AuditEvent, *, show_names: bool, customers: dict[int, str]) -> str:
    actor = event.actor
    if actor is None:
        return "System" if event.actor_label in ("", "system") else "Unbekannt"
    if actor.role == Role.CUSTOMER:
        number = customers.get(actor.pk)
        return f"Kunde/Kundin {number}" if number else "Kunde/Kundin"
    label = str(Role(actor.role).label) if actor.role in Role.values else actor.role
    teams = ", ".join(team.name for team in actor.teams.all())
    if teams:
        label = f"{label} ({teams})"
    if show_names and actor.get_full_name():
        label = f"{actor.get_full_name()}, {label}"
    return label


def _detail(data: dict[str, Any]) -> str:
    parts = [
        f"{key}: {data[key]}"
        for key in ("category", "reason", "note", "view", "file")
        if isinstance(data, dict) and data.get(key)
    ]
    return "; ".join(parts)


def _protocol(parent: ET.Element, case: Case) -> int:
    customers = dict(
        case.people.filter(user__isnull=False).values_list("user_id", "customer_number")
    )
    show_names = case.jobcenter.show_staff_names
    protocol = _sub(parent, "Protokoll")
    events = (
        AuditEvent.objects.filter(case_id=case.pk)
        .select_related("actor")
        .prefetch_related("actor__teams")
        .order_by("id")
    )
    count = 0
    with translation.override("de"):
        for event in events.iterator(chunk_size=500):
            entry = _sub(protocol, "Eintrag")
            _sub(entry, "Zeitpunkt", event.occurred_at)
            _sub(entry, "Aktion", event.action)
            _sub(entry, "Akteur", _actor_label(event, show_names=show_names, customers=customers))
            if event.subject_type:
                _sub(entry, "Gegenstand", f"{event.subject_type}:{event.subject_id}")
            detail = _detail(event.data)
            if detail:
                _sub(entry, "Grund", detail)
            _sub(entry, "Hashwert", event.hash, algorithmus="SHA-256")
            count += 1
    return count


def _person(parent: ET.Element, person: Any) -> None:
    element = _sub(parent, "Person")
    _sub(element, "Kundennummer", person.customer_number)
    _sub(element, "Vorname", person.first_name)
    _sub(element, "Nachname", person.last_name)
    if person.birth_date:
        _sub(element, "Geburtsdatum", person.birth_date)
    address = _sub(element, "Anschrift")
    _sub(address, "Strasse", person.street)
    _sub(address, "Postleitzahl", person.postal_code)
    _sub(address, "Ort", person.city)
    _sub(element, "Position", person.position)
    _sub(element, "Portalkonto", "true" if person.user_id else "false")


def _records(parent: ET.Element, case: Case) -> None:
    """Vorgänge of the workflows (Fachdaten): requests, letters, forms, message threads."""
    data = _sub(parent, "Fachdaten")
    for request in DocRequest.objects.filter(case=case).select_related("team").order_by("id"):
        element = _sub(data, "Mitwirkungsaufforderung", ID=str(request.uuid))
        _sub(element, "Team", request.team.name)
        _sub(element, "Erstellt", request.created_at)
        _sub(element, "Frist", request.deadline)
        _sub(element, "Status", request.status)
        _sub(element, "Nachricht", request.message)
        _sub(element, "Rechtsfolgenbelehrung", request.legal_hint)
        for item in request.items.prefetch_related("documents").order_by("position"):
            entry = _sub(element, "Position", status=item.status)
            _sub(entry, "Bezeichnung", item.label)
            if item.note:
                _sub(entry, "Hinweis", item.note)
            for document in item.documents.all():
                _sub(entry, "DokumentID", document.uuid)
    letters = Letter.objects.filter(case=case).select_related("addressee", "document")
    for letter in letters.order_by("id"):
        element = _sub(data, "Schreiben", ID=str(letter.uuid))
        _sub(element, "Art", letter.kind)
        _sub(element, "Betreff", letter.subject)
        _sub(element, "DokumentID", letter.document.uuid)
        _sub(element, "Empfaenger", letter.addressee.customer_number)
        _sub(element, "Kanal", letter.channel)
        _sub(element, "Status", letter.status)
        for name in ("notified_at", "first_retrieved_at", "bekanntgabe_on", "appeal_deadline"):
            value = getattr(letter, name)
            if value:
                _sub(element, _LETTER_TAGS[name], value)
    forms = FormSubmission.objects.filter(case=case).select_related("person", "document")
    for form in forms.order_by("id"):
        element = _sub(data, "Formular", ID=str(form.uuid))
        _sub(element, "Formularcode", form.form_code)
        _sub(element, "Titel", form.title)
        _sub(element, "Referenz", form.reference)
        _sub(element, "Eingang", form.created_at)
        _sub(element, "Sprache", form.language)
        if form.person_id:
            _sub(element, "Kundennummer", form.person.customer_number)
        if form.document_id:
            _sub(element, "DokumentID", form.document.uuid)
        _sub(element, "Daten", json.dumps(form.data, ensure_ascii=False, sort_keys=True))
    threads = Thread.objects.filter(case=case).select_related("team", "record")
    with translation.override("de"):
        for thread in threads.order_by("id"):
            element = _sub(data, "Nachrichtenverlauf", ID=str(thread.uuid))
            _sub(element, "Betreff", thread.subject)
            _sub(element, "Team", thread.team.name)
            _sub(element, "Status", thread.status)
            if thread.record is not None:
                _sub(element, "DokumentID", thread.record.uuid)
            for message in thread.messages.select_related("author", "document").order_by("id"):
                entry = _sub(element, "Nachricht")
                _sub(entry, "Zeitpunkt", message.created_at)
                author = message.author
                role = Role(author.role).label if author and author.role in Role.values else ""
                _sub(entry, "Absender", str(role))
                _sub(entry, "Text", message.body)
                if message.document is not None:
                    _sub(entry, "DokumentID", message.document.uuid)


_LETTER_TAGS = {
    "notified_at": "Benachrichtigt",
    "first_retrieved_at": "ErsterAbruf",
    "bekanntgabe_on": "Bekanntgabe",
    "appeal_deadline": "Widerspruchsfrist",
}


def case_export(
    case: Case,
    *,
    actor: User | None,
    target: str | Path | IO[bytes],
    progress: Progress = quiet,
) -> ExportResult:
    """Write the archive package of ``case`` to ``target`` (a path or a binary file).

    Files are streamed from storage one chunk at a time; a stored file whose hash no longer
    matches the database refuses the export (``ArchiveRefused``). Audited as
    ``records.case.export``.
    """
    case = Case.objects.select_related("jobcenter").get(pk=case.pk)
    package_id = uuid.uuid4()
    exported_at = timezone.now()
    documents = list(
        Document.objects.filter(case=case)
        .select_related("register", "document_type")
        .prefetch_related("versions", "originals")
        .order_by("received_at", "id")
    )
    rules = selectors.rules_for(case.jobcenter)
    holds = list(LegalHold.objects.filter(case=case, lifted_at__isnull=True))
    written: list[_Written] = []
    # Written unqualified under a default namespace declaration; read back qualified (``q``).
    root = ET.Element(ROOT, {"xmlns": NS, "profilVersion": PROFILE_VERSION})
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as zf:
        head = _sub(root, "Kopf")
        _sub(head, "ProzessID", package_id)
        _sub(head, "Nachrichtentyp", "Abgabe.Abgabe", code="0401")
        _sub(head, "Erstellungszeitpunkt", exported_at)
        sender = _sub(head, "Absender")
        _sub(sender, "Behoerdenkennung", case.jobcenter.slug)
        _sub(sender, "Name", case.jobcenter.name)
        _sub(sender, "Anschrift", case.jobcenter.address)
        system = _sub(head, "SendendesSystem")
        _sub(system, "Produktname", "Amtsbote")
        _sub(head, "Importbestaetigung", "false")

        file_object = _sub(_sub(root, "Schriftgutobjekt"), "Akte")
        _sub(_sub(file_object, "Identifikation"), "ID", case.uuid)
        general = _sub(file_object, "AllgemeineMetadaten")
        _sub(general, "Betreff", f"Bedarfsgemeinschaft {case.bg_number}")
        _sub(general, "Kennzeichen", case.bg_number)
        period = _sub(file_object, "Laufzeit")
        _sub(period, "Beginn", case.created_at)
        if case.closed_at:
            _sub(period, "Ende", case.closed_at)
        _sub(file_object, "Status", case.status)
        members = _sub(file_object, "Beteiligte")
        for person in case.people.order_by("position", "id"):
            _person(members, person)
        plan = _sub(file_object, "Aktenplan")
        registers = FilePlanEntry.objects.filter(jobcenter_id=case.jobcenter_id)
        for register in registers.order_by("position", "name"):
            unit = _sub(plan, "Aktenplaneinheit")
            _sub(unit, "Kennzeichen", register.code)
            _sub(unit, "Inhaltsbeschreibung", register.name)
            _sub(unit, "Position", register.position)
        keep = _sub(file_object, "Aufbewahrung")
        for rule in rules:
            _sub(
                keep,
                "Regel",
                rule.years,
                register=rule.register_code or None,
                dokumenttyp=rule.type_code or None,
            )
        for hold in holds:
            _sub(keep, "Aussonderungssperre", hold.reason, seit=hold.created_at.isoformat())

        content = _sub(file_object, "Akteninhalt")
        processes: dict[int, ET.Element] = {}
        for number, document in enumerate(documents, start=1):
            register = document.register
            if register.pk not in processes:
                process = _sub(content, "Vorgang")
                _sub(
                    _sub(process, "Identifikation"),
                    "ID",
                    uuid.uuid5(case.uuid, f"register:{register.code}"),
                )
                meta = _sub(process, "AllgemeineMetadaten")
                _sub(meta, "Betreff", register.name)
                _sub(meta, "Kennzeichen", register.code)
                processes[register.pk] = process
            progress(f"{number}/{len(documents)} {document.uuid}")
            written += _document(
                zf, processes[register.pk], document, case=case, rules=rules, hold=bool(holds)
            )
        history = _protocol(file_object, case)
        _records(file_object, case)

        xml = ET.tostring(root, encoding="utf-8", xml_declaration=True)
        written.append(_write_bytes(zf, XML_NAME, xml))
        manifest = "".join(f"{w.sha256}  {w.name}\n" for w in sorted(written, key=lambda w: w.name))
        zf.writestr(MANIFEST_NAME, manifest.encode())
    audit.record(
        "records.case.export",
        actor=actor,
        subject=case,
        jobcenter_id=case.jobcenter_id,
        case_id=case.pk,
        data={
            "package": str(package_id),
            "documents": len(documents),
            "files": len(written),
            "history": history,
        },
    )
    return ExportResult(
        package_id=package_id,
        documents=len(documents),
        files=len(written),
        bytes=sum(w.size for w in written),
    )


def _document(
    zf: zipfile.ZipFile,
    parent: ET.Element,
    document: Document,
    *,
    case: Case,
    rules: list[retention.Rule],
    hold: bool,
) -> list[_Written]:
    written: list[_Written] = []
    folder = f"dokumente/{document.uuid}"
    element = _sub(parent, "Dokument")
    _sub(_sub(element, "Identifikation"), "ID", document.uuid)
    _sub(_sub(element, "AllgemeineMetadaten"), "Betreff", document.title)
    type_ = document.document_type
    if type_ is not None:
        _sub(element, "Typ", type_.name, code=type_.code, register=type_.default_register_code)
    _sub(element, "Aktenplaneinheit", document.register.code)
    _sub(element, "Quelle", document.source)
    _sub(element, "Posteingangsdatum", document.received_at)
    _sub(element, "Erstellungszeitpunkt", document.created_at)
    _sub(element, "Bearbeitungsstand", document.inbox_status)
    years = retention.retention_years(
        rules, register_code=document.register.code, type_code=type_.code if type_ else None
    )
    keep = _sub(element, "Aufbewahrung")
    _sub(keep, "Aufbewahrungsdauer", years, einheit="Jahre")
    if case.closed_at:
        _sub(keep, "Fristende", retention.retention_due(case.closed_at, years))
    _sub(keep, "Aussonderungssperre", "true" if hold else "false")
    for version in sorted(document.versions.all(), key=lambda v: v.number):
        name = f"{folder}/version-{version.number}.pdf"
        copied = _copy_into(zf, name, str(version.file.name))
        if copied.sha256 != version.sha256 or copied.size != version.size:
            raise ArchiveRefused(
                _(
                    "The stored file of version %(number)s of document %(uuid)s is damaged: "
                    "its SHA-256 no longer matches. Nothing was exported."
                )
                % {"number": version.number, "uuid": document.uuid}
            )
        written.append(copied)
        entry = _sub(element, "Version")
        _sub(entry, "Nummer", version.number)
        _sub(entry, "Erstellungszeitpunkt", version.created_at)
        fmt = _sub(entry, "Format")
        _sub(fmt, "Name", version.mime_type)
        _sub(fmt, "PDFA", copied.pdfa or "false")
        primary = _sub(entry, "Primaerdokument")
        _sub(primary, "Dateiname", name)
        _sub(primary, "Hashwert", copied.sha256, algorithmus="SHA-256")
        _sub(primary, "Groesse", copied.size)
        _sub(primary, "Seiten", version.pages)
        _sub(entry, "Texterkennung", version.ocr_status)
        if version.text:
            text = _write_bytes(zf, f"{folder}/version-{version.number}.txt", version.text.encode())
            written.append(text)
            _sub(entry, "Textdatei", text.name, hashwert=text.sha256)
    for original in sorted(document.originals.all(), key=lambda o: o.position):
        extension = _EXTENSIONS.get(original.mime_type) or (
            mimetypes.guess_extension(original.mime_type) or ".bin"
        )
        name = f"{folder}/original-{original.position + 1}{extension}"
        copied = _copy_into(zf, name, str(original.file.name))
        if copied.sha256 != original.sha256:
            raise ArchiveRefused(
                _(
                    "The stored original %(name)s of document %(uuid)s is damaged: its SHA-256 "
                    "no longer matches. Nothing was exported."
                )
                % {"name": original.filename, "uuid": document.uuid}
            )
        written.append(copied)
        entry = _sub(element, "Original")
        _sub(entry, "Position", original.position)
        _sub(entry, "Dateiname", name)
        _sub(entry, "DateinameOriginal", original.filename)
        _sub(entry, "MimeType", original.mime_type)
        _sub(entry, "Hashwert", copied.sha256, algorithmus="SHA-256")
        _sub(entry, "Groesse", copied.size)
        _sub(entry, "Seiten", original.pages)
    return written
