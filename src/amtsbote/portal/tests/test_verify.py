"""Beleg prüfen: the receipt a customer downloads is genuine; a tampered one is not."""

from __future__ import annotations

import importlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from amtsbote.core.tests import seal_samples

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("own_demo_seal")]

URL = "/portal/verify/"
# the module, not the view function that amtsbote.portal.views exports under the same name
verify_view = importlib.import_module("amtsbote.portal.views.verify")


@pytest.fixture
def receipt_pdf(anna_client, submission) -> bytes:
    response = anna_client.get(reverse("portal:receipt_pdf", args=[submission.uuid]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return response.content


@pytest.fixture
def court() -> Client:
    """Someone without an account, with CSRF checks on as in a real browser."""
    return Client(enforce_csrf_checks=True)


def check(client: Client, data: bytes, name: str = "Eingangsbestaetigung.pdf"):
    page = client.get(URL, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    token = page.cookies["csrftoken"].value
    # The token first, as the form sends it (it comes before the file input).
    return client.post(
        URL,
        {"csrfmiddlewaretoken": token, "file": SimpleUploadedFile(name, data, "application/pdf")},
        HTTP_ACCEPT_LANGUAGE="en",
    )


def test_the_page_is_public_and_names_what_it_accepts(court):
    assert reverse("portal:verify") == URL

    response = court.get(URL, HTTP_ACCEPT_LANGUAGE="en")

    html = response.content.decode()
    assert response.status_code == 200
    assert 'type="file"' in html and 'accept="application/pdf,.pdf"' in html
    assert "at most 10 MB" in html
    assert 'data-testid="verdict"' not in html


def test_the_downloaded_receipt_is_genuine(court, receipt_pdf, submission):
    assert b"/ByteRange" in receipt_pdf  # sealed

    response = check(court, receipt_pdf)

    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-genuine="yes"' in html
    assert 'data-testid="verdict-signer">Amtsbote Demo-Siegel 127.0.0.1<' in html
    assert 'data-testid="verdict-time"' in html
    assert 'data-testid="demo-certificate"' in html


def test_a_tampered_receipt_is_not_genuine(court, receipt_pdf):
    response = check(court, seal_samples.flip_byte_in_stream(receipt_pdf))

    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-genuine="no"' in html
    assert "changed after it was sealed" in html
    assert 'data-testid="verdict-signer"' not in html  # a forged name is not shown as signer


def test_a_receipt_with_an_appended_revision_is_not_genuine(court, receipt_pdf):
    forged = seal_samples.append_text_revision(receipt_pdf, b"Eingang am 01.01.2026")

    html = check(court, forged).content.decode()

    assert 'data-genuine="no"' in html
    assert "added to the file after it was sealed" in html


def test_an_unsealed_pdf_is_not_genuine(court):
    html = check(court, seal_samples.plain_pdf()).content.decode()

    assert 'data-genuine="no"' in html
    assert "no electronic seal" in html


def test_a_photo_is_refused_with_a_message_naming_what_is_accepted(court):
    from amtsbote.documents.tests import samples

    response = check(court, samples.jpeg_bytes(), name="beleg.jpg")

    html = response.content.decode()
    assert response.status_code == 400
    assert "This is not a PDF file" in html
    assert 'data-testid="verdict"' not in html


def test_a_post_without_a_file_asks_for_one(court):
    court.get(URL)
    response = court.post(URL, {"csrfmiddlewaretoken": court.cookies["csrftoken"].value})

    assert response.status_code == 400
    assert 'data-testid="verify-error"' in response.content.decode()


def test_a_file_over_the_limit_is_refused(court, monkeypatch, receipt_pdf):
    monkeypatch.setattr(verify_view, "MAX_BYTES", len(receipt_pdf) - 1)

    response = check(court, receipt_pdf)

    assert response.status_code == 400
    assert 'data-testid="verify-error"' in response.content.decode()
    assert 'data-testid="verdict"' not in response.content.decode()


def test_a_post_without_the_csrf_token_is_refused(court, receipt_pdf):
    response = court.post(URL, {"file": SimpleUploadedFile("b.pdf", receipt_pdf)})

    assert response.status_code == 403


def test_the_upload_is_never_written_to_a_temporary_file(court, settings, monkeypatch, receipt_pdf):
    """Django would spill this upload to disk (memory limit 1 byte); the page must not."""
    from django.core.files import uploadedfile

    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1

    def no_temporary_file(*args, **kwargs):
        raise AssertionError("the uploaded receipt was written to a temporary file")

    monkeypatch.setattr(uploadedfile.TemporaryUploadedFile, "__init__", no_temporary_file)

    response = check(court, receipt_pdf)

    assert 'data-genuine="yes"' in response.content.decode()
