"""The mailroom end to end on generated scans: split, OCR, identify, file or triage."""

from __future__ import annotations

import json
from io import StringIO

import pypdfium2 as pdfium
import pytest
from django.core.management import call_command
from django.utils import timezone

from amtsbote.audit.models import AuditEvent
from amtsbote.doc_requests.constants import ItemStatus, RequestStatus
from amtsbote.doc_requests.services import ItemSpec, doc_request_create
from amtsbote.documents import processing
from amtsbote.documents.constants import OcrStatus, Source
from amtsbote.documents.models import Document, DocumentType
from amtsbote.intake import ocr, pipeline, services, sheets
from amtsbote.intake.constants import BatchSource, BatchStatus, FileStatus, IntakeStatus
from amtsbote.intake.models import IntakeDocument, ScanBatch, ScanFile
from amtsbote.intake.tests import scans

pytestmark = pytest.mark.django_db


def _import(jobcenter, name, data, *, source=BatchSource.CLI):
    batch = services.scan_batch_create(jobcenter=jobcenter, source=source)
    outcome = services.scan_file_import(batch=batch, filename=name, data=data)
    assert not outcome.error, outcome.error
    return batch, outcome.scan_file


def test_batch_is_split_identified_filed_and_reported(
    jobcenter, case_anna, customer_anna, team_leistung, caseworker_ben
):
    """Image-only PDF: letter with BG-Nummer | PATCH-T | unknown number (2 pages) | cover
    sheet answering a request + its page."""
    request = doc_request_create(
        case=case_anna,
        team=team_leistung,
        created_by=caseworker_ben,
        items=[ItemSpec(label="Nachweis über die Nebenkosten")],
    )
    cover = sheets.cover_sheet_image(case_anna.bg_number, request_uuid=str(request.uuid))
    data = scans.image_pdf(
        scans.letter("Kontoauszug", "Sparkasse Musterstadt", "BG-Nummer 96201BG0012345"),
        sheets.patch_t_page(),
        scans.letter("Schreiben", "Ihr Zeichen 12345BG7654321", "Seite 1"),
        scans.letter("Seite 2 des Schreibens"),
        cover,
        scans.letter("Betriebskosten 2025", "Heizung 600 Euro"),
    )
    batch, scan_file = _import(jobcenter, "stapel.pdf", data)

    pipeline.process_scan_file(scan_file_id=scan_file.pk)

    scan_file.refresh_from_db()
    assert scan_file.status == FileStatus.DONE
    pages = list(scan_file.pages.order_by("index"))
    assert [p.is_separator for p in pages] == [False, True, False, False, False, False]
    assert all(len(p.sha256) == 64 and p.ocr_done and not p.has_text_layer for p in pages)
    docs = list(IntakeDocument.objects.filter(file=scan_file).order_by("first_page"))
    assert [(d.first_page, d.last_page) for d in docs] == [(0, 0), (2, 3), (4, 5)]
    first, unknown, answered = docs

    assert first.status == IntakeStatus.FILED and first.case == case_anna
    assert first.type_code == "kontoauszug"
    document = first.document
    assert document.source == Source.SCAN and document.register.code == "vermoegen"
    version = document.current_version
    assert version.pages == 1 and version.ocr_status == OcrStatus.DONE
    assert "96201BG0012345" in version.text
    with version.file.open("rb") as handle:
        archival = handle.read()
    assert processing.is_archival(archival)  # PDF/A-2b, validated by pikepdf
    pdf = pdfium.PdfDocument(archival)  # with tesseract's invisible text layer
    assert "96201BG0012345" in pdf[0].get_textpage().get_text_bounded()
    pdf.close()

    assert unknown.status == IntakeStatus.TRIAGE and unknown.case is None
    assert unknown.document is None and "Seite 2" in unknown.text

    assert answered.status == IntakeStatus.FILED and answered.identifier_kind == "cover"
    assert answered.request == request and answered.document.current_version.pages == 2
    item = request.items.get()
    assert item.status == ItemStatus.FULFILLED
    assert list(item.documents.all()) == [answered.document]
    request.refresh_from_db()
    assert request.status == RequestStatus.FULFILLED
    assert AuditEvent.objects.filter(action="intake.request_item.fulfil").count() == 1

    batch.refresh_from_db()
    assert batch.status == BatchStatus.DONE and batch.page_count == 6
    # The jobcenter's day (after 23:00 UTC it is already tomorrow in Germany).
    assert batch.destroy_paper_after == timezone.localdate(batch.started_at) + __import__(
        "datetime"
    ).timedelta(days=56)

    # Running again (a task delivered twice) changes nothing.
    ScanFile.objects.filter(pk=scan_file.pk).update(status=FileStatus.PROCESSING)
    pipeline.process_scan_file(scan_file_id=scan_file.pk)
    assert IntakeDocument.objects.filter(file=scan_file).count() == 3
    assert Document.objects.filter(case=case_anna).count() == 2

    out = StringIO()
    call_command("intake_report", "--json", stdout=out)
    [row] = json.loads(out.getvalue())
    assert row["file"] == "stapel.pdf" and row["pages"] == 6
    assert [(d["first_page"], d["last_page"], d["case"], d["type"]) for d in row["documents"]] == [
        (1, 1, "96201BG0012345", "kontoauszug"),
        (3, 4, None, None),
        (5, 6, "96201BG0012345", None),
    ]
    assert set(row["documents"][0]) == {
        "first_page",
        "last_page",
        "status",
        "case",
        "identified_by",
        "confidence",
        "type",
        "type_confidence",
        "text",
    }


