"""Do the files and the database agree? The checks behind ``manage.py fsck``.

``FILE_FIELDS`` names every ``FileField`` of the project with the field that holds the SHA-256
(and the size) of its content; a test makes sure that no ``FileField`` is left out. ``fsck``
checks that every referenced file exists, that its content (the plaintext, as
``default_storage.open()`` gives it, read in chunks) matches the recorded hash and size, and
that no file in storage is referenced by nothing (an orphan). Storage prefixes that are
unreferenced by design are in ``UNREFERENCED_PREFIXES``.

Models are named by label, not imported: records and intake sit side by side in the layers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

from django.apps import apps
from django.core.files.storage import Storage, default_storage
from django.db import models
from django.db.models import Exists, OuterRef
from django.utils import timezone

from amtsbote.core.files import sha256_stream
from amtsbote.core.storage import referenced_names, walk_storage

CHUNK = 1024 * 1024  # bytes read at once while hashing
BATCH = 500  # storage names looked up in the database at once


@dataclass(frozen=True)
class StoredFileField:
    """A ``FileField`` and the fields that describe its content (None: existence only)."""

    model: str  # app label and model name, e.g. "documents.DocumentVersion"
    field: str
    sha256_field: str | None = None
    size_field: str | None = None

    @property
    def model_class(self) -> type[models.Model]:
        return apps.get_model(self.model)

    @property
    def required(self) -> bool:
        """An empty name is a problem only where the field may not be blank."""
        return not self.file_field.blank

    @property
    def file_field(self) -> models.FileField:
        found = self.model_class._meta.get_field(self.field)
        assert isinstance(found, models.FileField), self.label
        return found

    @property
    def label(self) -> str:
        return f"{self.model}.{self.field}"


FILE_FIELDS: tuple[StoredFileField, ...] = (
    # The files exactly as received, and the PDF renditions of the e-file.
    StoredFileField("documents.OriginalFile", "file", "sha256", "size"),
    StoredFileField("documents.DocumentVersion", "file", "sha256", "size"),
    StoredFileField("documents.DocumentVersion", "thumbnail"),
    # Mailroom: the scanned input file; per page an archival PDF and a thumbnail
    # (ScanPage.sha256 is the hash of the rendered pixels, not of either file).
    StoredFileField("intake.ScanFile", "original", "sha256", "size"),
    StoredFileField("intake.ScanPage", "pdf"),
    StoredFileField("intake.ScanPage", "thumbnail"),
    # The sealed certificate of a carried-out disposal (empty before).
    StoredFileField("records.DisposalProposal", "certificate", "certificate_sha256"),
)

# In storage without a database row, on purpose:
# - ``_journal/``: the storage's own write journal (core.storage);
# - ``intake/classifier/``: the document classifier's trained model and the staff
#   corrections it learns from (intake.classify), kept as files only.
UNREFERENCED_PREFIXES: tuple[str, ...] = ("_journal/", "intake/classifier/")


@dataclass(frozen=True)
class Problem:
    kind: str  # missing, unreadable, hash, size, no_file, orphan, disposed_not_removed, form_pdf
    model: str
    row: str
    name: str
    detail: str

    def line(self) -> str:
        where = f"{self.model} {self.row}" if self.model else "storage"
        return f"{where} {self.name or '-'}: {self.detail}"


@dataclass
class FsckReport:
    referenced: int = 0  # file references in the database
    hashed: int = 0  # of those, read and hashed
    hashed_bytes: int = 0
    stored: int = 0  # files in storage
    ignored: int = 0  # of those, unreferenced by design (UNREFERENCED_PREFIXES)
    recent: int = 0  # unreferenced but younger than the grace period: not judged
    problems: list[Problem] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        hashed = f", {self.hashed} hashed ({self.hashed_bytes} bytes)" if self.hashed else ""
        recent = f", {self.recent} too recent to judge" if self.recent else ""
        return (
            f"{self.referenced} files referenced{hashed}, {self.stored} in storage "
            f"({self.ignored} unreferenced by design{recent}): "
            + ("clean" if self.clean else f"{len(self.problems)} problems")
        )

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["clean"] = self.clean
        return data


def file_fields_installed() -> set[tuple[str, str]]:
    """(model label, field name) of every FileField of every installed model."""
    return {
        (model._meta.label, f.name)
        for model in apps.get_models()
        for f in model._meta.get_fields()
        if isinstance(f, models.FileField)
    }


def is_unreferenced_by_design(name: str) -> bool:
    return name.startswith(UNREFERENCED_PREFIXES)


def file_digest(name: str, storage: Storage | None = None) -> tuple[str, int]:
    """SHA-256 and size of a stored file's content, read in chunks."""
    storage = storage or default_storage
    with storage.open(name, "rb") as handle:
        return sha256_stream(handle, chunk=CHUNK)


