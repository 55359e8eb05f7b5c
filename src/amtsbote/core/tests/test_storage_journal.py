"""The write journal: files of a unit of work killed before its commit are found and removed."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection, transaction

from amtsbote.core.storage import (
    JOURNAL_DIR,
    StoredFiles,
    recover_interrupted_writes,
    referenced_names,
)
from amtsbote.documents.models import Document

pytestmark = pytest.mark.django_db
CHILD = r"""
import json, os, sys, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "amtsbote.settings")
from django.conf import settings

database, media, case_pk, mode = sys.argv[1:5]
settings.DATABASES["default"]["NAME"] = database
settings.STORAGES = {
    **settings.STORAGES,
    "default": {
        "BACKEND": "amtsbote.core.storage.DurableFileSystemStorage",
        "OPTIONS": {"location": media},
    },
}
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
        document_create(case=case, files=files, title=mode, source=Source.PORTAL, stored=stored)
        print(json.dumps(stored.names), flush=True)
        if mode == "killed-before-commit":
            time.sleep(3600)  # the test kills the process here, inside the transaction
        else:  # died after the commit, before the journal is removed
            transaction.on_commit(lambda: os._exit(1))
"""


def journal_objects() -> list[str]:
    try:
        return sorted(default_storage.listdir(JOURNAL_DIR)[1])
    except FileNotFoundError:
        return []


def journal_names(obj: str) -> list[str]:
    with default_storage.open(f"{JOURNAL_DIR}/{obj}") as handle:
        return json.loads(handle.read())["names"]


def run_child(case_pk: int, mode: str, media: Path) -> list[str]:
    database = str(connection.settings_dict["NAME"])
    process = subprocess.Popen(
        [sys.executable, "-c", CHILD, database, str(media), str(case_pk), mode],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        # The child only needs to write files; malware scanning is another test's business.
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "amtsbote.settings",
            "AMTSBOTE_ANTIVIRUS": "off",
        },
    )
    assert process.stdout is not None and process.stderr is not None
    line = process.stdout.readline()
    if mode == "killed-before-commit" and line:
        process.send_signal(signal.SIGKILL)
    returncode = process.wait()
    assert line, process.stderr.read().decode()
    assert returncode == (-signal.SIGKILL if mode == "killed-before-commit" else 1)
    process.stdout.close()
    process.stderr.close()
    return json.loads(line)


@pytest.mark.django_db(transaction=True)
def test_files_of_killed_units_of_work_are_removed_unless_a_row_points_to_them(case_anna, settings):
    media = Path(settings.MEDIA_ROOT)
    killed = run_child(case_anna.pk, "killed-before-commit", media)
    committed = run_child(case_anna.pk, "died-after-commit", media)

    assert len(killed) == 3 and len(committed) == 3  # original, PDF, thumbnail
    assert all((media / name).is_file() for name in killed + committed)
    assert len(journal_objects()) == 2
    assert Document.objects.get().title == "died-after-commit"

    young = recover_interrupted_writes()  # both journals are younger than the grace period

    assert young.journals == 0 and young.in_flight == 2 and young.deleted == []
    assert all((media / name).is_file() for name in killed + committed)

    report = recover_interrupted_writes(older_than=timedelta(0))

    assert report.journals == 2
    assert sorted(report.deleted) == sorted(killed)
    assert sorted(report.kept) == sorted(committed)
    assert not any((media / name).exists() for name in killed)
    document = Document.objects.get()
    with document.versions.get().file.open("rb") as handle:
        assert handle.read(4) == b"%PDF"
    assert journal_objects() == []

    again = recover_interrupted_writes(older_than=timedelta(0))
    assert (again.journals, again.deleted, again.kept) == (0, [], [])


def test_a_unit_of_work_journals_each_file_before_writing_it_and_forgets_after_commit(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        with StoredFiles() as stored, transaction.atomic():
            first = stored.save("unit/a.txt", ContentFile(b"a"))
            (only,) = journal_objects()
            assert journal_names(only) == [first]
            second = stored.save("unit/a.txt", ContentFile(b"b"))  # taken: another name
            (only,) = journal_objects()
            assert journal_names(only) == [first, second] and first != second
        assert len(journal_objects()) == 1  # until the commit
    assert journal_objects() == []
    assert default_storage.exists(first) and default_storage.exists(second)


def test_a_failing_unit_of_work_removes_its_files_and_journal():
    with pytest.raises(RuntimeError), StoredFiles() as stored:
        name = stored.save("unit/a.txt", ContentFile(b"a"))
        raise RuntimeError("boom")
    assert not default_storage.exists(name)
    assert journal_objects() == []


def test_a_journal_cut_off_while_written_is_covered_by_the_one_before(settings):
    media = Path(settings.MEDIA_ROOT)
    with StoredFiles() as stored:
        written = stored.save("unit/a.txt", ContentFile(b"a"))
        (first,) = journal_objects()
        # The process dies while writing the next journal object: a few bytes only.
        (media / JOURNAL_DIR / first.replace(".000001.", ".000002.")).write_bytes(b"AMTSENC\x01")
        stored._journal = None  # the process is gone: nothing removes the journal any more

    report = recover_interrupted_writes(older_than=timedelta(0))

    assert report.deleted == [written]
    assert journal_objects() == []


def test_referenced_names_looks_at_every_file_field(case_anna):
    from amtsbote.desk.tests.conftest import make_document

    document = make_document(case_anna)
    version = document.versions.get()
    names = [version.file.name, version.thumbnail.name, document.originals.get().file.name]

    assert referenced_names([*names, "documents/nobody.pdf"]) == set(names)


def test_recover_writes_command_reports_what_it_did(settings):
    with StoredFiles() as stored:
        name = stored.save("unit/orphan.txt", ContentFile(b"x"))
        stored._journal = None  # as if killed before the commit
    out = io.StringIO()

    call_command("recover_writes", "--older-than-minutes", "0", stdout=out)

    assert f"deleted  {name}" in out.getvalue()
    assert "1 interrupted units of work: 1 files deleted, 0 kept" in out.getvalue()
    assert not default_storage.exists(name)
