"""Archive packages: export a case, import it into another jobcenter, compare everything.

The "fresh instance" is a second jobcenter in the same test database: it has its own
registers, teams and staff, and shares nothing with the first but the document type
catalogue (which a fresh installation loads too). Runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import subprocess
import zipfile
from pathlib import Path

import pikepdf
import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.utils import translation

from amtsbote.accounts.constants import Role
from amtsbote.accounts.tests.factories import StaffFactory
from amtsbote.audit.models import AuditEvent
from amtsbote.cases.models import Case, Person
from amtsbote.cases.services import case_close
from amtsbote.cases.tests.factories import JobcenterFactory
from amtsbote.core.storage import StoredFiles
from amtsbote.doc_requests.services import ItemSpec, doc_request_create, submission_create
from amtsbote.documents import processing
from amtsbote.documents.constants import Source
from amtsbote.documents.models import Document, DocumentType
from amtsbote.documents.search import search_documents
from amtsbote.documents.services import document_create
from amtsbote.documents.tests import samples
from amtsbote.eforms.tests.factories import send_move
from amtsbote.postbox.constants import LetterKind
from amtsbote.postbox.services import LetterSpec, letter_create
from amtsbote.records.archive import (
    MANIFEST_NAME,
    XML_NAME,
    ArchiveRefused,
    case_export,
    case_import,
)
from amtsbote.records.models import ArchiveImport, ImportedHistoryEntry
from amtsbote.records.services import legal_hold_set

pytestmark = pytest.mark.django_db

SCAN_WORD = "Zwiebelkuchenfabrik"


@pytest.fixture(autouse=True)
def _english():
    """Messages are matched in English (the German ones are in the catalogue)."""
    with translation.override("en"):
        yield


@pytest.fixture
def neustadt(db):
    return JobcenterFactory(
        name="Jobcenter Neustadt", slug="neustadt", state="BY", team_names=["Leistung"]
    )


@pytest.fixture
def lead_nina(neustadt):
    return StaffFactory(
        email="nina@neustadt.example",
        first_name="Nina",
        last_name="Neumann",
        role=Role.TEAM_LEAD,
        jobcenter=neustadt,
        teams=[neustadt.teams.get()],
    )


@pytest.fixture
def full_case(case_anna, customer_anna, caseworker_ben):
    """Anna's household with an upload, a scanned letter, a Bescheid and a form."""
    rent = DocumentType.objects.get(code="mietvertrag")
    request = doc_request_create(
        case=case_anna,
        team=caseworker_ben.teams.get(),
        created_by=caseworker_ben,
        items=[ItemSpec(document_type=rent)],
    )
    photo = samples.jpeg_bytes(["Mietvertrag", "Kaltmiete 420 Euro"])
    submission_create(
        request=request,
        submitted_by=customer_anna,
        files_by_item={
            request.items.get(): [("IMG_0001.jpg", photo), ("p2.png", samples.png_bytes())]
        },
    )
    with StoredFiles() as stored:
        document_create(
            case=case_anna,
            files=[processing.check_file("scan.pdf", samples.pdf_bytes(pages=2))],
            title="Schreiben der Vermieterin",
            source=Source.SCAN,
            document_type=DocumentType.objects.get(code="sonstiges"),
            stored=stored,
            text=f"Sehr geehrte Frau Schmidt, die {SCAN_WORD} zieht um.",
        )
    letter_create(
        spec=LetterSpec(
            case=case_anna,
            addressee=Person.objects.get(user=customer_anna),
            kind=LetterKind.BESCHEID,
            subject="Bewilligungsbescheid",
            pdf=samples.pdf_bytes(lines=["Bescheid"]),
        ),
        created_by=caseworker_ben,
    )
    send_move(customer_anna)
    return case_anna


def export_to(tmp_path: Path, case: Case, actor=None) -> Path:
    target = tmp_path / "export.zip"
    case_export(case, actor=actor, target=target)
    return target


def stored_bytes(name: str) -> bytes:
    with default_storage.open(name, "rb") as handle:
        return handle.read()


def media_files() -> set[str]:
    root = Path(settings.MEDIA_ROOT)
    return (
        {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}
        if root.exists()
        else set()
    )


