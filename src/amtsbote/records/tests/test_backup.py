"""Backup → wipe → restore → fsck clean: same documents, same search results, same audit chain.

The real database is copied (SQLite online backup API, or pg_dump/pg_restore), so these tests
run outside a test transaction.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError

from amtsbote.audit.anchors import anchors_check, anchors_read
from amtsbote.audit.models import AuditChainHead, AuditEvent
from amtsbote.audit.services import check_chain
from amtsbote.core.storage import StoredFiles, walk_storage
from amtsbote.documents import processing
from amtsbote.documents.constants import Source
from amtsbote.documents.models import Document, DocumentType, DocumentVersion, OriginalFile
from amtsbote.documents.search import search_documents
from amtsbote.documents.services import document_create
from amtsbote.documents.tests import samples
from amtsbote.records import services
from amtsbote.records.backup import MANIFEST, BackupError, backup_create, restore

pytestmark = pytest.mark.django_db(transaction=True)

QUERIES = ["Mietvertrag", "Kaltmiete", "Lohnabrechnung Mai", "Quarkstrudelhaus"]


def file_document(case, title: str, text: str, *, code: str = "mietvertrag") -> Document:
    """File a document through the service, with its text known (no OCR task)."""
    files = [processing.check_file(f"{title}.pdf", samples.pdf_bytes(lines=[title]))]
    with StoredFiles() as stored:
        return document_create(
            case=case,
            files=files,
            title=title,
            source=Source.PORTAL,
            document_type=DocumentType.objects.filter(code=code).first(),
            stored=stored,
            text=text,
        )


@pytest.fixture
def filed(case_anna, customer_carl, caseworker_ben):
    file_document(case_anna, "Mietvertrag", "Vermieterin Quarkstrudelhaus, Kaltmiete 420 Euro")
    file_document(case_anna, "Lohnabrechnung Mai", "Brutto 1.200 Euro", code="lohnabrechnung")
    file_document(customer_carl.person.case, "Mietvertrag Carl", "Kaltmiete 380 Euro")
    return Document.objects.count()


def read(name: str) -> bytes:
    with default_storage.open(name, "rb") as handle:
        return handle.read()


def documents_state() -> list[tuple]:
    """Every document with its versions and originals: uuids, hashes and the file contents."""
    state = []
    for document in Document.objects.order_by("uuid"):
        versions = [
            (str(v.uuid), v.number, v.sha256, read(v.file.name), read(v.thumbnail.name))
            for v in DocumentVersion.objects.filter(document=document).order_by("number")
        ]
        originals = [
            (str(o.uuid), o.sha256, read(o.file.name))
            for o in OriginalFile.objects.filter(document=document).order_by("position")
        ]
        state.append((str(document.uuid), document.title, versions, originals))
    return state


def search_state(user) -> dict[str, list[str]]:
    return {
        query: [str(hit.document.uuid) for hit in search_documents(user=user, query=query).hits]
        for query in QUERIES
    }


def audit_state() -> tuple[bool, int, str]:
    report = check_chain()
    head = AuditChainHead.objects.get(pk=1).hash
    return report.intact, AuditEvent.objects.count(), head


def wipe() -> None:
    call_command("flush", interactive=False, verbosity=0)
    for name in walk_storage():
        default_storage.delete(name)
    assert Document.objects.count() == 0
    assert next(walk_storage(), None) is None


def test_backup_wipe_restore_gives_back_the_same_records(filed, caseworker_ben, tmp_path, capsys):
    searches = search_state(caseworker_ben)
    assert all(searches.values()), searches  # every query finds something
    documents = documents_state()
    audit = audit_state()
    assert audit[0]

    call_command("backup", str(tmp_path / "backup"))
    out, err = capsys.readouterr()
    assert "Backup written to" in out and "9 files" in out
    assert "backup: database copied" in err
    manifest = json.loads((tmp_path / "backup" / MANIFEST).read_text())
    assert manifest["total"]["files"] == 9  # 3 × (original, PDF, thumbnail)
    assert manifest["missing"] == []
    assert "documents.0001_initial" in manifest["migrations"]
    assert manifest["audit"] == {"events": audit[1], "head": audit[2]}
    assert f"head {audit[2]}" in out
    # The stored bytes as they are on disk (encrypted at rest stays encrypted).
    name = manifest["files"][0]["name"]
    raw = Path(default_storage.path(name)).read_bytes()
    assert (tmp_path / "backup" / "files" / name).read_bytes() == raw

    wipe()
    call_command("restore", str(tmp_path / "backup"))
    out = capsys.readouterr().out
    assert f"audit chain intact, {audit[1]} events, head {audit[2]}; fsck:" in out
    assert out.rstrip().endswith("clean")

    # the audit chain first: the searches below are audited themselves
    assert audit_state() == audit
    # the backup anchored the chain outside the database; the restored chain holds it
    (anchor,) = anchors_read()
    assert anchor is not None and (anchor.count, anchor.hash) == (audit[1], audit[2])
    assert anchors_check().intact
    assert documents_state() == documents
    assert Document.objects.count() == filed
    assert search_state(caseworker_ben) == searches
    assert Path(default_storage.path(name)).read_bytes() == raw
    call_command("fsck", "--grace-seconds=0")


def test_restore_refuses_a_target_with_data_unless_forced(filed, case_anna, tmp_path):
    backup_create(tmp_path / "backup")
    later = file_document(case_anna, "Kontoauszug", "Girokonto")

    with pytest.raises(BackupError, match=r"not empty \(documents, .*files in storage\)"):
        restore(tmp_path / "backup")
    assert Document.objects.filter(pk=later.pk).exists()

    report = restore(tmp_path / "backup", force=True)

    assert report.clean, report.summary()
    assert not Document.objects.filter(uuid=later.uuid).exists()
    assert Document.objects.count() == filed
    assert report.fsck.stored - report.fsck.ignored == 3 * filed  # the later files are gone


def test_restore_refuses_a_backup_whose_file_does_not_match_its_manifest(filed, tmp_path):
    backup_create(tmp_path / "backup")
    manifest = json.loads((tmp_path / "backup" / MANIFEST).read_text())
    name = manifest["files"][0]["name"]
    with (tmp_path / "backup" / "files" / name).open("r+b") as handle:
        handle.write(b"X")
    before = documents_state()

    with pytest.raises(BackupError, match="does not match its manifest") as raised:
        restore(tmp_path / "backup", force=True)

    assert name in str(raised.value)
    assert "nothing was changed" in str(raised.value)
    assert documents_state() == before
    with pytest.raises(CommandError, match="does not match"):
        call_command("restore", str(tmp_path / "backup"), "--force")


def test_backup_refuses_a_directory_that_is_not_empty(filed, tmp_path):
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "something").write_text("x")
    with pytest.raises(BackupError, match="not an empty directory"):
        backup_create(tmp_path / "old")
    assert os.listdir(tmp_path / "old") == ["something"]


def test_a_file_missing_in_storage_is_named_and_the_command_fails(filed, tmp_path, capsys):
    version = DocumentVersion.objects.order_by("id").first()
    os.remove(default_storage.path(version.file.name))

    with pytest.raises(CommandError) as raised:
        call_command("backup", str(tmp_path / "backup"))

    assert raised.value.returncode == 1
    assert f"{version.uuid} {version.file.name}: missing in storage" in capsys.readouterr().err
    manifest = json.loads((tmp_path / "backup" / MANIFEST).read_text())
    assert [m["name"] for m in manifest["missing"]] == [version.file.name]
    assert manifest["total"]["files"] == 3 * filed - 1


def test_a_disposal_while_the_backup_runs_is_reported(closed_long_ago, lead_lena, tmp_path):
    kept = file_document(closed_long_ago, "Mietvertrag", "Kaltmiete")
    (proposal,) = services.retention_propose(today=dt.date(2021, 1, 1))
    services.proposal_approve(proposal=proposal, actor=lead_lena)
    gone = [
        *OriginalFile.objects.filter(document=kept).values_list("file", flat=True),
        *DocumentVersion.objects.filter(document=kept).values_list("file", "thumbnail")[0],
    ]

    def dispose_after_the_database_copy(message: str) -> None:
        if message.startswith("backup: database copied"):
            services.disposal_execute(proposal=proposal, actor=lead_lena)  # files go on commit
            assert not default_storage.exists(gone[0])

    result = backup_create(tmp_path / "backup", progress=dispose_after_the_database_copy)

    assert sorted(m["name"] for m in result.missing) == sorted(gone)
    assert {m["kind"] for m in result.missing} == {"disposed"}
    assert result.damaged == []
    manifest = json.loads((tmp_path / "backup" / MANIFEST).read_text())
    assert {m["detail"] for m in manifest["missing"]} == {
        "removed after the database was copied (disposal)"
    }
    # Restored, the copy still holds the document, but not its files: fsck names them.
    report = restore(tmp_path / "backup", force=True)
    assert sorted(p.name for p in report.fsck.problems) == sorted(gone)
    assert report.audit_matches
    assert Document.objects.filter(uuid=kept.uuid).exists()


def test_restore_does_not_wipe_a_storage_that_holds_the_var_directory(filed, tmp_path, settings):
    backup_create(tmp_path / "backup")
    settings.VAR_DIR = Path(default_storage.path("")) / "var"  # keys and database inside

    with pytest.raises(BackupError, match="would delete that too"):
        restore(tmp_path / "backup", force=True)
    assert Document.objects.count() == filed
    assert next(walk_storage(), None) is not None


def test_restore_fails_when_the_audit_chain_is_not_the_one_recorded(filed, tmp_path):
    backup_create(tmp_path / "backup")
    path = tmp_path / "backup" / MANIFEST
    manifest = json.loads(path.read_text())
    recorded = manifest["audit"]["events"]
    manifest["audit"]["events"] = recorded + 1  # as if an event had gone missing
    path.write_text(json.dumps(manifest))

    with pytest.raises(CommandError, match="audit chain is not the one the backup recorded"):
        call_command("restore", str(tmp_path / "backup"), "--force")

    report = restore(tmp_path / "backup", force=True)
    assert report.fsck.clean and report.audit_intact
    assert not report.audit_matches
    assert f"the backup recorded {recorded + 1} events" in report.summary()


def test_a_database_only_backup_restores_the_rows_and_fsck_names_the_files(filed, tmp_path):
    """--no-files: for object storage, whose files the store itself backs up."""
    result = backup_create(tmp_path / "backup", files=False)
    assert result.files == 0
    assert not (tmp_path / "backup" / "files").exists()
    wipe()

    report = restore(tmp_path / "backup")

    assert Document.objects.count() == filed
    assert report.audit_matches
    assert {p.kind for p in report.fsck.problems} == {"missing"}
    assert len(report.fsck.problems) == 3 * filed
