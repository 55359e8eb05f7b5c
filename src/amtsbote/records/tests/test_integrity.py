"""fsck: every referenced file exists and matches its hash, no file is referenced by nothing."""

from __future__ import annotations

import datetime as dt
import json
import os
import time

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError

from amtsbote.doc_requests.services import ItemSpec, doc_request_create, submission_create
from amtsbote.documents.models import Document, DocumentType, DocumentVersion, OriginalFile
from amtsbote.documents.tests import samples
from amtsbote.intake import classify
from amtsbote.records import integrity
from amtsbote.records.integrity import FILE_FIELDS, fsck

pytestmark = pytest.mark.django_db


def test_every_file_field_of_every_model_is_in_the_registry():
    registered = {(ref.model, ref.field) for ref in FILE_FIELDS}
    assert integrity.file_fields_installed() == registered


def test_the_registered_hash_and_size_fields_exist():
    for ref in FILE_FIELDS:
        meta = ref.model_class._meta
        for name in (ref.field, ref.sha256_field, ref.size_field):
            if name:
                meta.get_field(name)


def test_the_classifier_files_are_the_ones_left_unreferenced_by_design():
    assert integrity.is_unreferenced_by_design(classify.MODEL_NAME)
    assert integrity.is_unreferenced_by_design(f"{classify.CORRECTIONS_DIR}/1-a.json")
    assert not integrity.is_unreferenced_by_design("documents/x/y.pdf")


@pytest.fixture
def uploaded(case_anna, team_leistung, caseworker_ben, customer_anna):
    """Anna answers a document request with a photo and a PDF (two documents)."""
    request = doc_request_create(
        case=case_anna,
        team=team_leistung,
        created_by=caseworker_ben,
        items=[
            ItemSpec(document_type=DocumentType.objects.get(code="mietvertrag")),
            ItemSpec(document_type=DocumentType.objects.get(code="meldebescheinigung")),
        ],
    )
    rent, registration = request.items.order_by("position")
    submission_create(
        request=request,
        submitted_by=customer_anna,
        files_by_item={
            rent: [("mietvertrag.jpg", samples.jpeg_bytes(lines=["Mietvertrag"]))],
            registration: [("meldung.pdf", samples.pdf_bytes(lines=["Meldebescheinigung"]))],
        },
    )
    assert Document.objects.count() == 2
    return request


def problems(report):
    return [(p.kind, p.model, p.name) for p in report.problems]


def test_fsck_is_clean_after_an_upload(uploaded):
    report = fsck(grace_seconds=0)
    assert problems(report) == []
    # two originals, two versions with a thumbnail each
    assert report.referenced == 6
    assert report.hashed == 4
    assert report.stored - report.ignored == 6  # (plus the classifier's model, if trained)


def test_fsck_finds_a_missing_file(uploaded):
    version = DocumentVersion.objects.order_by("id").first()
    os.remove(default_storage.path(version.file.name))

    report = fsck(grace_seconds=0)

    assert problems(report) == [("missing", "documents.DocumentVersion", version.file.name)]
    assert report.problems[0].row == str(version.uuid)


def test_fsck_finds_a_changed_file(uploaded):
    original = OriginalFile.objects.order_by("id").first()
    default_storage.delete(original.file.name)
    assert default_storage.save(original.file.name, ContentFile(b"%PDF-1.7 other")) == (
        original.file.name
    )

    report = fsck(grace_seconds=0)

    assert problems(report) == [("hash", "documents.OriginalFile", original.file.name)]
    assert original.sha256 in report.problems[0].detail
    # Existence only: the fast mode does not read the files.
    assert fsck(check_hashes=False, grace_seconds=0).clean


def test_fsck_finds_an_orphan_but_leaves_the_classifier_files_alone(uploaded, case_anna):
    ignored = fsck(grace_seconds=0).ignored
    stray = default_storage.save(f"documents/{case_anna.uuid}/stray.pdf", ContentFile(b"%PDF"))
    default_storage.save(f"{classify.CORRECTIONS_DIR}/1-a.json", ContentFile(b"{}"))

    report = fsck(grace_seconds=0)

    assert problems(report) == [("orphan", "", stray)]
    assert report.ignored == ignored + 1


def test_a_fresh_unreferenced_file_is_not_judged_yet(uploaded, case_anna):
    """It may belong to a row that has not committed yet."""
    stray = default_storage.save(f"documents/{case_anna.uuid}/stray.pdf", ContentFile(b"%PDF"))

    report = fsck(grace_seconds=600)
    assert report.clean
    assert report.recent == 1

    old = time.time() - 3600
    os.utime(default_storage.path(stray), (old, old))
    assert problems(fsck(grace_seconds=600)) == [("orphan", "", stray)]


def test_fsck_finds_a_row_without_its_required_file(uploaded):
    original = OriginalFile.objects.order_by("id").first()
    OriginalFile.objects.filter(pk=original.pk).update(file="")
    os.remove(default_storage.path(original.file.name))

    assert problems(fsck(grace_seconds=0)) == [("no_file", "documents.OriginalFile", "")]


def test_the_command_exits_1_and_names_each_problem(uploaded, capsys):
    call_command("fsck", "--grace-seconds=0")
    assert "clean" in capsys.readouterr().out

    version = DocumentVersion.objects.order_by("id").first()
    os.remove(default_storage.path(version.thumbnail.name))
    with pytest.raises(CommandError) as raised:
        call_command("fsck", "--grace-seconds=0")
    assert raised.value.returncode == 1
    out = capsys.readouterr().out
    assert f"documents.DocumentVersion {version.uuid} {version.thumbnail.name}: missing" in out
    assert "1 problems" in out

    with pytest.raises(CommandError):
        call_command("fsck", "--json", "--no-hash", "--grace-seconds=0")
    report = json.loads(capsys.readouterr().out)
    assert report["clean"] is False
    assert report["hashed"] == 0
    assert [p["kind"] for p in report["problems"]] == ["missing"]


def test_progress_goes_to_stderr(uploaded, capsys):
    call_command("fsck", "--grace-seconds=0", "--progress-every=2")
    captured = capsys.readouterr()
    assert "fsck: referenced files: 2 files" in captured.err
    assert "fsck:" in captured.out and "referenced files" not in captured.out


def test_files_of_a_disposed_document_left_in_storage_are_named(closed_long_ago, lead_lena):
    """The files go in a task after the disposal commits; if it never ran, fsck says so."""
    from amtsbote.desk.tests.conftest import make_document
    from amtsbote.records import services

    document = make_document(closed_long_ago)
    names = set(OriginalFile.objects.filter(document=document).values_list("file", flat=True))
    (proposal,) = services.retention_propose(today=dt.date(2021, 1, 1))
    services.proposal_approve(proposal=proposal, actor=lead_lena)
    services.disposal_execute(proposal=proposal, actor=lead_lena)  # the task is not run here

    report = fsck(grace_seconds=0)

    kinds = {p.kind for p in report.problems}
    assert kinds == {"disposed_not_removed"}
    assert names <= {p.name for p in report.problems}
    assert len(report.problems) == 3  # original, PDF, thumbnail