def snapshot() -> tuple:
    return (
        Case.objects.count(),
        Document.objects.count(),
        AuditEvent.objects.count(),
        ArchiveImport.objects.count(),
        frozenset(media_files()),
    )


def rewrite(source: Path, target: Path, *, change=None, drop=(), add=None) -> Path:
    """A copy of the ZIP with members replaced (``change``), left out or added."""
    change, add = change or {}, add or {}
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for name in old.namelist():
            if name in drop:
                continue
            new.writestr(name, change.get(name, old.read(name)))
        for name, data in add.items():
            new.writestr(name, data)
    return target


def with_manifest(source: Path, target: Path, *, change: dict[str, bytes]) -> Path:
    """Replace members and write a manifest that matches them (a consistent but bad package)."""
    with zipfile.ZipFile(source) as old:
        members = {n: old.read(n) for n in old.namelist() if n != MANIFEST_NAME}
    members.update(change)
    manifest = "".join(
        f"{hashlib.sha256(d).hexdigest()}  {n}\n" for n, d in sorted(members.items())
    )
    with zipfile.ZipFile(target, "w") as new:
        for name, data in members.items():
            new.writestr(name, data)
        new.writestr(MANIFEST_NAME, manifest)
    return target


def test_round_trip_keeps_documents_files_registers_and_history(
    full_case, neustadt, lead_nina, tmp_path
):
    source_docs = {
        str(d.uuid): d
        for d in Document.objects.filter(case=full_case).select_related("register", "document_type")
    }
    assert len(source_docs) == 4  # upload, scan, Bescheid, form PDF
    source_events = list(
        AuditEvent.objects.filter(case_id=full_case.pk)
        .order_by("id")
        .values_list("action", flat=True)
    )
    zip_path = export_to(tmp_path, full_case, actor=lead_nina)

    case = case_import(zip_path, jobcenter=neustadt, actor=lead_nina, teams=[neustadt.teams.get()])

    assert case.jobcenter == neustadt and case.bg_number == full_case.bg_number
    assert case.pk != full_case.pk and list(case.teams.all()) == [neustadt.teams.get()]
    people = list(case.people.order_by("position"))
    assert [(p.customer_number, p.first_name, p.last_name, p.birth_date) for p in people] == [
        (p.customer_number, p.first_name, p.last_name, p.birth_date)
        for p in full_case.people.order_by("position")
    ]
    # Portal accounts do not move: the customer activates again in the new jobcenter.
    assert all(p.user_id is None for p in people)

    imported = ArchiveImport.objects.get(case=case)
    assert imported.source_jobcenter == "Jobcenter Musterstadt"
    assert set(imported.documents) == set(source_docs)
    for old_uuid, new_uuid in imported.documents.items():
        old = source_docs[old_uuid]
        new = Document.objects.select_related("register", "document_type").get(uuid=new_uuid)
        assert new.case == case and new.register.jobcenter == neustadt
        assert (new.title, new.source, new.received_at, new.created_at) == (
            old.title,
            old.source,
            old.received_at,
            old.created_at,
        )
        assert new.register.code == old.register.code
        assert new.document_type == old.document_type
        old_versions = list(old.versions.order_by("number"))
        new_versions = list(new.versions.order_by("number"))
        assert [
            (v.number, v.sha256, v.size, v.pages, v.text, v.mime_type) for v in new_versions
        ] == [(v.number, v.sha256, v.size, v.pages, v.text, v.mime_type) for v in old_versions]
        for old_v, new_v in zip(old_versions, new_versions, strict=True):
            assert new_v.file.name != old_v.file.name
            data = stored_bytes(new_v.file.name)
            assert data == stored_bytes(old_v.file.name)
            assert hashlib.sha256(data).hexdigest() == old_v.sha256
            assert new_v.thumbnail and default_storage.exists(new_v.thumbnail.name)
        old_originals = list(old.originals.order_by("position"))
        new_originals = list(new.originals.order_by("position"))
        assert [
            (o.position, o.filename, o.sha256, o.size, o.mime_type, o.pages) for o in new_originals
        ] == [
            (o.position, o.filename, o.sha256, o.size, o.mime_type, o.pages) for o in old_originals
        ]
        for old_o, new_o in zip(old_originals, new_originals, strict=True):
            assert stored_bytes(new_o.file.name) == stored_bytes(old_o.file.name)
    upload = Document.objects.get(
        uuid=imported.documents[
            str(
                next(
                    d.uuid
                    for d in source_docs.values()
                    if d.source == Source.PORTAL and d.document_type.code == "mietvertrag"
                )
            )
        ]
    )
    assert [o.filename for o in upload.originals.order_by("position")] == ["IMG_0001.jpg", "p2.png"]

    # The history came along, readable, in order; the export itself is audited at the source.
    history = list(ImportedHistoryEntry.objects.filter(case=case).order_by("position"))
    assert [h.action for h in history] == source_events
    assert "documents.document.create" in source_events and "postbox.letter.create" in source_events
    assert AuditEvent.objects.filter(action="records.case.export", case_id=full_case.pk).exists()
    event = AuditEvent.objects.get(action="records.case.import", case_id=case.pk)
    assert event.actor == lead_nina and event.data["documents"] == 4
    # Staff appear by role and team only (show_staff_names is off).
    labels = " ".join(h.actor_label for h in history)
    assert "Sachbearbeitung (Leistung)" in labels and "Kunde/Kundin 955D123456" in labels
    assert "Ben" not in labels and "Becker" not in labels and "@" not in labels
    # What letters and forms recorded at the source is kept.
    records = imported.records["records"]
    assert records["Schreiben"]["Betreff"] == "Bewilligungsbescheid"
    assert records["Formular"]["Formularcode"] == "veraenderungsmitteilung"