def row_label(pk: Any, uuid: Any) -> str:
    return str(uuid) if uuid is not None else f"id {pk}"


def _has_uuid(model: type[models.Model]) -> bool:
    return any(f.name == "uuid" for f in model._meta.concrete_fields)


def references(ref: StoredFileField) -> Iterator[tuple[str, str, str | None, int | None]]:
    """(row, name, sha256, size) of every row of ``ref``'s model, in id order, streamed."""
    model = ref.model_class
    uuid = "uuid" if _has_uuid(model) else None
    columns = [c for c in (uuid, ref.field, ref.sha256_field, ref.size_field) if c]
    rows = model._default_manager.order_by("pk").values("pk", *columns)
    for row in rows.iterator(chunk_size=2000):
        yield (
            row_label(row["pk"], row[uuid] if uuid else None),
            row[ref.field] or "",
            row[ref.sha256_field] if ref.sha256_field else None,
            row[ref.size_field] if ref.size_field else None,
        )


def _still_referenced(ref: StoredFileField, name: str) -> bool:
    return ref.model_class._default_manager.filter(**{ref.field: name}).exists()


class _Progress:
    def __init__(self, report: FsckReport, say: Callable[[str], None] | None, every: int) -> None:
        self.report, self.say, self.every, self.seen = report, say, max(every, 1), 0

    def tick(self, what: str) -> None:
        self.seen += 1
        if self.say is not None and self.seen % self.every == 0:
            r = self.report
            self.say(f"fsck: {what}: {self.seen} files ({r.hashed_bytes} bytes hashed)")


def _check_references(
    report: FsckReport, *, check_hashes: bool, say: Callable[[str], None] | None, every: int
) -> None:
    progress = _Progress(report, say, every)
    missing: list[tuple[StoredFileField, Problem]] = []
    for ref in FILE_FIELDS:
        for row, name, sha256, size in references(ref):
            if not name:
                if ref.required:
                    report.problems.append(
                        Problem("no_file", ref.model, row, "", f"no file recorded in {ref.field}")
                    )
                continue
            report.referenced += 1
            progress.tick("referenced files")
            if not check_hashes or (sha256 is None and size is None):
                if not default_storage.exists(name):
                    missing.append((ref, Problem("missing", ref.model, row, name, "missing")))
                continue
            try:
                actual, actual_size = file_digest(name)
            except FileNotFoundError:
                missing.append((ref, Problem("missing", ref.model, row, name, "missing")))
                continue
            except Exception as exc:  # e.g. a file that cannot be decrypted
                report.problems.append(
                    Problem("unreadable", ref.model, row, name, f"unreadable: {exc}")
                )
                continue
            report.hashed += 1
            report.hashed_bytes += actual_size
            if sha256 is not None and actual != sha256:
                report.problems.append(
                    Problem(
                        "hash",
                        ref.model,
                        row,
                        name,
                        f"content changed: SHA-256 {actual}, recorded {sha256 or '(empty)'}",
                    )
                )
            elif size is not None and actual_size != size:
                report.problems.append(
                    Problem(
                        "size", ref.model, row, name, f"size {actual_size}, recorded {size} bytes"
                    )
                )
    # A row read early whose document was disposed meanwhile is no longer a problem.
    report.problems += [p for ref, p in missing if _still_referenced(ref, p.name)]