def test_several_files_at_once_and_a_lost_original_fails_only_its_file(jobcenter, case_anna):
    """Files share the OCR threads; one that cannot be read is marked failed, with the reason,
    and the others are filed all the same."""
    batch = services.scan_batch_create(jobcenter=jobcenter, source=BatchSource.CLI)
    files = []
    for number, line in enumerate(["BG-Nummer 96201BG0012345", "Ohne Nummer", "Noch ein Brief"]):
        data = scans.image_pdf(scans.letter("Kontoauszug", line, f"Brief {number}"))
        files.append(services.scan_file_import(batch=batch, filename=f"{number}.pdf", data=data))
    lost = files[1].scan_file
    lost.original.storage.delete(lost.original.name)
    seen: list[tuple[str, int]] = []

    results = pipeline.process_scan_files(
        [f.scan_file.pk for f in files], progress=lambda f, n: seen.append((f.filename, n))
    )

    assert [r.status for r in results] == [FileStatus.DONE, FileStatus.FAILED, FileStatus.DONE]
    assert "FileNotFoundError" in results[1].error
    assert IntakeDocument.objects.get(file=results[0]).case == case_anna
    assert IntakeDocument.objects.get(file=results[2]).status == IntakeStatus.TRIAGE
    assert not IntakeDocument.objects.filter(file=results[1]).exists()
    assert ("0.pdf", 1) in seen and ("2.pdf", 1) in seen
    batch.refresh_from_db()
    assert batch.status == BatchStatus.FAILED  # one of its files failed: the batch says so
    assert AuditEvent.objects.filter(action="intake.file.fail").count() == 1


def test_text_layer_pages_are_not_ocred(jobcenter, case_anna, monkeypatch):
    def no_ocr(*args, **kwargs):
        raise AssertionError("a page with a text layer was OCRed")

    monkeypatch.setattr(ocr, "recognise", no_ocr)
    data = scans.text_pdf(
        scans.text_letter("Kundennummer 955D123456", subject="Kontoauszug"),
        scans.text_letter("Seite 2", subject="Weiter"),
    )
    _batch, scan_file = _import(jobcenter, "mail.pdf", data)
    from amtsbote.cases.tests.factories import PersonFactory

    PersonFactory(case=case_anna, customer_number="955D123456")

    pipeline.process_scan_file(scan_file_id=scan_file.pk)

    [intake] = IntakeDocument.objects.filter(file=scan_file)
    assert intake.status == IntakeStatus.FILED and intake.case == case_anna
    assert intake.identifier_kind == "kundennummer"
    assert all(p.has_text_layer for p in scan_file.pages.all())
    # The letter is a bank statement (Sparkasse, Buchungen, Lastschrift).
    assert intake.document.document_type == DocumentType.objects.get(code="kontoauszug")
    assert intake.document.current_version.pages == 2


def test_multi_page_tiff_and_idempotent_reimport(jobcenter, case_anna, tmp_path):
    data = scans.tiff(
        scans.letter("Kontoauszug", "BG-Nummer 96201BG0012345"),
        sheets.patch_t_page(),
        scans.letter("Werbung", "Kaufen Sie jetzt"),
    )
    batch, scan_file = _import(jobcenter, "scan.tif", data)
    assert scan_file.kind == "tiff" and scan_file.page_count == 3
    pipeline.process_scan_file(scan_file_id=scan_file.pk)
    statuses = list(
        IntakeDocument.objects.filter(file=scan_file).values_list("status", "case__bg_number")
    )
    assert statuses == [(IntakeStatus.FILED, "96201BG0012345"), (IntakeStatus.TRIAGE, None)]

    again = services.scan_file_import(batch=batch, filename="copy.tif", data=data)
    assert again.duplicate and again.scan_file == scan_file
    assert ScanFile.objects.count() == 1

    out = StringIO()
    path = tmp_path / "again.tif"  # the stored original is encrypted: import the same bytes
    path.write_bytes(data)
    call_command("import_scans", str(path), "--jobcenter", "musterstadt", "--wait", stdout=out)
    assert "skipped (imported before)" in out.getvalue()
    assert ScanBatch.objects.count() == 1 and IntakeDocument.objects.count() == 2


def test_refused_file_is_reported(jobcenter, tmp_path):
    (tmp_path / "notiz.txt").write_text("kein Scan")
    err = StringIO()
    call_command(
        "import_scans",
        str(tmp_path),
        "--jobcenter",
        "musterstadt",
        "--wait",
        stdout=StringIO(),
        stderr=err,
    )
    assert "notiz.txt" in err.getvalue() and "PDF, TIFF" in err.getvalue()
    assert ScanFile.objects.count() == 0


def test_consume_folder(
    jobcenter, case_anna, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.INTAKE_CONSUME_DIR = tmp_path / "consume"
    settings.INTAKE_CONSUME_SETTLE_SECONDS = 0
    folder = tmp_path / "consume" / "musterstadt"
    folder.mkdir(parents=True)
    (folder / "a.pdf").write_bytes(scans.text_pdf(scans.text_letter("BG-Nummer 96201BG0012345")))
    (folder / "b.docx").write_bytes(b"PK\x03\x04")
    (folder / "c.pdf.part").write_bytes(b"%PDF-")  # still being written by the scanner
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("consume", "--once", stdout=out, stderr=StringIO())

    assert not (folder / "a.pdf").exists() and (folder / "c.pdf.part").exists()
    assert (folder / ".refused" / "b.docx").exists()
    scan_file = ScanFile.objects.get()
    assert scan_file.batch.source == BatchSource.FOLDER
    assert scan_file.status == FileStatus.DONE  # the task ran after commit
    assert IntakeDocument.objects.get().case == case_anna