def test_imported_documents_are_found_by_the_search(full_case, neustadt, lead_nina, tmp_path):
    zip_path = export_to(tmp_path, full_case)
    case = case_import(zip_path, jobcenter=neustadt, actor=lead_nina, teams=[neustadt.teams.get()])
    page = search_documents(user=lead_nina, query=SCAN_WORD)
    assert [hit.document.case_id for hit in page.hits] == [case.pk]


def test_the_package_passes_sha256sum_and_the_tool_sees_a_change(full_case, tmp_path):
    zip_path = export_to(tmp_path, full_case)
    out = tmp_path / "unpacked"
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(out)
        names = set(archive.namelist())
    manifest = (out / MANIFEST_NAME).read_text().splitlines()
    assert {line.split("  ", 1)[1] for line in manifest} == names - {MANIFEST_NAME}
    assert XML_NAME in names
    result = subprocess.run(
        ["sha256sum", "--strict", "-c", MANIFEST_NAME], cwd=out, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count(": OK") == len(manifest)

    victim = next(out.glob("dokumente/*/version-1.pdf"))
    victim.write_bytes(victim.read_bytes() + b"%")
    result = subprocess.run(
        ["sha256sum", "-c", MANIFEST_NAME], cwd=out, capture_output=True, text=True
    )
    assert result.returncode != 0 and "FAILED" in result.stdout


def test_the_xml_names_files_hashes_pdfa_and_retention(full_case, tmp_path):
    case_close(case=full_case, closed_at=dt.datetime(2020, 3, 1, 12, 0, tzinfo=dt.UTC))
    zip_path = export_to(tmp_path, full_case)
    with zipfile.ZipFile(zip_path) as archive:
        xml = archive.read(XML_NAME).decode()
    assert 'profilVersion="1"' in xml and "urn:amtsbote:xdomea-profil:1" in xml
    assert '<Nachrichtentyp code="0401">Abgabe.Abgabe</Nachrichtentyp>' in xml
    assert "<Kennzeichen>96201BG0012345</Kennzeichen>" in xml
    assert "<Kundennummer>955D123456</Kundennummer>" in xml
    assert "<PDFA>2B</PDFA>" in xml
    assert "<Fristende>2030-12-31</Fristende>" in xml
    assert "<DateinameOriginal>IMG_0001.jpg</DateinameOriginal>" in xml
    for document in Document.objects.filter(case=full_case):
        assert document.current_version.sha256 in xml


def test_staff_names_only_when_the_jobcenter_shows_them(full_case, neustadt, lead_nina, tmp_path):
    full_case.jobcenter.show_staff_names = True
    full_case.jobcenter.save()
    case = case_import(export_to(tmp_path, full_case), jobcenter=neustadt, actor=lead_nina)
    labels = " ".join(case.imported_history.values_list("actor_label", flat=True))
    assert "Ben Becker" in labels


def test_a_closed_case_under_legal_hold_stays_closed_and_held(
    case_anna, customer_anna, neustadt, lead_nina, tmp_path, team_leistung
):
    lead = StaffFactory(role=Role.TEAM_LEAD, jobcenter=case_anna.jobcenter, teams=[team_leistung])
    closed_at = dt.datetime(2019, 6, 1, 8, 0, tzinfo=dt.UTC)
    case_close(case=case_anna, closed_at=closed_at)
    legal_hold_set(case=case_anna, reason="Klage vor dem Sozialgericht", actor=lead)
    zip_path = export_to(tmp_path, case_anna)

    with pytest.raises(ArchiveRefused, match="legal hold"):
        case_import(zip_path, jobcenter=neustadt, actor=None)
    case = case_import(zip_path, jobcenter=neustadt, actor=lead_nina)
    assert case.status == "closed" and case.closed_at == closed_at
    (hold,) = case.legal_holds.all()
    assert "Klage vor dem Sozialgericht" in hold.reason and hold.set_by == lead_nina


def test_same_bg_number_in_the_target_is_refused(full_case, caseworker_ben, tmp_path):
    zip_path = export_to(tmp_path, full_case)
    before = snapshot()
    with pytest.raises(ArchiveRefused, match="96201BG0012345 exists"):
        case_import(zip_path, jobcenter=full_case.jobcenter, actor=None)
    assert snapshot() == before


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        ("changed", "does not match its SHA-256"),
        ("missing", "lacks files the manifest lists"),
        ("extra", "does not list"),
        ("bad_xml", "not well-formed"),
        ("version", "schema version 2"),
        ("unreferenced", "does not describe"),
        ("not_zip", "not a ZIP file"),
    ],
)
def test_a_damaged_package_is_refused_and_nothing_is_written(
    full_case, neustadt, lead_nina, tmp_path, damage, message
):
    zip_path = export_to(tmp_path, full_case)
    with zipfile.ZipFile(zip_path) as archive:
        pdf = next(n for n in archive.namelist() if n.endswith("version-1.pdf"))
        xml = archive.read(XML_NAME)
    bad = tmp_path / "bad.zip"
    if damage == "changed":
        with zipfile.ZipFile(zip_path) as archive:
            rewrite(zip_path, bad, change={pdf: archive.read(pdf)[:-1] + b"X"})
    elif damage == "missing":
        rewrite(zip_path, bad, drop={pdf})
    elif damage == "extra":
        rewrite(zip_path, bad, add={"notes.txt": b"hello"})
    elif damage == "bad_xml":
        with_manifest(zip_path, bad, change={XML_NAME: xml[:-20]})
    elif damage == "version":
        with_manifest(
            zip_path,
            bad,
            change={XML_NAME: xml.replace(b'profilVersion="1"', b'profilVersion="2"')},
        )
    elif damage == "unreferenced":
        with_manifest(zip_path, bad, change={"dokumente/extra.pdf": b"%PDF-1.4"})
    else:
        bad.write_bytes(b"this is not a zip")
    before = snapshot()
    with pytest.raises(ArchiveRefused, match=message):
        case_import(bad, jobcenter=neustadt, actor=lead_nina)
    assert snapshot() == before