def _check_orphans(
    report: FsckReport, *, grace_seconds: int, say: Callable[[str], None] | None, every: int
) -> None:
    progress = _Progress(report, say, every)
    newer_than = timezone.now() - dt.timedelta(seconds=grace_seconds)
    candidates: list[str] = []
    batch: list[str] = []

    def judge(names: list[str]) -> None:
        referenced = referenced_names(names)
        for name in names:
            if name in referenced:
                continue
            # A file is written before its row commits: a young one may be on its way.
            if grace_seconds and default_storage.get_modified_time(name) > newer_than:
                report.recent += 1
                continue
            candidates.append(name)

    for name in walk_storage():
        report.stored += 1
        progress.tick("files in storage")
        if is_unreferenced_by_design(name):
            report.ignored += 1
            continue
        batch.append(name)
        if len(batch) >= BATCH:
            judge(batch)
            batch = []
    if batch:
        judge(batch)
    # Ask once more: a row may have committed while the storage was walked.
    orphans: list[str] = []
    for start in range(0, len(candidates), BATCH):
        chunk = candidates[start : start + BATCH]
        referenced = referenced_names(chunk)
        orphans += [name for name in chunk if name not in referenced]
    disposed = _disposed_not_removed(set(orphans))
    for name in orphans:
        if name in disposed:
            report.problems.append(
                Problem(
                    "disposed_not_removed",
                    "records.DisposedDocument",
                    disposed[name],
                    name,
                    "disposed, but the file is still in storage (its removal task did not run)",
                )
            )
        else:
            report.problems.append(
                Problem("orphan", "", "", name, "orphan: no record references this file")
            )


def _disposed_not_removed(names: set[str]) -> dict[str, str]:
    """Which of ``names`` belonged to a disposed document (name -> its uuid)."""
    if not names:
        return {}
    from .models import DisposedDocument

    found: dict[str, str] = {}
    rows = DisposedDocument.objects.values_list("uuid", "stored_files")
    for uuid, stored_files in rows.iterator(chunk_size=2000):
        for name in stored_files or []:
            if name in names:
                found[name] = str(uuid)
    return found


def _check_form_pdfs(report: FsckReport) -> None:
    """A sent form's PDF (``FormSubmission.pdf_sha256``) is an original of its document."""
    submission = apps.get_model("eforms", "FormSubmission")
    original = apps.get_model("documents", "OriginalFile")
    matching = original.objects.filter(document=OuterRef("document"), sha256=OuterRef("pdf_sha256"))
    rows = submission.objects.exclude(Exists(matching)).order_by("pk")
    for uuid, reference in rows.values_list("uuid", "reference").iterator(chunk_size=2000):
        report.problems.append(
            Problem(
                "form_pdf",
                "eforms.FormSubmission",
                str(uuid),
                reference,
                "the form's PDF (pdf_sha256) is not among the files of its document",
            )
        )


def fsck(
    *,
    check_hashes: bool = True,
    grace_seconds: int = 600,
    progress: Callable[[str], None] | None = None,
    progress_every: int = 1000,
) -> FsckReport:
    """Check files against the database; see the module docstring.

    ``grace_seconds``: unreferenced files younger than this are counted, not reported (their
    row may not have committed yet); 0 judges every file.
    """
    report = FsckReport()
    _check_references(report, check_hashes=check_hashes, say=progress, every=progress_every)
    _check_form_pdfs(report)
    _check_orphans(report, grace_seconds=grace_seconds, say=progress, every=progress_every)
    return report
