"""Import scanned files or folders: ``manage.py import_scans PATH… --jobcenter SLUG [--wait]``.

Idempotent by SHA-256: a file imported before is reported and skipped (or, if its
processing was interrupted, resumed). Without ``--wait`` the files go to the task worker;
with ``--wait`` they are processed here, several files at once (all cores busy even on
single-page files), with a progress bar on stderr and a summary.
"""

from __future__ import annotations

import hashlib
import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from amtsbote.accounts.models import User
from amtsbote.cases.models import Jobcenter
from amtsbote.intake import pipeline, services
from amtsbote.intake.constants import BatchSource, FileStatus, IntakeStatus
from amtsbote.intake.models import IntakeDocument, ScanFile


def collect(paths: list[str]) -> list[Path]:
    """Files named, and files in folders named (recursively, hidden ones left out), sorted."""
    found: list[Path] = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            found.extend(
                sorted(
                    p
                    for p in path.rglob("*")
                    if p.is_file() and not any(part.startswith(".") for part in p.parts)
                )
            )
        elif path.is_file():
            found.append(path)
        else:
            raise CommandError(f"not found: {path}")
    return found


class ProgressBar:
    """A plain text progress bar on stderr (only drawn on a terminal or when forced)."""

    def __init__(self, total: int, *, stream: Any = None, width: int = 30) -> None:
        self.total, self.done, self.width = max(total, 1), 0, width
        self.stream = stream or sys.stderr
        self.started = time.monotonic()
        self.label = ""

    def update(self, done: int, label: str = "") -> None:
        self.done = min(done, self.total)
        self.label = label or self.label
        filled = round(self.width * self.done / self.total)
        elapsed = time.monotonic() - self.started
        rate = self.done / elapsed * 60 if elapsed > 0 else 0.0
        self.stream.write(
            f"\r[{'#' * filled}{'-' * (self.width - filled)}] {self.done}/{self.total} pages "
            f"{rate:5.1f}/min {self.label[:40]:<40}"
        )
        self.stream.flush()

    def close(self) -> None:
        self.stream.write("\n")
        self.stream.flush()


class Command(BaseCommand):
    help = "Import scanned files (PDF, TIFF, JPEG, PNG, HEIC) or folders into the mailroom."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+")
        parser.add_argument("--jobcenter", required=True, help="slug of the jobcenter")
        parser.add_argument("--wait", action="store_true", help="process here, not in the worker")
        parser.add_argument("--operator", help="e-mail of the staff member who scanned")
        parser.add_argument("--label", default="", help="label of the batch")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            jobcenter = Jobcenter.objects.get(slug=options["jobcenter"])
        except Jobcenter.DoesNotExist as exc:
            raise CommandError(f"unknown jobcenter: {options['jobcenter']}") from exc
        operator = None
        if options["operator"]:
            operator = User.objects.filter(
                email__iexact=options["operator"], jobcenter=jobcenter
            ).first()
            if operator is None:
                raise CommandError(f"unknown staff member: {options['operator']}")
        files = collect(options["paths"])
        batch = None
        to_process: list[ScanFile] = []
        skipped = refused = 0
        for path in files:
            data = path.read_bytes()
            existing = ScanFile.objects.filter(
                jobcenter=jobcenter, sha256=hashlib.sha256(data).hexdigest()
            ).first()
            if existing is not None:
                if existing.status == FileStatus.DONE:
                    self.stdout.write(f"skipped (imported before): {path}")
                    skipped += 1
                else:
                    self.stdout.write(f"resuming (imported before, not finished): {path}")
                    to_process.append(existing)
                continue
            if batch is None:
                batch = services.scan_batch_create(
                    jobcenter=jobcenter,
                    source=BatchSource.CLI,
                    operator=operator,
                    label=options["label"],
                )
            outcome = services.scan_file_import(batch=batch, filename=path.name, data=data)
            if outcome.error:
                self.stderr.write(f"refused: {outcome.error}")
                refused += 1
            elif outcome.scan_file is not None:
                to_process.append(outcome.scan_file)
        if not options["wait"]:
            ids = [f.pk for f in to_process]
            with transaction.atomic():  # the tasks are queued on commit
                services.scan_files_enqueue(ids)
                if batch is not None and not ids:
                    services.scan_batch_finish(batch=batch)
            self.stdout.write(
                f"{len(to_process)} file(s) handed to the worker, {skipped} skipped, "
                f"{refused} refused"
            )
            return
        self._process(to_process, skipped=skipped, refused=refused)

    def _process(self, to_process: list[ScanFile], *, skipped: int, refused: int) -> None:
        total_pages = sum(f.page_count for f in to_process)
        done = {f.pk: f.pages.count() for f in to_process}  # pages saved, per file
        already = sum(done.values())
        bar = ProgressBar(total_pages)
        started = time.monotonic()

        def progress(scan_file: ScanFile, pages: int) -> None:
            done[scan_file.pk] = pages
            bar.update(sum(done.values()), scan_file.filename)

        results = pipeline.process_scan_files([f.pk for f in to_process], progress=progress)
        failed = 0
        for scan_file, result in zip(to_process, results, strict=True):
            if result is not None and result.status == FileStatus.FAILED:
                failed += 1
                self.stderr.write(f"\nfailed: {scan_file.filename}: {result.error}")
        bar.close()
        elapsed = time.monotonic() - started
        documents = IntakeDocument.objects.filter(file__in=to_process)
        filed = documents.filter(status=IntakeStatus.FILED).count()
        triage = documents.filter(status=IntakeStatus.TRIAGE).count()
        worked = total_pages - already
        rate = worked / elapsed * 60 if elapsed > 0 else 0.0
        self.stdout.write(
            f"{len(to_process)} file(s), {total_pages} page(s) processed in {elapsed:.1f} s "
            f"({rate:.1f} pages/min): {filed} document(s) filed, {triage} in triage; "
            f"{skipped} skipped, {refused} refused, {failed} failed"
        )
        if failed:
            raise CommandError(f"{failed} file(s) failed")
