"""Object storage: the encrypted S3 storage against a local S3-compatible server.

Every test here runs with the default storage switched to ``EncryptedS3Storage`` on a bucket of
its own in moto's S3 server (``s3_server`` in conftest.py, a stand-in for MinIO, Ceph or AWS),
configured as ``settings.py`` does with ``AMTSBOTE_S3_BUCKET`` and credentials from boto3's
environment variables. The raw objects are read with a plain boto3 client.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import random
import signal
import subprocess
import sys
import uuid
from datetime import timedelta
from typing import cast

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from amtsbote.core.crypto import SEGMENT_SIZE, TAG_SIZE
from amtsbote.core.storage import (
    JOURNAL_DIR,
    EncryptedStorageMixin,
    StoredFiles,
    recover_interrupted_writes,
    stored_names,
)
from amtsbote.doc_requests.services import ItemSpec, doc_request_create, submission_create
from amtsbote.documents.models import Document, DocumentType
from amtsbote.documents.tests import samples
from amtsbote.records.integrity import fsck

from .s3_server import ACCESS_KEY, REGION, SECRET_KEY, free_port
from .test_encryption import KEY_A, KEY_B, MARKER, upload_through_the_portal

pytestmark = pytest.mark.django_db

HEADER = b"AMTSENC\x01"


def s3_options(bucket: str, endpoint_url: str) -> dict[str, object]:
    """The storage options exactly as settings.py sets them for AMTSBOTE_S3_BUCKET."""
    return {
        "bucket_name": bucket,
        "endpoint_url": endpoint_url,
        "default_acl": "private",
        "querystring_auth": True,
        "file_overwrite": False,
    }


@pytest.fixture
def s3_credentials(monkeypatch):
    """Dummy credentials where boto3 looks for them (docs/configuration.md)."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)


@pytest.fixture
def bucket(settings, s3_server, s3_credentials):
    """A new bucket for the test, and the default storage switched to it."""
    name = f"amtsbote-{uuid.uuid4().hex[:12]}"
    s3_server.client().create_bucket(
        Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION}
    )
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "amtsbote.core.storage.EncryptedS3Storage",
            "OPTIONS": s3_options(name, s3_server.endpoint_url),
        },
    }
    assert default_storage.__class__.__name__ == "EncryptedS3Storage"
    return name


@pytest.fixture
def s3(s3_server):
    return s3_server.client()


def raw(s3, bucket: str, name: str) -> bytes:
    return s3.get_object(Bucket=bucket, Key=name)["Body"].read()


def put_raw(s3, bucket: str, name: str, data: bytes) -> None:
    s3.put_object(Bucket=bucket, Key=name, Body=data)


def keys(s3, bucket: str) -> list[str]:
    listed = s3.list_objects_v2(Bucket=bucket)
    return sorted(entry["Key"] for entry in listed.get("Contents", []))


def encrypted_storage() -> EncryptedStorageMixin:
    assert isinstance(default_storage, EncryptedStorageMixin)
    return cast(EncryptedStorageMixin, default_storage)


def read(name: str) -> bytes:
    with default_storage.open(name, "rb") as handle:
        return handle.read()


def data_of(size: int, seed: int = 0) -> bytes:
    return random.Random(seed).randbytes(size)


# --- the storage -------------------------------------------------------------------------------


def test_save_open_size_exists_delete(bucket, s3):
    plaintext = b"Sehr geehrte Frau Muster,\n" + MARKER + b"\n" * 10

    name = default_storage.save("documents/brief.txt", ContentFile(plaintext))

    assert name == "documents/brief.txt"
    assert default_storage.exists(name)
    assert read(name) == plaintext
    assert default_storage.size(name) == len(plaintext)
    stored = s3.get_object(Bucket=bucket, Key=name)
    on_s3 = stored["Body"].read()
    assert on_s3.startswith(HEADER)
    assert MARKER not in on_s3 and b"Sehr geehrte" not in on_s3
    assert len(on_s3) > len(plaintext)
    assert stored["ContentType"] == "application/octet-stream"  # ciphertext, whatever the name
    assert "ContentEncoding" not in stored
    # Names are not overwritten (file_overwrite=False): a second save gets a new name.
    second = default_storage.save("documents/brief.txt", ContentFile(b"zweiter Brief"))
    assert second != name and read(second) == b"zweiter Brief" and read(name) == plaintext
    assert default_storage.listdir("documents") == ([], sorted(["brief.txt", second[10:]]))

    default_storage.delete(name)

    assert not default_storage.exists(name)
    assert keys(s3, bucket) == [second]
    with pytest.raises(FileNotFoundError):
        default_storage.open(name)
    with pytest.raises(FileNotFoundError):
        default_storage.size(name)
    with pytest.raises(FileNotFoundError):
        encrypted_storage().read_raw_prefix(name, 10)


