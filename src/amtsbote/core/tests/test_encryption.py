"""Encryption at rest: the default storage writes AES-256-GCM envelopes and reads them back."""

from __future__ import annotations

import base64
import hashlib
import io
import random
import stat
import tempfile
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from amtsbote.core import crypto
from amtsbote.core.crypto import (
    SEGMENT_SIZE,
    TAG_SIZE,
    EncryptedFileError,
    MissingKeyError,
    StorageKeyError,
)
from amtsbote.core.storage import DurableFileSystemStorage
from amtsbote.doc_requests.services import ItemSpec, doc_request_create
from amtsbote.documents.models import Document, DocumentType
from amtsbote.documents.tests import samples

MARKER = b"Kontoauszug-Geheimmarker-7f3a9c"
KEY_A = "alt:" + base64.b64encode(bytes(range(32))).decode()
KEY_B = "neu:" + base64.b64encode(bytes(range(100, 132))).decode()
KEY_A_WRONG = "alt:" + base64.b64encode(bytes(range(1, 33))).decode()


def data_of(size: int, seed: int = 0) -> bytes:
    return random.Random(seed).randbytes(size)


def raw(name: str) -> bytes:
    return Path(default_storage.path(name)).read_bytes()


def write_raw(name: str, data: bytes) -> None:
    Path(default_storage.path(name)).write_bytes(data)


def read(name: str) -> bytes:
    with default_storage.open(name, "rb") as handle:
        return handle.read()


# --- on disk -----------------------------------------------------------------------------------


def test_bytes_on_disk_contain_no_plaintext():
    plaintext = b"Sehr geehrte Frau Muster,\n" + MARKER + b"\n" * 10
    name = default_storage.save("documents/brief.txt", ContentFile(plaintext))

    on_disk = raw(name)

    assert MARKER not in on_disk and b"Sehr geehrte" not in on_disk
    assert on_disk.startswith(b"AMTSENC\x01")
    assert read(name) == plaintext
    assert default_storage.size(name) == len(plaintext)


def upload_through_the_portal(
    client, customer, caseworker, case, team, *, pages: int
) -> tuple[bytes, Any]:
    """A Meldebescheinigung of ``pages`` pages asked for and sent through the portal's
    upload page: the PDF sent and the response."""
    doc_request = doc_request_create(
        case=case,
        team=team,
        created_by=caseworker,
        items=[ItemSpec(document_type=DocumentType.objects.get(code="meldebescheinigung"))],
        message="Bitte die Meldebescheinigung.",
    )
    item = doc_request.items.get()
    pdf = samples.pdf_bytes(pages=pages, lines=["Meldebescheinigung", "Anna Muster"])
    client.force_login(customer)
    response = client.post(
        reverse("portal:request", args=[doc_request.uuid]),
        {f"item-{item.uuid}": [SimpleUploadedFile("melde.pdf", pdf, "application/pdf")]},
    )
    return pdf, response


def test_a_pdf_uploaded_through_the_portal_is_encrypted_and_downloads_exactly(
    client, customer_anna, caseworker_ben, case_anna, team_leistung
):
    pdf, response = upload_through_the_portal(
        client, customer_anna, caseworker_ben, case_anna, team_leistung, pages=3
    )

    assert response.status_code == 302
    document = Document.objects.get()
    original = document.originals.get()
    version = document.versions.get()
    for stored in (original.file, version.file, version.thumbnail):
        on_disk = Path(stored.path).read_bytes()
        assert on_disk.startswith(b"AMTSENC\x01")
        assert b"%PDF" not in on_disk and b"JFIF" not in on_disk
    assert pdf[:200] not in Path(original.file.path).read_bytes()

    client.force_login(caseworker_ben)
    download = client.get(reverse("desk:original_file", args=[document.uuid, original.uuid]))

    assert download.status_code == 200
    body = b"".join(download.streaming_content)
    # What was stored (the upload, cleaned) comes back exactly: its hash was taken at upload.
    assert body.startswith(b"%PDF") and hashlib.sha256(body).hexdigest() == original.sha256
    assert int(download["Content-Length"]) == len(body) == original.file.size
    rendered = client.get(reverse("desk:version_file", args=[version.uuid]))
    rendered_body = b"".join(rendered.streaming_content)
    assert rendered_body.startswith(b"%PDF")
    assert int(rendered["Content-Length"]) == len(rendered_body) == version.file.size


