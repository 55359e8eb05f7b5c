"""Every hostile file of the corpus, through the portal's upload view and the checking service.

Each is refused with a clear message (never a 500, nothing half-stored) or stored only in its
cleaned form: what is read back through the storage holds no script, no active PDF content,
no embedded file, no metadata, nothing appended. The real clamd of the root conftest scans.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata

import pikepdf
import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from hypothesis import HealthCheck, given
from hypothesis import settings as settings_hypothesis
from hypothesis import strategies as st
from PIL import Image

from amtsbote.audit.models import AuditEvent
from amtsbote.core.exceptions import UnsupportedUpload
from amtsbote.doc_requests.constants import ItemStatus
from amtsbote.doc_requests.models import Submission
from amtsbote.documents import processing
from amtsbote.documents.models import Document, DocumentVersion, OriginalFile
from amtsbote.portal.tests.conftest import (  # noqa: F401 (fixtures used by name)
    anna_client,
    doc_request,
    field,
    items,
)

from . import samples
from .hostile import ACTIVE_PDF, CORPUS, MALWARE, Hostile

ACCEPTED = "PDF, JPEG, PNG and HEIC"
# What Pillow reports of a freshly encoded JPEG/PNG (no metadata).
KEPT_INFO = {"dpi", "jfif", "jfif_version", "jfif_unit", "jfif_density"}
_MADE: dict[str, bytes] = {}


def made(hostile: Hostile) -> bytes:
    """Each file is built once per session (the bombs take a moment)."""
    if hostile.id not in _MADE:
        _MADE[hostile.id] = hostile.make()
    return _MADE[hostile.id]


def test_the_corpus_has_at_least_40_files():
    assert len(CORPUS) >= 40
    assert {h.outcome for h in CORPUS} == {"refused", "cleaned"}


def _expanded_pdf(data: bytes) -> bytes:
    """A PDF with every stream decoded and no object streams: names and strings readable."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        out = io.BytesIO()
        pdf.save(
            out,
            object_stream_mode=pikepdf.ObjectStreamMode.disable,
            compress_streams=False,
            stream_decode_level=pikepdf.StreamDecodeLevel.all,
        )
        return out.getvalue()


def _active_names(data: bytes) -> list[bytes]:
    expanded = _expanded_pdf(data)
    return [
        name
        for name in ACTIVE_PDF
        if re.search(re.escape(name) + rb"(?![A-Za-z0-9])", expanded) is not None
    ]


def assert_clean(hostile: Hostile, data: bytes, *, kind: str) -> None:
    """The stored bytes of an accepted hostile file hold nothing of what made it hostile."""
    assert processing.sniff(data[:16]) == kind
    if kind == "pdf":
        assert _active_names(data) == []
        searchable = data + _expanded_pdf(data)
        with pikepdf.open(io.BytesIO(data)) as pdf:
            assert "/OpenAction" not in pdf.Root and "/AcroForm" not in pdf.Root
            assert not pdf.attachments
    else:
        searchable = data
        with Image.open(io.BytesIO(data)) as image:
            assert not image.getexif(), "EXIF left"
            assert not {"exif", "xmp", "comment", "icc_profile"} & set(image.info)
            assert set(image.info) <= KEPT_INFO, set(image.info) - KEPT_INFO
    for marker in hostile.absent:
        assert marker not in searchable, marker
    if kind in ("jpeg", "png"):
        assert b"<script" not in data and b"<html" not in data.lower()


# --- through the checking service ------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("hostile", CORPUS, ids=[h.id for h in CORPUS])
def test_checking_service(hostile):
    data = made(hostile)
    with translation.override("en"):
        if hostile.outcome == "refused":
            with pytest.raises(UnsupportedUpload) as error:
                processing.check_file(hostile.filename, data)
            message = error.value.message
            assert hostile.reason in message
            assert ACCEPTED in message or error.value.code == "malware"
            assert "\x00" not in message and "\u202e" not in message
            return
        checked = processing.check_file(hostile.filename, data)
    assert_clean(hostile, checked.data, kind=checked.kind)
    if hostile.stored_name:
        assert checked.filename == hostile.stored_name
    # The e-file's PDF made from it is clean as well.
    pdf, _pages = processing.build_pdf([checked])
    assert_clean(hostile, pdf, kind="pdf")


# --- through the portal's upload view --------------------------------------------------------