def test_an_invalid_customer_number_rolls_everything_back(full_case, neustadt, lead_nina, tmp_path):
    zip_path = export_to(tmp_path, full_case)
    with zipfile.ZipFile(zip_path) as archive:
        xml = archive.read(XML_NAME)
    bad = with_manifest(
        zip_path, tmp_path / "bad.zip", change={XML_NAME: xml.replace(b"955D123456", b"955X12")}
    )
    before = snapshot()
    with pytest.raises(ArchiveRefused, match="does not accept"):
        case_import(bad, jobcenter=neustadt, actor=lead_nina)
    assert snapshot() == before


def test_a_failure_half_way_removes_the_files_already_stored(
    full_case, neustadt, lead_nina, tmp_path
):
    """Every hash matches, but the later version PDFs cannot be rendered: the import fails
    after the first document's files were stored, and they are removed again."""
    zip_path = export_to(tmp_path, full_case)
    with zipfile.ZipFile(zip_path) as archive:
        xml = archive.read(XML_NAME).decode()
    versions = re.findall(r"<Dateiname>(dokumente/[^<]+/version-1\.pdf)</Dateiname>", xml)
    assert len(versions) == 4
    empty = io.BytesIO()
    pikepdf.new().save(empty)  # a well-formed PDF without pages: nothing to render
    broken = empty.getvalue()
    for name in versions[1:]:  # the XML names the broken file's hash and size
        xml = re.sub(
            rf"(<Dateiname>{re.escape(name)}</Dateiname><Hashwert[^>]*>)[0-9a-f]{{64}}"
            r"(</Hashwert><Groesse>)\d+(</Groesse>)",
            rf"\g<1>{hashlib.sha256(broken).hexdigest()}\g<2>{len(broken)}\g<3>",
            xml,
        )
    changes = {name: broken for name in versions[1:]} | {XML_NAME: xml.encode()}
    bad = with_manifest(zip_path, tmp_path / "bad.zip", change=changes)
    before = snapshot()
    with pytest.raises(ArchiveRefused, match="nothing was stored"):
        case_import(bad, jobcenter=neustadt, actor=lead_nina)
    assert snapshot() == before


