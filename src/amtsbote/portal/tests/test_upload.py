"""Sending documents from the portal: the happy path, and bad input that stores nothing."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from amtsbote.doc_requests.constants import ItemStatus, RequestStatus
from amtsbote.doc_requests.models import Submission
from amtsbote.documents.models import Document, DocumentVersion, OriginalFile
from amtsbote.documents.tests import samples

from .conftest import field

pytestmark = pytest.mark.django_db

ACCEPTED = "PDF, JPEG, PNG and HEIC"


def upload(name: str, data: bytes, content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type)


def stored_files() -> list:
    root = settings.MEDIA_ROOT
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def assert_nothing_stored():
    assert Submission.objects.count() == 0
    assert Document.objects.count() == 0
    assert OriginalFile.objects.count() == 0
    assert DocumentVersion.objects.count() == 0
    assert stored_files() == []


def test_upload_happy_path(anna_client, doc_request, items):
    url = reverse("portal:request", args=[doc_request.uuid])
    response = anna_client.post(
        url,
        {
            field(items[0]): [
                upload("seite1.jpg", samples.jpeg_bytes(["Mietvertrag", "Seite 1"])),
                upload("seite2.jpg", samples.jpeg_bytes(["Mietvertrag", "Seite 2"])),
            ],
            field(items[1]): [upload("melde.pdf", samples.pdf_bytes(), "application/pdf")],
            "item-00000000-0000-0000-0000-000000000000": [upload("x.jpg", b"ignored")],
        },
    )
    submission = Submission.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:receipt", args=[submission.uuid])

    for item in items:
        item.refresh_from_db()
        assert item.status == ItemStatus.FULFILLED
        assert item.documents.count() == 1
    doc_request.refresh_from_db()
    assert doc_request.status == RequestStatus.FULFILLED
    documents = Document.objects.all()
    assert {d.register.code for d in documents} == {"unterkunft"}
    rent = items[0].documents.get()
    assert rent.current_version.pages == 2
    assert [o.filename for o in rent.originals.all()] == ["seite1.jpg", "seite2.jpg"]

    receipt = anna_client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en")
    assert receipt.status_code == 200
    html = receipt.content.decode()
    assert f'data-testid="receipt-reference">{submission.reference}<' in html
    assert "seite1.jpg" in html and "melde.pdf" in html
    sha = submission.manifest["items"][0]["files"][0]["sha256"]
    assert f'title="{sha}"' in html

    pdf = anna_client.get(reverse("portal:receipt_pdf", args=[submission.uuid]))
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")

    documents_page = anna_client.get(reverse("portal:documents"))
    assert documents_page.status_code == 200
    assert documents_page.content.count(b'data-testid="document"') == 2
    assert documents_page.content.count(b'data-testid="receipt-link"') == 1


def test_upload_with_fetch_returns_json_redirect(anna_client, doc_request, items):
    response = anna_client.post(
        reverse("portal:request", args=[doc_request.uuid]),
        {field(items[0]): [upload("foto.png", samples.png_bytes(), "image/png")]},
        HTTP_X_REQUESTED_WITH="fetch",
    )
    assert response.status_code == 200
    submission = Submission.objects.get()
    assert response.json() == {
        "redirect": reverse("portal:receipt", args=[submission.uuid]),
        "reference": submission.reference,
    }
    items[0].refresh_from_db()
    items[1].refresh_from_db()
    assert items[0].status == ItemStatus.FULFILLED
    assert items[1].status == ItemStatus.OPEN
    doc_request.refresh_from_db()
    assert doc_request.status == RequestStatus.PARTLY


def test_fulfilled_item_can_be_sent_again(anna_client, doc_request, items, submission):
    page = anna_client.get(reverse("portal:request", args=[doc_request.uuid]))
    assert b'data-testid="item-sent"' in page.content
    response = anna_client.post(
        reverse("portal:request", args=[doc_request.uuid]),
        {field(items[0]): [upload("seite3.jpg", samples.jpeg_bytes(["Seite 3"]))]},
    )
    assert response.status_code == 302
    assert items[0].documents.count() == 2


def test_heic_is_accepted(anna_client, doc_request, items):
    response = anna_client.post(
        reverse("portal:request", args=[doc_request.uuid]),
        {field(items[1]): [upload("IMG_0001.HEIC", samples.heic_bytes(), "image/heic")]},
    )
    assert response.status_code == 302
    assert items[1].documents.count() == 1


BAD_FILES = {
    "html renamed to jpg": lambda: upload(
        "foto.jpg", b"<!doctype html><html><body>not a photo</body></html>"
    ),
    "empty file": lambda: upload("leer.jpg", b""),
    "truncated jpeg": lambda: upload("halb.jpg", (data := samples.jpeg_bytes())[: len(data) // 2]),
    "60 megapixel png": lambda: upload("riesig.png", samples.large_png_bytes(60), "image/png"),
}


@pytest.mark.parametrize("bad", BAD_FILES.values(), ids=BAD_FILES.keys())
def test_bad_file_is_refused_and_nothing_stored(anna_client, doc_request, items, bad):
    response = anna_client.post(
        reverse("portal:request", args=[doc_request.uuid]),
        {field(items[0]): [bad()]},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert ACCEPTED in html
    assert 'data-testid="upload-error"' in html
    assert_nothing_stored()
    items[0].refresh_from_db()
    assert items[0].status == ItemStatus.OPEN


@pytest.mark.parametrize("bad", BAD_FILES.values(), ids=BAD_FILES.keys())
def test_bad_file_with_fetch_gives_json_error(anna_client, doc_request, items, bad):
    response = anna_client.post(
        reverse("portal:request", args=[doc_request.uuid]),
        {field(items[0]): [bad()]},
        HTTP_ACCEPT_LANGUAGE="en",
        HTTP_X_REQUESTED_WITH="fetch",
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 400
    assert ACCEPTED in response.json()["error"]
    assert_nothing_stored()


def test_mixed_send_stores_nothing(anna_client, doc_request, items):
    response = anna_client.post(
        reverse("portal:request", args=[doc_request.uuid]),
        {
            field(items[0]): [upload("gut.jpg", samples.jpeg_bytes())],
            field(items[1]): [upload("schlecht.jpg", b"<html>nope</html>")],
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert ACCEPTED in response.content.decode()
    assert "schlecht.jpg" in response.content.decode()
    assert_nothing_stored()
    for item in items:
        item.refresh_from_db()
        assert item.status == ItemStatus.OPEN


def test_send_without_files_is_refused(anna_client, doc_request):
    response = anna_client.post(
        reverse("portal:request", args=[doc_request.uuid]), {}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert ACCEPTED in response.content.decode()
    assert_nothing_stored()


def test_closed_request_shows_no_form(anna_client, doc_request, items):
    anna_client.post(
        reverse("portal:request", args=[doc_request.uuid]),
        {
            field(items[0]): [upload("a.jpg", samples.jpeg_bytes())],
            field(items[1]): [upload("b.jpg", samples.jpeg_bytes())],
        },
    )
    page = anna_client.get(reverse("portal:request", args=[doc_request.uuid]))
    assert page.status_code == 200
    assert b'data-testid="request-closed"' in page.content
    assert b'data-testid="send"' not in page.content


def test_truncated_jpeg_is_refused_after_a_receipt_pdf_was_rendered(
    anna_client, doc_request, items, submission
):
    """WeasyPrint flips Pillow's LOAD_TRUNCATED_IMAGES on import; the check must still hold."""
    assert anna_client.get(reverse("portal:receipt_pdf", args=[submission.uuid])).status_code == 200
    data = samples.jpeg_bytes()
    response = anna_client.post(
        reverse("portal:request", args=[doc_request.uuid]),
        {field(items[1]): [upload("halb.jpg", data[: len(data) // 2])]},
    )
    assert response.status_code == 400
    assert Submission.objects.count() == 1


def test_too_large_file_is_refused_before_it_is_read(anna_client, doc_request, items, settings):
    settings.UPLOAD_MAX_FILE_BYTES = 1024 * 1024
    url = reverse("portal:request", args=[doc_request.uuid])
    big = b"\xff\xd8\xff" + bytes(1536 * 1024)  # looks like a JPEG, 1.5 MB
    response = anna_client.post(
        url, {field(items[0]): [upload("big.jpg", big)]}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "big.jpg: The file is larger than 1 MB." in html
    assert ACCEPTED in html
    assert_nothing_stored()