def stored_files() -> list:
    root = settings.MEDIA_ROOT
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.mark.django_db
@pytest.mark.parametrize("hostile", CORPUS, ids=[h.id for h in CORPUS])
def test_portal_upload(anna_client, doc_request, items, hostile):  # noqa: F811
    upload = SimpleUploadedFile(hostile.filename, made(hostile), hostile.content_type)
    response = anna_client.post(
        reverse("portal:request", args=[doc_request.uuid]),
        {field(items[0]): [upload]},
        HTTP_ACCEPT_LANGUAGE="en",
        HTTP_X_REQUESTED_WITH="fetch",
        HTTP_ACCEPT="application/json",
    )
    if hostile.outcome == "refused":
        assert response.status_code == 400, response.content[:500]
        error = response.json()["error"]
        assert hostile.reason in error
        assert ACCEPTED in error or MALWARE in error
        # Nothing half-stored.
        assert Submission.objects.count() == 0
        assert Document.objects.count() == 0
        assert OriginalFile.objects.count() == 0
        assert DocumentVersion.objects.count() == 0
        assert stored_files() == []
        items[0].refresh_from_db()
        assert items[0].status == ItemStatus.OPEN
        if MALWARE in hostile.reason:
            event = AuditEvent.objects.get(action="documents.upload.malware")
            assert event.data["signature"].startswith("Amtsbote.Test.EICAR")
        return
    assert response.status_code == 200, response.content[:500]
    assert "redirect" in response.json()
    original = OriginalFile.objects.get()
    with default_storage.open(original.file.name, "rb") as handle:
        stored = handle.read()
    assert_clean(hostile, stored, kind=processing.sniff(stored[:16]) or "?")
    assert original.mime_type == processing.SCAN_KINDS[processing.sniff(stored[:16]) or "?"]
    assert original.sha256 == hashlib.sha256(stored).hexdigest()
    if hostile.stored_name:
        assert original.filename == hostile.stored_name
    version = DocumentVersion.objects.get()
    with default_storage.open(version.file.name, "rb") as handle:
        assert_clean(hostile, handle.read(), kind="pdf")


# --- file names, and fuzzing the checking path -------------------------------------------------


@pytest.mark.parametrize(
    ("name", "clean"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\system32\\cmd.exe", "cmd.exe"),
        ("C:Mietvertrag.pdf", "Mietvertrag.pdf"),
        ("..", "upload"),
        ("", "upload"),
        ("   . ", "upload"),
        ("scan\u2066fdp.exe\u2069.jpg", "scanfdp.exe.jpg"),
        ("a\u200bb\ufeffc.png", "abc.png"),
        ("Bescheid   vom\u00a0März.pdf", "Bescheid vom März.pdf"),
        ("Gro\u0308ße.pdf", "Größe.pdf"),  # decomposed umlaut: NFC
    ],
)
def test_file_names_are_sanitised(name, clean):
    assert processing.sanitise_filename(name) == clean


@settings_hypothesis(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_any_file_name_comes_out_safe(name):
    clean = processing.sanitise_filename(name)
    assert 1 <= len(clean) <= processing.FILENAME_MAX_CHARS
    assert not set(clean) & {"/", "\\", "\x00"}
    assert not clean.startswith(".") and clean == clean.strip()
    assert all(unicodedata.category(c) not in ("Cc", "Cf", "Cs", "Zl", "Zp") for c in clean)


def _mutated(data: bytes, flips: list[tuple[int, int]], cut: int) -> bytes:
    buffer = bytearray(data)
    for position, value in flips:
        buffer[position % len(buffer)] = value
    return bytes(buffer[: max(1, len(buffer) - cut)])


_SEEDS = {
    "jpeg": samples.jpeg_bytes(size=(120, 160)),
    "png": samples.png_bytes(size=(120, 160)),
    "pdf": samples.pdf_bytes(1),
}


@settings_hypothesis(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    kind=st.sampled_from(sorted(_SEEDS)),
    flips=st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), max_size=8),
    cut=st.integers(0, 4000),
)
def test_damaged_files_are_refused_or_cleaned_never_crash(kind, flips, cut):
    """Random damage to real files: the check refuses them clearly or keeps a clean file."""
    data = _mutated(_SEEDS[kind], flips, cut)
    with translation.override("en"):
        try:
            checked = processing.check_file(f"fuzz.{kind}", data)
        except UnsupportedUpload as error:
            assert ACCEPTED in error.message
            return
    assert processing.sniff(checked.data[:16]) == checked.kind
    processing.build_pdf([checked])
