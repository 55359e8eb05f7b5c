"""Reading a package: manifest, hashes, the XML and its references, all before any write."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import uuid
import zipfile
from dataclasses import dataclass, field
from typing import Any
from xml.etree import ElementTree as ET

import pikepdf
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from amtsbote.core.exceptions import UnsupportedUpload
from amtsbote.core.files import sha256_stream
from amtsbote.documents import antivirus, processing
from amtsbote.documents.constants import OcrStatus, Source

from .common import (
    CHUNK,
    MANIFEST_NAME,
    NS,
    PROFILE_VERSION,
    ROOT,
    XML_NAME,
    ArchiveRefused,
    Progress,
    q,
    quiet,
)

_MANIFEST_LINE = re.compile(r"^([0-9a-f]{64})  (\S.*)$")
MAX_ENTRIES = 200_000
MAX_MANIFEST_BYTES = 50 * 1024 * 1024
MAX_XML_BYTES = 500 * 1024 * 1024
# A real package holds PDFs, images and text: they compress 1:1 to about 1:20. Far more is a
# zip bomb (a few kilobytes that unpack to gigabytes).
MAX_RATIO = 200


@dataclass
class PkgFile:
    name: str
    sha256: str
    size: int


@dataclass
class PkgVersion:
    number: int
    created_at: dt.datetime
    mime_type: str
    pages: int
    file: PkgFile
    ocr_status: str
    text_file: str | None


@dataclass
class PkgOriginal:
    position: int
    filename: str
    mime_type: str
    pages: int
    file: PkgFile


@dataclass
class PkgDocument:
    id: str
    title: str
    type_code: str | None
    type_name: str
    type_register: str
    register_code: str
    source: str
    received_at: dt.datetime
    created_at: dt.datetime
    versions: list[PkgVersion]
    originals: list[PkgOriginal]


@dataclass
class Package:
    package_id: uuid.UUID
    exported_at: dt.datetime
    source_name: str
    source_code: str
    case_id: uuid.UUID
    bg_number: str
    status: str
    closed_at: dt.datetime | None
    persons: list[dict[str, Any]]
    registers: list[tuple[str, str, int]]
    documents: list[PkgDocument]
    history: list[dict[str, str]]
    holds: list[str]
    records: dict[str, Any] = field(default_factory=dict)
    manifest_sha256: str = ""


def _text(element: ET.Element, path: str, *, required: bool = True) -> str:
    found = element.find("/".join(q(part) for part in path.split("/")))
    if found is None:
        if required:
            raise ArchiveRefused(
                _("xdomea.xml: the element %(path)s is missing (in %(parent)s).")
                % {"path": path, "parent": element.tag.replace(f"{{{NS}}}", "")}
            )
        return ""
    return (found.text or "").strip()


def parse_when(value: str, what: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError as exc:
        raise ArchiveRefused(
            _("xdomea.xml: %(what)s is not a date and time: %(value)s")
            % {"what": what, "value": value[:40]}
        ) from exc
    if moment.tzinfo is None:
        raise ArchiveRefused(
            _("xdomea.xml: %(what)s has no time zone: %(value)s") % {"what": what, "value": value}
        )
    return moment


def _int(value: str, what: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = -1
    if number < 0:
        raise ArchiveRefused(
            _("xdomea.xml: %(what)s is not a number: %(value)s")
            % {"what": what, "value": value[:40]}
        )
    return number


def _as_data(element: ET.Element) -> Any:
    children = list(element)
    if not children:
        return (element.text or "").strip()
    out: dict[str, list[Any]] = {}
    for key, value in element.attrib.items():
        out.setdefault(f"@{key}", []).append(value)
    for child in children:
        out.setdefault(child.tag.replace(f"{{{NS}}}", ""), []).append(_as_data(child))
    return {key: values[0] if len(values) == 1 else values for key, values in out.items()}


def _file(element: ET.Element, hashes: dict[str, str], sizes: dict[str, int]) -> PkgFile:
    name = _text(element, "Dateiname")
    sha256 = _text(element, "Hashwert")
    size = _int(_text(element, "Groesse"), f"Groesse of {name}")
    if name not in hashes:
        raise ArchiveRefused(
            _("xdomea.xml names the file %(name)s, but the package does not contain it.")
            % {"name": name}
        )
    if hashes[name] != sha256 or sizes[name] != size:
        raise ArchiveRefused(
            _("xdomea.xml and the manifest disagree about the file %(name)s (hash or size).")
            % {"name": name}
        )
    return PkgFile(name, sha256, size)


def _parse(xml: bytes, hashes: dict[str, str], sizes: dict[str, int]) -> Package:
    if b"<!DOCTYPE" in xml or b"<!ENTITY" in xml:
        raise ArchiveRefused(_("xdomea.xml must not contain a DOCTYPE or entity declarations."))
    try:
        root = ET.fromstring(xml)  # noqa: S314 - no DTD (checked above); expat caps expansion
    except ET.ParseError as exc:
        raise ArchiveRefused(
            _("xdomea.xml is not well-formed XML: %(error)s") % {"error": exc}
        ) from exc
    if root.tag != q(ROOT):
        raise ArchiveRefused(
            _(
                "xdomea.xml is not an Amtsbote archive package (root element %(tag)s, expected "
                "%(expected)s in namespace %(ns)s)."
            )
            % {"tag": root.tag, "expected": ROOT, "ns": NS}
        )
    version = root.get("profilVersion", "")
    if version != PROFILE_VERSION:
        raise ArchiveRefused(
            _(
                "The package has schema version %(version)s; this Amtsbote reads version "
                "%(expected)s."
            )
            % {"version": version or "?", "expected": PROFILE_VERSION}
        )
    head = root.find(q("Kopf"))
    akte = root.find(f"{q('Schriftgutobjekt')}/{q('Akte')}")
    if head is None or akte is None:
        raise ArchiveRefused(_("xdomea.xml: Kopf or Schriftgutobjekt/Akte is missing."))
    try:
        package_id = uuid.UUID(_text(head, "ProzessID"))
        case_id = uuid.UUID(_text(akte, "Identifikation/ID"))
    except ValueError as exc:
        raise ArchiveRefused(_("xdomea.xml: ProzessID or the file's ID is not a UUID.")) from exc
    closed = _text(akte, "Laufzeit/Ende", required=False)
    persons = []
    for person in akte.iterfind(f"{q('Beteiligte')}/{q('Person')}"):
        birth = _text(person, "Geburtsdatum", required=False)
        try:
            birth_date = dt.date.fromisoformat(birth) if birth else None
        except ValueError as exc:
            raise ArchiveRefused(
                _("xdomea.xml: Geburtsdatum is not a date: %(value)s") % {"value": birth[:20]}
            ) from exc
        persons.append(
            {
                "customer_number": _text(person, "Kundennummer"),
                "first_name": _text(person, "Vorname"),
                "last_name": _text(person, "Nachname"),
                "birth_date": birth_date,
                "street": _text(person, "Anschrift/Strasse", required=False),
                "postal_code": _text(person, "Anschrift/Postleitzahl", required=False),
                "city": _text(person, "Anschrift/Ort", required=False),
            }
        )
    registers = [
        (
            _text(unit, "Kennzeichen"),
            _text(unit, "Inhaltsbeschreibung"),
            _int(_text(unit, "Position"), "Aktenplaneinheit/Position"),
        )
        for unit in akte.iterfind(f"{q('Aktenplan')}/{q('Aktenplaneinheit')}")
    ]
    documents = [
        _parse_document(element, hashes, sizes)
        for element in akte.iterfind(f"{q('Akteninhalt')}/{q('Vorgang')}/{q('Dokument')}")
    ]
    history = [
        {
            "occurred_at": _text(entry, "Zeitpunkt"),
            "action": _text(entry, "Aktion"),
            "actor": _text(entry, "Akteur", required=False),
            "subject": _text(entry, "Gegenstand", required=False),
            "detail": _text(entry, "Grund", required=False),
            "hash": _text(entry, "Hashwert", required=False),
        }
        for entry in akte.iterfind(f"{q('Protokoll')}/{q('Eintrag')}")
    ]
    for entry in history:
        parse_when(entry["occurred_at"], "Protokoll/Eintrag/Zeitpunkt")
    keep = akte.find(q("Aufbewahrung"))
    holds = (
        [(e.text or "").strip() for e in keep.iterfind(q("Aussonderungssperre"))]
        if keep is not None
        else []
    )
    records = akte.find(q("Fachdaten"))
    return Package(
        package_id=package_id,
        exported_at=parse_when(_text(head, "Erstellungszeitpunkt"), "Erstellungszeitpunkt"),
        source_name=_text(head, "Absender/Name"),
        source_code=_text(head, "Absender/Behoerdenkennung"),
        case_id=case_id,
        bg_number=_text(akte, "AllgemeineMetadaten/Kennzeichen"),
        status=_text(akte, "Status"),
        closed_at=parse_when(closed, "Laufzeit/Ende") if closed else None,
        persons=persons,
        registers=registers,
        documents=documents,
        history=history,
        holds=holds,
        records={
            "retention": _as_data(keep) if keep is not None else {},
            "records": _as_data(records) if records is not None else {},
        },
    )


def _parse_document(
    element: ET.Element, hashes: dict[str, str], sizes: dict[str, int]
) -> PkgDocument:
    doc_id = _text(element, "Identifikation/ID")
    type_element = element.find(q("Typ"))
    versions = []
    for entry in element.iterfind(q("Version")):
        primary = entry.find(q("Primaerdokument"))
        if primary is None:
            raise ArchiveRefused(
                _("xdomea.xml: a version of document %(id)s has no Primaerdokument.")
                % {"id": doc_id}
            )
        text_file = entry.find(q("Textdatei"))
        text_name = None
        if text_file is not None:
            text_name = (text_file.text or "").strip()
            text_hash = text_file.get("hashwert") or ""
        if text_name is not None and (text_name not in hashes or hashes[text_name] != text_hash):
            raise ArchiveRefused(
                _("xdomea.xml names the file %(name)s, but the package does not contain it.")
                % {"name": text_name}
            )
        versions.append(
            PkgVersion(
                number=_int(_text(entry, "Nummer"), "Version/Nummer"),
                created_at=parse_when(
                    _text(entry, "Erstellungszeitpunkt"), "Version/Erstellungszeitpunkt"
                ),
                mime_type=_text(entry, "Format/Name"),
                pages=_int(_text(primary, "Seiten"), "Seiten"),
                file=_file(primary, hashes, sizes),
                ocr_status=_text(entry, "Texterkennung", required=False) or OcrStatus.PENDING,
                text_file=text_name,
            )
        )
    if not versions:
        raise ArchiveRefused(_("xdomea.xml: document %(id)s has no version.") % {"id": doc_id})
    originals = [
        PkgOriginal(
            position=_int(_text(entry, "Position"), "Original/Position"),
            filename=_text(entry, "DateinameOriginal"),
            mime_type=_text(entry, "MimeType"),
            pages=_int(_text(entry, "Seiten"), "Original/Seiten"),
            file=_file(entry, hashes, sizes),
        )
        for entry in element.iterfind(q("Original"))
    ]
    source = _text(element, "Quelle")
    if source not in Source.values:
        raise ArchiveRefused(
            _("xdomea.xml: document %(id)s has an unknown source %(source)s.")
            % {"id": doc_id, "source": source[:20]}
        )
    return PkgDocument(
        id=doc_id,
        title=_text(element, "AllgemeineMetadaten/Betreff"),
        type_code=type_element.get("code") if type_element is not None else None,
        type_name=(type_element.text or "").strip() if type_element is not None else "",
        type_register=(type_element.get("register") or "") if type_element is not None else "",
        register_code=_text(element, "Aktenplaneinheit"),
        source=source,
        received_at=parse_when(_text(element, "Posteingangsdatum"), "Posteingangsdatum"),
        created_at=parse_when(_text(element, "Erstellungszeitpunkt"), "Erstellungszeitpunkt"),
        versions=versions,
        originals=originals,
    )


def _unsafe(name: str) -> bool:
    return name.startswith("/") or "\\" in name or ".." in name.split("/") or name.endswith("/")


def _check_sizes(archive: zipfile.ZipFile) -> None:
    """Refuse before unpacking anything what is too big or packed like a bomb.

    The sizes checked are the ones the ZIP declares; reading never gets past a declared size
    (``zipfile`` stops there and checks the CRC), so they bound the work of the hash check.
    """
    infos = archive.infolist()
    if len(infos) > MAX_ENTRIES:
        raise ArchiveRefused(
            _("The package has %(count)s files; at most %(max)s are accepted.")
            % {"count": len(infos), "max": MAX_ENTRIES}
        )
    total = sum(info.file_size for info in infos)
    if total > settings.ARCHIVE_MAX_BYTES:
        raise ArchiveRefused(
            _("The package unpacks to %(size)s; at most %(max)s are accepted.")
            % {"size": filesizeformat(total), "max": filesizeformat(settings.ARCHIVE_MAX_BYTES)}
        )
    limits = {MANIFEST_NAME: MAX_MANIFEST_BYTES, XML_NAME: MAX_XML_BYTES}
    for info in infos:
        if info.file_size > limits.get(info.filename, total + 1):
            raise ArchiveRefused(
                _("%(name)s in the package is too big (%(size)s).")
                % {"name": info.filename, "size": filesizeformat(info.file_size)}
            )
        if info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise ArchiveRefused(
                _(
                    "%(name)s in the package is packed more than %(ratio)s times: that is no "
                    "archive package but a zip bomb."
                )
                % {"name": info.filename, "ratio": MAX_RATIO}
            )


def _check_content(archive: zipfile.ZipFile, package: Package, progress: Progress) -> None:
    """The files that become documents, like every file from outside: scanned for malware,
    and PDFs without active content (they cannot be rewritten here — their hashes must stay
    those of the sending e-file, which cleaned them when they arrived there)."""
    names = [
        name
        for document in package.documents
        for name in (
            *(version.file.name for version in document.versions),
            *(original.file.name for original in document.originals),
        )
    ]
    for number, name in enumerate(names, start=1):
        data = archive.read(name)
        try:
            antivirus.scan_upload(name, data)
        except UnsupportedUpload as exc:
            raise ArchiveRefused(exc.message) from exc
        if data.startswith(b"%PDF"):
            try:
                with pikepdf.open(io.BytesIO(data)) as pdf:
                    active = processing.active_content(pdf)
            except pikepdf.PdfError as exc:
                raise ArchiveRefused(
                    _("The file %(name)s in the package is not a readable PDF.") % {"name": name}
                ) from exc
            if active:
                raise ArchiveRefused(
                    _("The PDF %(name)s in the package contains active content (%(what)s).")
                    % {"name": name, "what": ", ".join(active)}
                )
        progress(f"scanned {number}/{len(names)} {name}")


def package_verify(archive: zipfile.ZipFile, *, progress: Progress = quiet) -> Package:
    """Check a package completely without writing anything; ``ArchiveRefused`` names the fault."""
    _check_sizes(archive)
    names = archive.namelist()
    if len(names) != len(set(names)):
        raise ArchiveRefused(_("The package contains a file name twice."))
    for name in names:
        if _unsafe(name):
            raise ArchiveRefused(
                _("The package contains an entry that is not allowed: %(name)s") % {"name": name}
            )
    if MANIFEST_NAME not in names:
        raise ArchiveRefused(_("The package has no %(name)s.") % {"name": MANIFEST_NAME})
    manifest_bytes = archive.read(MANIFEST_NAME)
    hashes: dict[str, str] = {}
    try:
        manifest = manifest_bytes.decode()
    except UnicodeDecodeError as exc:
        raise ArchiveRefused(_("The manifest is not UTF-8 text.")) from exc
    for number, line in enumerate(manifest.splitlines(), start=1):
        match = _MANIFEST_LINE.match(line)
        if match is None or match.group(2) in hashes:
            raise ArchiveRefused(
                _("Line %(number)s of the manifest is not a sha256sum line: %(line)s")
                % {"number": number, "line": line[:100]}
            )
        hashes[match.group(2)] = match.group(1)
    present = set(names) - {MANIFEST_NAME}
    missing = sorted(set(hashes) - present)
    if missing:
        raise ArchiveRefused(
            _("The package lacks files the manifest lists: %(names)s")
            % {"names": ", ".join(missing[:5])}
        )
    extra = sorted(present - set(hashes))
    if extra:
        raise ArchiveRefused(
            _("The package contains files the manifest does not list: %(names)s")
            % {"names": ", ".join(extra[:5])}
        )
    if XML_NAME not in hashes:
        raise ArchiveRefused(_("The package has no %(name)s.") % {"name": XML_NAME})
    sizes: dict[str, int] = {}
    for number, name in enumerate(sorted(hashes), start=1):
        try:
            with archive.open(name) as handle:
                digest, size = sha256_stream(handle, chunk=CHUNK)
        except (zipfile.BadZipFile, OSError) as exc:
            raise ArchiveRefused(
                _("The file %(name)s in the package cannot be read: %(error)s")
                % {"name": name, "error": exc}
            ) from exc
        if digest != hashes[name]:
            raise ArchiveRefused(
                _(
                    "The file %(name)s does not match its SHA-256 in the manifest: the package "
                    "was changed or damaged."
                )
                % {"name": name}
            )
        sizes[name] = size
        progress(f"checked {number}/{len(hashes)} {name}")
    package = _parse(archive.read(XML_NAME), hashes, sizes)
    _check_content(archive, package, progress)
    referenced = {XML_NAME}
    for document in package.documents:
        for version in document.versions:
            referenced.add(version.file.name)
            if version.text_file:
                referenced.add(version.text_file)
        referenced.update(original.file.name for original in document.originals)
    unreferenced = sorted(set(hashes) - referenced)
    if unreferenced:
        raise ArchiveRefused(
            _("The package contains files xdomea.xml does not describe: %(names)s")
            % {"names": ", ".join(unreferenced[:5])}
        )
    package.manifest_sha256 = hashlib.sha256(manifest_bytes).hexdigest()
    return package
