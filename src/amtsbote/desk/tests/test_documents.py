from __future__ import annotations

import io

import pytest
from django.urls import reverse
from PIL import Image

from amtsbote.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_document_viewer_shows_pages_metadata_and_marks_seen(client_ben, document_anna):
    version = document_anna.versions.get()

    response = client_ben.get(reverse("desk:document_detail", args=[document_anna.uuid]))

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('data-testid="page-image"') == 2
    assert reverse("desk:version_page", args=[version.uuid, 1]) + "?w=1000" in html
    assert reverse("desk:version_page", args=[version.uuid, 2]) in html
    assert 'loading="lazy"' in html
    assert reverse("desk:version_file", args=[version.uuid]) in html
    original = document_anna.originals.get()
    assert reverse("desk:original_file", args=[document_anna.uuid, original.uuid]) in html
    assert "scan.pdf" in html
    assert version.sha256 in html
    assert 'data-testid="ocr-text"' in html
    document_anna.refresh_from_db()
    assert document_anna.inbox_status == "seen"
    assert AuditEvent.objects.filter(action="documents.document.view").exists()


def test_version_page_is_a_private_jpeg(client_ben, document_anna):
    version = document_anna.versions.get()

    response = client_ben.get(reverse("desk:version_page", args=[version.uuid, 2]), {"w": "1000"})

    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response.content[:3] == b"\xff\xd8\xff"
    assert "private" in response["Cache-Control"]


def test_version_page_width_is_bounded(client_ben, document_anna):
    version = document_anna.versions.get()
    url = reverse("desk:version_page", args=[version.uuid, 1])
    for wanted, expected in (("50000", 2000), ("300", 400), ("nonsense", 1000)):
        response = client_ben.get(url, {"w": wanted})
        assert Image.open(io.BytesIO(response.content)).width == expected


def test_thumbnail(client_ben, document_anna):
    version = document_anna.versions.get()
    response = client_ben.get(reverse("desk:version_thumbnail", args=[version.uuid]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/")
    assert "private" in response["Cache-Control"]


def test_pdf_download(client_ben, document_anna):
    version = document_anna.versions.get()

    response = client_ben.get(reverse("desk:version_file", args=[version.uuid]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    body = b"".join(response.streaming_content)
    assert body.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="documents.document.download").exists()


def test_original_download(client_ben, document_anna):
    original = document_anna.originals.get()

    response = client_ben.get(
        reverse("desk:original_file", args=[document_anna.uuid, original.uuid])
    )

    assert response.status_code == 200
    assert response["Content-Type"] == original.mime_type
    assert 'filename="scan.pdf"' in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF")