def test_unknown_registers_and_types_are_created(case_anna, neustadt, lead_nina, tmp_path):
    from amtsbote.cases.models import FilePlanEntry

    register = FilePlanEntry.objects.create(
        jobcenter=case_anna.jobcenter, code="bildung", name="Bildung und Teilhabe", position=20
    )
    special = DocumentType.objects.create(
        code="klassenfahrt", name="Klassenfahrt", default_register_code="bildung"
    )
    with StoredFiles() as stored:
        document_create(
            case=case_anna,
            files=[processing.check_file("a.pdf", samples.pdf_bytes())],
            title="Klassenfahrt Mia",
            source=Source.PORTAL,
            document_type=special,
            register=register,
            stored=stored,
        )
    zip_path = export_to(tmp_path, case_anna)
    # The target does not know the type: it goes from the catalogue (with its document).
    Document.objects.filter(case=case_anna).delete()
    special.delete()

    case = case_import(zip_path, jobcenter=neustadt, actor=lead_nina)
    document = case.documents.get()
    assert document.register.code == "bildung" and document.register.jobcenter == neustadt
    assert document.register.name == "Bildung und Teilhabe"
    assert document.document_type.code == "klassenfahrt" and not document.document_type.is_active
    event = AuditEvent.objects.get(action="records.case.import", case_id=case.pk)
    assert event.data["registers_created"] == ["bildung"]
    assert event.data["document_types_created"] == ["klassenfahrt"]


def test_commands_export_and_import_with_progress(full_case, neustadt, tmp_path):
    target = tmp_path / "cmd.zip"
    out = io.StringIO()
    call_command(
        "archive_export",
        "96201BG0012345",
        "--jobcenter",
        "musterstadt",
        "-o",
        str(target),
        stdout=out,
    )
    assert "4 documents" in out.getvalue() and target.exists()
    out = io.StringIO()
    call_command(
        "archive_import", str(target), "--jobcenter", "neustadt", "--team", "Leistung", stdout=out
    )
    assert "imported into neustadt" in out.getvalue() and "checked" in out.getvalue()
    assert Case.objects.get(jobcenter=neustadt).documents.count() == 4
    with pytest.raises(CommandError, match="Refused, nothing was imported"):
        call_command("archive_import", str(target), "--jobcenter", "neustadt", stdout=io.StringIO())


def test_the_export_refuses_a_damaged_stored_file(full_case, tmp_path):
    version = Document.objects.filter(case=full_case).first().current_version
    path = Path(default_storage.path(version.file.name))
    path.write_bytes(path.read_bytes() + b"tail")
    with pytest.raises(ArchiveRefused, match="damaged"):
        case_export(full_case, actor=None, target=tmp_path / "x.zip")
    assert not AuditEvent.objects.filter(action="records.case.export").exists()