@pytest.mark.parametrize("size", [0, 1, SEGMENT_SIZE, 3 * SEGMENT_SIZE + 7])
def test_round_trip_at_segment_boundaries(bucket, s3, size):
    data = data_of(size, size)
    name = default_storage.save("roundtrip/file.bin", ContentFile(data))

    assert read(name) == data
    assert default_storage.size(name) == size
    segments = max(1, -(-size // SEGMENT_SIZE))
    header = len(raw(s3, bucket, name)) - size - segments * TAG_SIZE
    assert 0 < header < 200


def test_a_file_larger_than_a_part_is_uploaded_in_parts_and_reads_back(bucket, s3):
    # s3transfer uploads in parts of 8 MiB above 8 MiB, reading the encrypted stream a part
    # at a time; a stream giving short reads would be read whole into memory instead.
    data = data_of(9 * 1024 * 1024, 9)

    name = default_storage.save("big/scan.bin", ContentFile(data))

    head = s3.head_object(Bucket=bucket, Key=name)
    assert head["ETag"].strip('"').endswith("-2")  # a multipart upload of two parts
    assert default_storage.size(name) == len(data)
    with default_storage.open(name) as handle:
        assert hashlib.sha256(handle.read()).digest() == hashlib.sha256(data).digest()


def test_seek_and_tell_on_an_opened_file(bucket):
    data = data_of(2 * SEGMENT_SIZE + 500, 3)
    name = default_storage.save("seek/file.bin", ContentFile(data))

    with default_storage.open(name) as handle:
        assert handle.size == len(data)
        handle.seek(SEGMENT_SIZE + 10)
        assert handle.tell() == SEGMENT_SIZE + 10
        assert handle.read(100) == data[SEGMENT_SIZE + 10 : SEGMENT_SIZE + 110]
        assert handle.tell() == SEGMENT_SIZE + 110
        handle.seek(-20, io.SEEK_END)
        assert handle.read() == data[-20:]
        handle.seek(5)
        assert handle.read(3) == data[5:8]
    assert b"".join(default_storage.open(name).chunks(chunk_size=10_000)) == data


def test_read_raw_prefix_reads_only_the_start_of_the_object(bucket, s3):
    name = default_storage.save("prefix/a.txt", ContentFile(b"abc" * 1000))
    put_raw(s3, bucket, "prefix/empty.txt", b"")

    assert encrypted_storage().read_raw_prefix(name, 8) == HEADER
    assert encrypted_storage().read_raw_prefix(name, 10_000) == raw(s3, bucket, name)
    assert encrypted_storage().read_raw_prefix("prefix/empty.txt", 8) == b""
    assert default_storage.size("prefix/empty.txt") == 0  # an empty legacy object


def test_replace_raw_replaces_the_object_whole(bucket, s3):
    name = default_storage.save("replace/a.txt", ContentFile(b"first version"))
    first = raw(s3, bucket, name)

    encrypted_storage().replace_raw(name, iter([first[:10], first[10:]]))
    assert raw(s3, bucket, name) == first and read(name) == b"first version"

    def failing():
        yield b"half of a new"
        raise OSError("connection lost while uploading")

    with pytest.raises(OSError, match="connection lost"):
        encrypted_storage().replace_raw(name, failing())

    assert raw(s3, bucket, name) == first  # a failed PUT leaves the object as it was
    head = s3.head_object(Bucket=bucket, Key=name)
    assert head["ContentType"] == "application/octet-stream"


def test_plaintext_objects_from_before_encryption_are_read_as_they_are(bucket, s3):
    legacy = b"%PDF-1.4 legacy " + MARKER
    put_raw(s3, bucket, "alt/legacy.pdf", legacy)

    assert read("alt/legacy.pdf") == legacy
    assert default_storage.size("alt/legacy.pdf") == len(legacy)


# --- key rotation ------------------------------------------------------------------------------


def rotate(*args: str) -> str:
    out = io.StringIO()
    call_command("rotate_keys", *args, stdout=out)
    return out.getvalue()


def test_rotate_keys_rewraps_on_s3_and_the_old_key_can_go(settings, bucket, s3):
    settings.STORAGE_KEYS = KEY_A
    files = {
        "documents/2026/a.pdf": data_of(3 * SEGMENT_SIZE + 5, 1),
        "thumbnails/a.jpg": data_of(1000, 2),
        "empty.txt": b"",
    }
    for name, data in files.items():
        assert default_storage.save(name, ContentFile(data)) == name
    before = {name: raw(s3, bucket, name) for name in files}
    legacy = b"legacy plaintext " + MARKER
    put_raw(s3, bucket, "legacy.txt", legacy)
    journal = default_storage.save("_journal/unit.000001.json", ContentFile(b"{}"))
    journal_raw = raw(s3, bucket, journal)

    settings.STORAGE_KEYS = f"{KEY_B},{KEY_A}"
    dry = rotate("--dry-run")
    assert {name: raw(s3, bucket, name) for name in files} == before
    assert raw(s3, bucket, "legacy.txt") == legacy
    assert "3 re-wrapped, 1 encrypted, 0 already current, 0 errors" in dry

    output = rotate()

    assert "3 re-wrapped, 1 encrypted, 0 already current, 0 errors" in output
    for name, data in files.items():
        after = raw(s3, bucket, name)
        assert b"neu" in after[:20]
        segments = max(1, -(-len(data) // SEGMENT_SIZE)) * TAG_SIZE
        header_before = len(before[name]) - len(data) - segments
        header_after = len(after) - len(data) - segments
        # The content was not encrypted again: the segments are the same bytes.
        assert after[header_after:] == before[name][header_before:]
    assert raw(s3, bucket, "legacy.txt").startswith(HEADER)
    assert MARKER not in raw(s3, bucket, "legacy.txt")
    assert raw(s3, bucket, journal) == journal_raw  # the write journal is left alone
    assert keys(s3, bucket) == sorted([*files, "legacy.txt", journal])  # nothing left over

    settings.STORAGE_KEYS = KEY_B
    for name, data in files.items():
        assert read(name) == data
    assert read("legacy.txt") == legacy
    assert "0 re-wrapped, 0 encrypted, 4 already current, 0 errors" in rotate()


def test_rotate_keys_on_s3_reports_objects_it_cannot_read(settings, bucket):
    settings.STORAGE_KEYS = KEY_A
    default_storage.save("a/lost.txt", ContentFile(b"x"))
    settings.STORAGE_KEYS = KEY_B

    with pytest.raises(CommandError, match="1 files could not be brought to key 'neu'"):
        rotate()


# --- the write journal -------------------------------------------------------------------------


def journal_objects() -> list[str]:
    return sorted(default_storage.listdir(JOURNAL_DIR)[1])


def test_the_journal_on_s3_lists_each_file_before_it_is_written_and_goes_after_commit(
    bucket, s3, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        with StoredFiles() as stored, transaction.atomic():
            first = stored.save("unit/a.txt", ContentFile(b"a"))
            (only,) = journal_objects()
            with default_storage.open(f"{JOURNAL_DIR}/{only}") as handle:
                assert json.loads(handle.read())["names"] == [first]
            assert raw(s3, bucket, f"{JOURNAL_DIR}/{only}").startswith(HEADER)
            second = stored.save("unit/a.txt", ContentFile(b"b"))
            assert first != second
        assert len(journal_objects()) == 1  # until the commit
    assert journal_objects() == []
    assert keys(s3, bucket) == sorted([first, second])
    assert list(stored_names()) == sorted([first, second])


def test_a_failing_unit_of_work_on_s3_removes_its_objects_and_journal(bucket, s3):
    with pytest.raises(RuntimeError), StoredFiles() as stored:
        stored.save("unit/a.txt", ContentFile(b"a"))
        raise RuntimeError("boom")

    assert keys(s3, bucket) == []


def test_recovery_on_s3_deletes_unreferenced_objects_and_cut_off_journals(bucket, s3):
    with StoredFiles() as stored:
        written = stored.save("unit/a.txt", ContentFile(b"a"))
        (first,) = journal_objects()
        # The process dies while writing the next journal object: a few bytes only.
        put_raw(s3, bucket, f"{JOURNAL_DIR}/{first.replace('.000001.', '.000002.')}", HEADER)
        stored._journal = None  # the process is gone: nothing removes the journal any more

    young = recover_interrupted_writes()
    assert (young.journals, young.in_flight, young.deleted) == (0, 1, [])

    out = io.StringIO()
    call_command("recover_writes", "--older-than-minutes", "0", stdout=out)

    assert f"deleted  {written}" in out.getvalue()
    assert "1 interrupted units of work: 1 files deleted, 0 kept" in out.getvalue()
    assert keys(s3, bucket) == []


CHILD = r"""
import json, os, sys, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "amtsbote.settings")
from django.conf import settings

database, storage, case_pk = sys.argv[1:4]
settings.DATABASES["default"]["NAME"] = database
settings.STORAGES = {**settings.STORAGES, "default": json.loads(storage)}
import django

django.setup()
from django.db import transaction

from amtsbote.cases.models import Case
from amtsbote.core.storage import StoredFiles
from amtsbote.documents import processing
from amtsbote.documents.constants import Source
from amtsbote.documents.services import document_create
from amtsbote.documents.tests import samples

case = Case.objects.get(pk=case_pk)
files = [processing.check_file("scan.pdf", samples.pdf_bytes(lines=["Mietvertrag"]))]
with transaction.atomic():
    with StoredFiles() as stored:
        document_create(case=case, files=files, title="killed", source=Source.PORTAL, stored=stored)
        print(json.dumps(stored.names), flush=True)
        time.sleep(3600)  # the test kills the process here, inside the transaction
"""


@pytest.mark.django_db(transaction=True)
def test_objects_of_a_process_killed_before_its_commit_are_recovered(
    settings, bucket, s3, case_anna
):
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            CHILD,
            str(connection.settings_dict["NAME"]),
            json.dumps(settings.STORAGES["default"]),
            str(case_anna.pk),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "amtsbote.settings",
            "AMTSBOTE_ANTIVIRUS": "off",
        },
    )
    assert process.stdout is not None and process.stderr is not None
    line = process.stdout.readline()
    if line:
        process.send_signal(signal.SIGKILL)
    returncode = process.wait()
    assert line, process.stderr.read().decode()
    assert returncode == -signal.SIGKILL
    process.stdout.close()
    process.stderr.close()
    written = json.loads(line)
    assert len(written) == 3  # original, PDF, thumbnail
    assert set(written) < set(keys(s3, bucket))
    assert Document.objects.count() == 0

    report = recover_interrupted_writes(older_than=timedelta(0))

    assert report.journals == 1 and sorted(report.deleted) == sorted(written)
    assert keys(s3, bucket) == []


# --- through the portal and the desk -----------------------------------------------------------


def test_an_upload_lands_encrypted_in_the_bucket_and_the_desk_downloads_it(
    bucket, s3, client, customer_anna, caseworker_ben, case_anna, team_leistung
):
    _pdf, response = upload_through_the_portal(
        client, customer_anna, caseworker_ben, case_anna, team_leistung, pages=2
    )

    assert response.status_code == 302
    document = Document.objects.get()
    original = document.originals.get()
    version = document.versions.get()
    stored = [str(f.name) for f in (original.file, version.file, version.thumbnail)]
    assert set(stored) <= set(keys(s3, bucket))
    for name in stored:
        on_s3 = raw(s3, bucket, name)
        assert on_s3.startswith(HEADER)
        assert b"%PDF" not in on_s3 and b"JFIF" not in on_s3

    client.force_login(caseworker_ben)
    download = client.get(reverse("desk:original_file", args=[document.uuid, original.uuid]))

    assert download.status_code == 200
    body = b"".join(download.streaming_content)
    assert body.startswith(b"%PDF") and hashlib.sha256(body).hexdigest() == original.sha256
    assert int(download["Content-Length"]) == len(body) == original.file.size
    rendered = client.get(reverse("desk:version_file", args=[version.uuid]))
    assert b"".join(rendered.streaming_content).startswith(b"%PDF")


# --- fsck and readiness ------------------------------------------------------------------------


def test_fsck_is_clean_on_s3_and_finds_a_deleted_object_and_an_orphan(
    bucket, s3, case_anna, team_leistung, caseworker_ben, customer_anna
):
    request = doc_request_create(
        case=case_anna,
        team=team_leistung,
        created_by=caseworker_ben,
        items=[ItemSpec(document_type=DocumentType.objects.get(code="mietvertrag"))],
    )
    submission_create(
        request=request,
        submitted_by=customer_anna,
        files_by_item={
            request.items.get(): [("mietvertrag.jpg", samples.jpeg_bytes(lines=["Mietvertrag"]))]
        },
    )
    out = io.StringIO()
    call_command("fsck", "--grace-seconds", "0", stdout=out)
    assert "3 files referenced, 2 hashed" in out.getvalue() and "clean" in out.getvalue()

    version = Document.objects.get().versions.get()
    s3.delete_object(Bucket=bucket, Key=version.file.name)
    put_raw(s3, bucket, "documents/stray.pdf", b"no row points here")

    report = fsck(grace_seconds=0)

    assert sorted((p.kind, p.name) for p in report.problems) == [
        ("missing", version.file.name),
        ("orphan", "documents/stray.pdf"),
    ]
    with pytest.raises(CommandError, match="fsck found 2 problems"):
        call_command("fsck", "--grace-seconds", "0", stdout=io.StringIO())


def test_ready_with_the_bucket_answering(bucket):
    response = Client().get(reverse("readyz"))

    assert response.json()["checks"]["storage"]["ok"] is True
    assert response.status_code == 200, response.json()


def test_the_availability_check_needs_the_bucket_itself(settings, bucket):
    from botocore.exceptions import ClientError

    from amtsbote.core.storage import EncryptedS3Storage

    endpoint = str(settings.STORAGES["default"]["OPTIONS"]["endpoint_url"])
    EncryptedS3Storage(**s3_options(bucket, endpoint)).check_available()
    misnamed = EncryptedS3Storage(**s3_options("amtsbote-no-such-bucket", endpoint))

    assert misnamed.exists("_readiness-probe") is False  # a HEAD on an object cannot tell
    with pytest.raises(ClientError, match="404"):
        misnamed.check_available()


def test_not_ready_when_the_s3_endpoint_is_down(settings, bucket):
    closed = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**settings.STORAGES["default"], "OPTIONS": s3_options(bucket, closed)},
    }

    response = Client().get(reverse("readyz"))

    assert response.status_code == 503
    check = response.json()["checks"]["storage"]
    assert check["ok"] is False
    assert "EndpointConnectionError" in check["error"] and closed in check["error"]
    assert response.json()["checks"]["database"]["ok"] is True


def test_not_ready_when_the_bucket_is_missing(settings, bucket):
    endpoint = str(settings.STORAGES["default"]["OPTIONS"]["endpoint_url"])
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            **settings.STORAGES["default"],
            "OPTIONS": s3_options("amtsbote-no-such-bucket", endpoint),
        },
    }

    response = Client().get(reverse("readyz"))

    assert response.status_code == 503
    check = response.json()["checks"]["storage"]
    assert check["ok"] is False
    assert "HeadBucket" in check["error"] or "404" in check["error"], check