def test_a_field_file_can_be_read_twice_and_stays_plaintext(case_anna):
    from amtsbote.desk.tests.conftest import make_document

    version = make_document(case_anna).versions.get()
    with version.file.open("rb") as handle:
        first = handle.read()
    with version.file.open("rb") as handle:  # reopening a closed FieldFile
        second = handle.read()
    assert first == second and first.startswith(b"%PDF")
    assert version.file.size == len(first)


# --- round trips -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "size",
    [
        0,
        1,
        SEGMENT_SIZE - 1,
        SEGMENT_SIZE,
        SEGMENT_SIZE + 1,
        2 * SEGMENT_SIZE,
        3 * SEGMENT_SIZE + 7,
    ],
)
def test_round_trip_at_segment_boundaries(size):
    data = data_of(size, size)
    name = default_storage.save("roundtrip/file.bin", ContentFile(data))

    assert read(name) == data
    assert default_storage.size(name) == size
    segments = max(1, -(-size // SEGMENT_SIZE))
    header = len(raw(name)) - size - segments * TAG_SIZE
    assert 0 < header < 200  # a small header, then exactly one tag per segment


@hypothesis_settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    size=st.integers(min_value=0, max_value=4 * SEGMENT_SIZE + 100),
    reads=st.lists(
        st.tuples(st.integers(min_value=0, max_value=5 * SEGMENT_SIZE), st.integers(-1, 70000)),
        max_size=6,
    ),
)
def test_round_trip_with_seeks(size, reads):
    data = data_of(size, size)
    with tempfile.TemporaryDirectory() as location:
        storage = DurableFileSystemStorage(location=location)
        name = storage.save("f.bin", ContentFile(data))
        with storage.open(name) as handle:
            assert handle.read() == data
            assert handle.size == size
            for offset, length in reads:
                handle.seek(offset)
                assert handle.tell() == offset
                expected = data[offset:] if length < 0 else data[offset : offset + length]
                assert handle.read(length) == expected
            handle.seek(-min(size, 10), io.SEEK_END)
            assert handle.read() == data[size - min(size, 10) :]
        assert b"".join(storage.open(name).chunks(chunk_size=10_000)) == data


def test_a_large_file_is_written_and_read_in_bounded_memory(tmp_path):
    size = 24 * 1024 * 1024
    source = tmp_path / "big.bin"
    with source.open("wb") as handle:
        for index in range(size // (1024 * 1024)):
            handle.write(data_of(1024 * 1024, index))

    tracemalloc.start()
    try:
        with source.open("rb") as handle:
            name = default_storage.save("big/big.bin", File(handle))
        _current, peak_write = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        with default_storage.open(name) as stored:
            total = 0
            for index in range(size // (1024 * 1024)):
                chunk = stored.read(1024 * 1024)
                assert chunk == data_of(1024 * 1024, index)
                total += len(chunk)
        _current, peak_read = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert total == size
    # The file is 24 MiB; each direction keeps a few MiB at most (chunks, one segment).
    assert peak_write < 8 * 1024 * 1024, peak_write
    assert peak_read < 8 * 1024 * 1024, peak_read


def test_open_for_writing_is_refused():
    name = default_storage.save("w/file.txt", ContentFile(b"x"))
    with pytest.raises(ValueError, match="reading only"):
        default_storage.open(name, "wb")


# --- tampering ---------------------------------------------------------------------------------


def three_segment_file() -> tuple[str, bytes, bytes]:
    data = data_of(2 * SEGMENT_SIZE + 1000)
    name = default_storage.save("tamper/akte.pdf", ContentFile(data))
    return name, data, raw(name)


def header_length(on_disk: bytes, size: int) -> int:
    return len(on_disk) - size - 3 * TAG_SIZE


def read_fully(name: str) -> bytes:
    with default_storage.open(name, "rb") as handle:
        return handle.read()


@pytest.mark.parametrize("where", ["key id", "wrapped key", "base nonce", "first segment", "last"])
def test_a_flipped_byte_is_an_error_naming_the_file(where):
    name, data, on_disk = three_segment_file()
    start = header_length(on_disk, len(data))
    position = {
        "key id": 10,
        "base nonce": start - 12 - 48 - 1,
        "wrapped key": start - 5,
        "first segment": start + 100,
        "last": len(on_disk) - 3,
    }[where]
    damaged = bytearray(on_disk)
    damaged[position] ^= 0x01
    write_raw(name, bytes(damaged))

    with pytest.raises(EncryptedFileError, match=r"tamper/akte\.pdf"):
        read_fully(name)


@pytest.mark.parametrize(
    "cut", ["inside the last segment", "at a segment boundary", "to the header", "appended"]
)
def test_a_cut_off_or_extended_file_is_an_error(cut):
    name, data, on_disk = three_segment_file()
    start = header_length(on_disk, len(data))
    changed = {
        "inside the last segment": on_disk[:-10],
        "at a segment boundary": on_disk[: start + 2 * (SEGMENT_SIZE + TAG_SIZE)],
        "to the header": on_disk[:start],
        "appended": on_disk + b"\x00" * 40,
    }[cut]
    write_raw(name, changed)

    # Even the first bytes alone fail: the end is checked when the file is opened.
    with (
        pytest.raises(EncryptedFileError, match=r"tamper/akte\.pdf"),
        default_storage.open(name, "rb") as handle,
    ):
        handle.read(10)


def test_swapped_segments_are_an_error():
    name, data, on_disk = three_segment_file()
    start = header_length(on_disk, len(data))
    stride = SEGMENT_SIZE + TAG_SIZE
    first, second = on_disk[start : start + stride], on_disk[start + stride : start + 2 * stride]
    write_raw(name, on_disk[:start] + second + first + on_disk[start + 2 * stride :])

    with pytest.raises(EncryptedFileError, match=r"segment 1 of 3 does not authenticate"):
        read_fully(name)


def test_a_header_from_another_file_does_not_open_it():
    name, data, on_disk = three_segment_file()
    other = default_storage.save("tamper/other.pdf", ContentFile(data))
    other_raw = raw(other)
    start = header_length(on_disk, len(data))
    write_raw(name, other_raw[:start] + on_disk[start:])

    with pytest.raises(EncryptedFileError, match=r"tamper/akte\.pdf"):
        read_fully(name)


# --- keys --------------------------------------------------------------------------------------


def test_a_wrong_key_with_the_same_id_is_a_clear_error(settings):
    settings.STORAGE_KEYS = KEY_A
    name = default_storage.save("keys-test/a.txt", ContentFile(MARKER))
    settings.STORAGE_KEYS = KEY_A_WRONG

    with pytest.raises(EncryptedFileError, match=r"keys-test/a\.txt.*storage key 'alt'"):
        read(name)


def test_a_missing_key_names_the_key_and_what_is_configured(settings):
    settings.STORAGE_KEYS = KEY_A
    name = default_storage.save("keys-test/a.txt", ContentFile(MARKER))
    settings.STORAGE_KEYS = KEY_B

    with pytest.raises(MissingKeyError) as error:
        read(name)
    assert "keys-test/a.txt" in str(error.value)
    assert "'alt'" in str(error.value) and "AMTSBOTE_STORAGE_KEYS has neu" in str(error.value)


@pytest.mark.parametrize(
    "value, message",
    [
        ("nokey", "keyid:base64"),
        ("a:" + base64.b64encode(b"short").decode(), "32 random bytes"),
        ("a:not base64!", "32 random bytes"),
        (f"{KEY_A},{KEY_A}", "appears twice"),
        ("bad id:" + base64.b64encode(bytes(32)).decode(), "keyid:base64"),
    ],
)
def test_bad_key_configuration_says_what_is_accepted(settings, value, message):
    settings.STORAGE_KEYS = value
    with pytest.raises(StorageKeyError, match=message):
        default_storage.save("x.txt", ContentFile(b"x"))


def test_without_configuration_a_key_file_is_made_once(settings, tmp_path):
    settings.STORAGE_KEYS = ""
    settings.VAR_DIR = tmp_path / "var"
    path = tmp_path / "var" / "keys" / "storage.keys"

    name = default_storage.save("k/a.txt", ContentFile(b"hello"))
    content = path.read_text()
    default_storage.save("k/b.txt", ContentFile(b"again"))

    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert path.read_text() == content
    keyring = crypto.Keyring.parse(content, str(path))
    assert len(keyring.keys) == 1 and keyring.current_id.startswith("local-")
    assert read(name) == b"hello"
    assert list(path.parent.iterdir()) == [path]  # no temporary files left


# --- legacy files and rotation -----------------------------------------------------------------


def test_plaintext_files_from_before_encryption_are_read_as_they_are():
    legacy = b"%PDF-1.4 legacy " + MARKER
    Path(default_storage.path("alt")).mkdir(parents=True)
    write_raw("alt/legacy.pdf", legacy)

    assert read("alt/legacy.pdf") == legacy
    assert default_storage.size("alt/legacy.pdf") == len(legacy)


def rotate(*args: str) -> str:
    out = io.StringIO()
    call_command("rotate_keys", *args, stdout=out)
    return out.getvalue()


def test_rotate_keys_rewraps_encrypts_legacy_and_the_old_key_can_go(settings):
    settings.STORAGE_KEYS = KEY_A
    files = {
        "documents/2026/a.pdf": data_of(3 * SEGMENT_SIZE + 5, 1),
        "thumbnails/a.jpg": data_of(1000, 2),
        "empty.txt": b"",
    }
    for name, data in files.items():
        assert default_storage.save(name, ContentFile(data)) == name
    before = {name: raw(name) for name in files}
    legacy = b"legacy plaintext " + MARKER
    write_raw("legacy.txt", legacy)
    journal = default_storage.save("_journal/unit.000001.json", ContentFile(b"{}"))
    journal_raw = raw(journal)

    settings.STORAGE_KEYS = f"{KEY_B},{KEY_A}"
    dry = rotate("--dry-run")
    assert {name: raw(name) for name in files} == before
    assert raw("legacy.txt") == legacy
    assert "3 re-wrapped, 1 encrypted, 0 already current, 0 errors" in dry

    output = rotate()

    assert "3 re-wrapped, 1 encrypted, 0 already current, 0 errors" in output
    assert "4 of 4" in output
    for name, data in files.items():
        after = raw(name)
        assert b"neu" in after[:20]
        header_before = len(before[name]) - len(data) - max(1, -(-len(data) // SEGMENT_SIZE)) * 16
        header_after = len(after) - len(data) - max(1, -(-len(data) // SEGMENT_SIZE)) * 16
        # The content was not encrypted again: the segments are the same bytes.
        assert after[header_after:] == before[name][header_before:]
    assert MARKER not in raw("legacy.txt")
    assert raw(journal) == journal_raw  # the write journal is left alone
    assert not [p for p in Path(settings.MEDIA_ROOT).rglob("*amtsbote-tmp")]

    settings.STORAGE_KEYS = KEY_B
    for name, data in files.items():
        assert read(name) == data
    assert read("legacy.txt") == legacy
    assert "0 re-wrapped, 0 encrypted, 4 already current, 0 errors" in rotate()


def test_rotate_keys_reports_files_it_cannot_read_and_fails(settings):
    settings.STORAGE_KEYS = KEY_A
    default_storage.save("a/lost.txt", ContentFile(b"x"))
    default_storage.save("a/fine.txt", ContentFile(b"y"))
    settings.STORAGE_KEYS = KEY_B
    default_storage.save("a/new.txt", ContentFile(b"z"))
    settings.STORAGE_KEYS = f"{KEY_B},{KEY_A_WRONG}"

    with pytest.raises(CommandError, match="2 files could not be brought to key 'neu'"):
        rotate()


def test_rotate_keys_carries_on_after_a_crash_and_removes_its_leftovers(settings):
    settings.STORAGE_KEYS = KEY_A
    names = [
        default_storage.save(f"r/{index}.txt", ContentFile(b"x" * index)) for index in range(3)
    ]
    settings.STORAGE_KEYS = f"{KEY_B},{KEY_A}"
    # A run killed after the first file, while writing the second one:
    assert default_storage.rotate(names[0]) == "rewrapped"
    leftover = Path(default_storage.path("r/.1.txt.k2j4.amtsbote-tmp"))
    leftover.write_bytes(b"half a file")

    output = rotate()

    assert "removing leftover r/.1.txt.k2j4.amtsbote-tmp" in output
    assert "3 files: 2 re-wrapped, 0 encrypted, 1 already current, 0 errors" in output
    assert not leftover.exists()
    settings.STORAGE_KEYS = KEY_B
    assert [read(name) for name in names] == [b"", b"x", b"xx"]


def test_the_s3_storage_encrypts_with_the_same_mixin():
    from amtsbote.core.storage import EncryptedS3Storage, EncryptedStorageMixin

    storage = EncryptedS3Storage(bucket_name="amtsbote-test", endpoint_url="http://127.0.0.1:9")

    assert isinstance(storage, EncryptedStorageMixin)
    assert type(storage).__mro__[1] is EncryptedStorageMixin  # encryption wraps S3, not the reverse
    assert "replace_raw" in type(storage).__dict__ and "read_raw_prefix" in type(storage).__dict__