def test_a_zip_bomb_is_refused_before_anything_is_unpacked(full_case, neustadt, tmp_path):
    zip_path = export_to(tmp_path, full_case)
    bomb = tmp_path / "bomb.zip"
    # 64 MiB of zeros deflate to about 64 KiB: packed ~1000 times, listed in the manifest so
    # that only the size check can stop it.
    zeros = b"\0" * (64 * 1024 * 1024)
    with_manifest(zip_path, tmp_path / "stored.zip", change={"dokumente/zeros.bin": zeros})
    with (
        zipfile.ZipFile(tmp_path / "stored.zip") as old,
        zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as new,
    ):
        for name in old.namelist():
            new.writestr(name, old.read(name))
    before = snapshot()
    with pytest.raises(ArchiveRefused, match="packed more than 200 times"):
        case_import(bomb, jobcenter=neustadt, actor=None)
    assert snapshot() == before


def test_a_package_bigger_than_the_limit_is_refused(full_case, neustadt, tmp_path, settings):
    zip_path = export_to(tmp_path, full_case)
    with zipfile.ZipFile(zip_path) as archive:
        unpacked = sum(info.file_size for info in archive.infolist())
    settings.ARCHIVE_MAX_BYTES = unpacked - 1
    with pytest.raises(ArchiveRefused, match=r"unpacks to .*; at most"):
        case_import(zip_path, jobcenter=neustadt, actor=None)
    settings.ARCHIVE_MAX_BYTES = unpacked
    assert case_import(zip_path, jobcenter=neustadt, actor=None).jobcenter == neustadt


def test_erasing_an_imported_case_erases_what_the_import_brought(
    full_case, neustadt, lead_nina, tmp_path, django_capture_on_commit_callbacks
):
    from amtsbote.cases.services import case_close
    from amtsbote.records.services import disposal_execute, erasure_propose, proposal_approve

    lead_otto = StaffFactory(
        email="otto@neustadt.example",
        role=Role.TEAM_LEAD,
        jobcenter=neustadt,
        teams=[neustadt.teams.get()],
    )
    case = case_import(export_to(tmp_path, full_case), jobcenter=neustadt, actor=lead_nina)
    assert ImportedHistoryEntry.objects.filter(case=case).exists()
    assert ArchiveImport.objects.get(case=case).records
    case_close(case=case, actor=lead_nina)

    proposal = erasure_propose(case=case, actor=lead_nina, note="Antrag auf Löschung")
    proposal_approve(proposal=proposal, actor=lead_otto)
    with django_capture_on_commit_callbacks(execute=True):
        disposal_execute(proposal=proposal, actor=lead_otto)

    assert not ImportedHistoryEntry.objects.filter(case=case).exists()
    evidence = ArchiveImport.objects.get(case=case)
    assert evidence.records == {} and evidence.documents == {}
    assert evidence.package_sha256  # who took over which package stays provable


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ("malware", "contains malware"),
        ("javascript", r"active content \(.*/JavaScript"),
    ],
)
def test_a_package_file_with_malware_or_active_content_is_refused(
    full_case, neustadt, tmp_path, payload, message
):
    from amtsbote.documents.tests.clamd_server import eicar

    zip_path = export_to(tmp_path, full_case)
    with zipfile.ZipFile(zip_path) as archive:
        pdf_name = next(n for n in archive.namelist() if n.endswith("version-1.pdf"))
        pdf_bytes = archive.read(pdf_name)
    if payload == "malware":
        bad = pdf_bytes + eicar()
    else:
        with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
            pdf.Root.OpenAction = pikepdf.Dictionary(
                S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)")
            )
            out = io.BytesIO()
            pdf.save(out)
        bad = out.getvalue()
    # A consistent package (manifest and XML hashes fit), so that only the content check can
    # refuse it.
    with zipfile.ZipFile(zip_path) as archive:
        xml = archive.read(XML_NAME).decode()
    xml = xml.replace(hashlib.sha256(pdf_bytes).hexdigest(), hashlib.sha256(bad).hexdigest())
    xml = xml.replace(f">{len(pdf_bytes)}<", f">{len(bad)}<")
    target = with_manifest(
        zip_path, tmp_path / "bad.zip", change={pdf_name: bad, XML_NAME: xml.encode()}
    )
    before = snapshot()
    with pytest.raises(ArchiveRefused, match=message):
        case_import(target, jobcenter=neustadt, actor=None)
    if payload == "malware":  # nothing written but the audit event of the finding
        assert AuditEvent.objects.order_by("-id").first().action == "documents.upload.malware"
        before = (*before[:2], before[2] + 1, *before[3:])
    assert snapshot() == before
