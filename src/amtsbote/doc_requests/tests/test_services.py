import datetime as dt
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.utils import translation

from amtsbote.core.exceptions import PermissionDenied, UnsupportedUpload, ValidationFailed
from amtsbote.doc_requests.constants import ItemStatus, RequestStatus
from amtsbote.doc_requests.models import DocRequest, Submission
from amtsbote.doc_requests.services import ItemSpec, doc_request_create, submission_create
from amtsbote.documents.constants import OcrStatus, Source
from amtsbote.documents.models import Document, DocumentType, OriginalFile
from amtsbote.documents.tests import samples

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English here; the German default is checked separately."""
    with translation.override("en"):
        yield


def _types(*codes):
    return [ItemSpec(document_type=DocumentType.objects.get(code=code)) for code in codes]


@pytest.fixture
def rent_request(case_anna, team_leistung, caseworker_ben, customer_anna):
    return doc_request_create(
        case=case_anna,
        team=team_leistung,
        created_by=caseworker_ben,
        items=_types("mietvertrag", "meldebescheinigung"),
    )


@time_machine.travel(dt.datetime(2026, 3, 20, 10, tzinfo=dt.UTC))
def test_default_deadline_is_14_days_moved_past_easter(case_anna, team_leistung, caseworker_ben):
    request = doc_request_create(
        case=case_anna, team=team_leistung, created_by=caseworker_ben, items=_types("mietvertrag")
    )
    # 20 March + 14 = Friday 3 April 2026 = Good Friday; Easter Monday follows → Tuesday 7 April
    assert request.deadline == dt.date(2026, 4, 7)
    assert "07.04.2026" in request.legal_hint
    assert "§ 66" in request.legal_hint


def test_customer_gets_an_email_without_social_data(
    case_anna,
    team_leistung,
    caseworker_ben,
    customer_anna,
    mailbox,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        request = doc_request_create(
            case=case_anna,
            team=team_leistung,
            created_by=caseworker_ben,
            items=_types("mietvertrag"),
        )
    assert len(mailbox) == 1
    message = mailbox[0]
    assert message["To"] == "anna@example.org"
    assert message["Subject"] == "Sie haben eine neue Aufgabe im Portal"
    body = message.get_payload(decode=True).decode()
    assert f"/portal/requests/{request.uuid}/" in body
    for secret in ("96201BG0012345", "955D123456", "Mietvertrag", "Schmidt"):
        assert secret not in body
    notification = customer_anna.email_notifications.get()
    assert notification.status == "sent"
    # The real answer of the SMTP server on loopback (the fixture's aiosmtpd sink).
    assert notification.smtp_result == "250 Message accepted for delivery"


def test_only_own_team_may_ask(case_anna, caseworker_ben, jobcenter):
    other_team = jobcenter.teams.get(name="Markt & Integration")
    with pytest.raises(PermissionDenied):
        doc_request_create(
            case=case_anna, team=other_team, created_by=caseworker_ben, items=_types("mietvertrag")
        )


def test_a_request_needs_items(case_anna, team_leistung, caseworker_ben):
    with pytest.raises(ValidationFailed):
        doc_request_create(
            case=case_anna,
            team=team_leistung,
            created_by=caseworker_ben,
            items=[ItemSpec(label="  ")],
        )
    assert not DocRequest.objects.exists()


def test_chosen_deadline_on_a_sunday_moves_to_monday(case_anna, team_leistung, caseworker_ben):
    request = doc_request_create(
        case=case_anna,
        team=team_leistung,
        created_by=caseworker_ben,
        items=[ItemSpec(label="Kontoauszüge der letzten 3 Monate")],
        deadline=dt.date(2030, 6, 16),  # a Sunday
    )
    assert request.deadline == dt.date(2030, 6, 17)


def test_upload_files_one_pdf_per_item_in_its_register(rent_request, customer_anna):
    rent, registration = rent_request.items.order_by("position")
    submission = submission_create(
        request=rent_request,
        submitted_by=customer_anna,
        files_by_item={
            rent: [("seite1.jpg", samples.jpeg_bytes()), ("seite2.jpg", samples.jpeg_bytes())],
            registration: [("melde.pdf", samples.pdf_bytes(1))],
        },
    )
    rent_request.refresh_from_db()
    assert rent_request.status == RequestStatus.FULFILLED
    assert set(rent_request.items.values_list("status", flat=True)) == {ItemStatus.FULFILLED}
    documents = Document.objects.filter(case=rent_request.case).order_by("title")
    assert [(d.title, d.register.code, d.source) for d in documents] == [
        ("Meldebescheinigung", "unterkunft", Source.PORTAL),
        ("Mietvertrag", "unterkunft", Source.PORTAL),
    ]
    rent_doc = documents.get(title="Mietvertrag")
    version = rent_doc.current_version
    assert version.pages == 2 and version.thumbnail
    assert version.file.read().startswith(b"%PDF")
    originals = list(rent_doc.originals.all())
    assert [o.filename for o in originals] == ["seite1.jpg", "seite2.jpg"]
    assert originals[0].file.read().startswith(b"\xff\xd8\xff")  # kept cleaned (docs/security.md)
    files = submission.manifest["items"][0]["files"]
    assert [f["name"] for f in files] == ["seite1.jpg", "seite2.jpg"]
    assert len(files[0]["sha256"]) == 64


def test_ocr_runs_after_commit(rent_request, customer_anna, django_capture_on_commit_callbacks):
    rent = rent_request.items.get(position=0)
    with django_capture_on_commit_callbacks(execute=True):
        submission_create(
            request=rent_request,
            submitted_by=customer_anna,
            files_by_item={rent: [("a.jpg", samples.jpeg_bytes(["Mietvertrag", "Kaltmiete"]))]},
        )
    version = Document.objects.get().current_version
    assert version.ocr_status == OcrStatus.DONE
    assert "Kaltmiete" in version.text


def _stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.mark.parametrize(
    "bad",
    [
        ("page.jpg", b"<html><body>not a photo</body></html>"),
        ("empty.jpg", b""),
        ("cut.jpg", samples.jpeg_bytes()[:15_000]),
        ("huge.png", samples.large_png_bytes(60)),
    ],
)
def test_one_bad_file_refuses_the_whole_send_and_stores_nothing(rent_request, customer_anna, bad):
    rent, registration = rent_request.items.order_by("position")
    with pytest.raises(UnsupportedUpload) as error:
        submission_create(
            request=rent_request,
            submitted_by=customer_anna,
            files_by_item={rent: [("ok.jpg", samples.jpeg_bytes())], registration: [bad]},
        )
    assert "PDF, JPEG, PNG and HEIC" in error.value.message
    assert not Document.objects.exists()
    assert not OriginalFile.objects.exists()
    assert not Submission.objects.exists()
    assert _stored_files() == []
    rent.refresh_from_db()
    assert rent.status == ItemStatus.OPEN


def test_failure_while_filing_removes_written_files(rent_request, customer_anna, monkeypatch):
    from amtsbote.documents import processing

    def broken_thumbnail(pdf):
        raise RuntimeError("disk full")

    monkeypatch.setattr(processing, "render_thumbnail", broken_thumbnail)
    rent = rent_request.items.get(position=0)
    with pytest.raises(RuntimeError):
        submission_create(
            request=rent_request,
            submitted_by=customer_anna,
            files_by_item={rent: [("a.jpg", samples.jpeg_bytes())]},
        )
    assert not Document.objects.exists()
    assert _stored_files() == []


def test_another_household_cannot_send(rent_request, customer_carl):
    rent = rent_request.items.get(position=0)
    with pytest.raises(PermissionDenied):
        submission_create(
            request=rent_request,
            submitted_by=customer_carl,
            files_by_item={rent: [("a.jpg", samples.jpeg_bytes())]},
        )
    assert not Document.objects.exists()
