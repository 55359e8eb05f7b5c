"""Processing scanned files: render each page once, read it, split, identify, file.

Several files are processed at once (see ``_Scheduler``): the pages of all of them flow
through one pool of OCR threads, so a run of single-page files keeps every core busy.

Crash safety: a page's result (text, flags, archival page, thumbnail) is committed as soon
as that page is done, and filing a document is one transaction that also records it as
filed. Running the same file again (a worker killed with ``kill -9`` and restarted, or a
task delivered twice) skips every page and document already done; nothing is lost and
nothing is filed twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from amtsbote import audit
from amtsbote.core.storage import StoredFiles

from . import assembly, barcodes, ocr, services
from . import pages as page_tools
from .constants import FileStatus
from .models import ScanFile, ScanPage
from .split import split

logger = logging.getLogger(__name__)

Progress = Callable[[int, int], None]  # pages saved, pages in the file
FileProgress = Callable[[ScanFile, int], None]  # a file, its pages saved so far


@dataclass
class _PageResult:
    index: int
    sha256: str
    width: int
    height: int
    is_separator: bool = False
    cover_payload: str = ""
    has_text_layer: bool = False
    text: str = ""
    pdf: bytes = b""
    thumbnail: bytes = b""
    rotated_by: int = 0
    straightened: bool = False


def _read_page(source: page_tools.PageSource, index: int, data: bytes) -> _PageResult:
    """Runs in a pool thread: render, barcodes, then OCR (straightened) or the page's own
    text layer. No database here; recognition releases the GIL (PDFium calls hold a lock),
    so the pool keeps all cores busy."""
    from . import imaging

    rendered = source.render(index)
    image = rendered.image
    markers = barcodes.read_markers(image)
    result = _PageResult(
        index=rendered.index,
        sha256=page_tools.page_hash(image),
        width=image.width,
        height=image.height,
        is_separator=markers.is_separator,
        cover_payload=markers.cover_payload,
    )
    if markers.is_separator:
        result.thumbnail = page_tools.thumbnail_jpeg(image)
    elif rendered.has_text_layer:
        result.has_text_layer, result.text = True, rendered.text
        result.pdf = page_tools.pdf_single_page(data, rendered.index)
        result.thumbnail = page_tools.thumbnail_jpeg(image)
    else:
        prepared = imaging.prepare(image)
        recognised = ocr.recognise(prepared.image, dpi=rendered.dpi)
        result.text, result.pdf = recognised.text, recognised.pdf
        result.thumbnail = page_tools.thumbnail_jpeg(prepared.image)
        result.rotated_by = int(prepared.rotated_by)
        result.straightened = bool(prepared.straightened)
    return result


def _page_save(scan_file: ScanFile, result: _PageResult) -> None:
    try:
        with StoredFiles() as stored, transaction.atomic():
            page = ScanPage(
                file=scan_file,
                index=result.index,
                sha256=result.sha256,
                width=result.width,
                height=result.height,
                has_text_layer=result.has_text_layer,
                text=result.text,
                ocr_done=True,
                rotated_by=result.rotated_by,
                straightened=result.straightened,
                is_separator=result.is_separator,
                cover_payload=result.cover_payload[:200],
            )
            if result.pdf:
                page.pdf.name = stored.save(
                    page.pdf.field.generate_filename(page, "page.pdf"), ContentFile(result.pdf)
                )
            if result.thumbnail:
                page.thumbnail.name = stored.save(
                    page.thumbnail.field.generate_filename(page, "page.jpg"),
                    ContentFile(result.thumbnail),
                )
            page.save()
            # The file's timestamp doubles as a heartbeat (see services.scan_files_resume).
            ScanFile.objects.filter(pk=scan_file.pk).update(updated_at=timezone.now())
    except IntegrityError:
        logger.info("page %s of %s was done by another run", result.index, scan_file.pk)


@dataclass
class _Run:
    """One file being processed: pages still to read, pages in the pool, pages saved."""

    scan_file: ScanFile
    data: bytes
    source: page_tools.PageSource | None
    todo: list[int]
    saved: int
    in_pool: int = 0
    failed: bool = False


def _warm_up() -> None:
    """Load what filing needs (scikit-learn, the classifier) while the first pages are read."""
    from . import classify

    classify.classify("")


class _Scheduler:
    """Processes several files at once, with all page work in a pool of threads.

    The pool renders, reads and recognises pages; this thread only hands out pages, saves
    the finished ones and files documents (the database stays in one thread). Pages of the
    next files are handed out while the last pages of a file are still being recognised, so
    single-page files do not leave a core idle. A file's documents are made as soon as all
    its pages are saved.
    """

    def __init__(self, ids: list[int], progress: FileProgress | None) -> None:
        self.waiting = list(ids)
        self.progress = progress
        self.workers = ocr.processes()
        self.ahead = 4 * self.workers  # pages queued in the pool: it never runs dry
        self.open_files = 2 * self.workers
        self.runs: list[_Run] = []
        self.pending: dict[Future[_PageResult], _Run] = {}
        self.finished: dict[int, ScanFile | None] = {}

    def run(self) -> list[ScanFile | None]:
        ids = list(self.waiting)
        with ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="intake-ocr") as pool:
            pool.submit(_warm_up)
            try:
                while True:
                    self._fill(pool)
                    if not self.pending:
                        if not self.runs and not self.waiting:
                            break
                        continue
                    finished, _running = wait(self.pending, return_when=FIRST_COMPLETED)
                    for future in finished:
                        self._collect(future)
            finally:
                for future in self.pending:
                    future.cancel()
        for run in self.runs:  # only after an error: the pool has stopped using them
            self._release(run)
        return [self.finished.get(pk) for pk in ids]

    def _fill(self, pool: ThreadPoolExecutor) -> None:
        while len(self.pending) < self.ahead:
            run = next((r for r in self.runs if r.todo and not r.failed), None)
            if run is None or run.source is None:
                if not self.waiting or len(self.runs) >= self.open_files:
                    return
                self._open(self.waiting.pop(0))
                continue
            index = run.todo.pop(0)
            run.in_pool += 1
            self.pending[pool.submit(_read_page, run.source, index, run.data)] = run

    def _open(self, scan_file_id: int) -> None:
        scan_file = (
            ScanFile.objects.select_related("batch", "jobcenter").filter(pk=scan_file_id).first()
        )
        if scan_file is None or scan_file.status == FileStatus.DONE:
            self.finished[scan_file_id] = scan_file
            return
        ScanFile.objects.filter(pk=scan_file.pk).update(
            status=FileStatus.PROCESSING,
            attempts=F("attempts") + 1,
            error="",
            updated_at=timezone.now(),
        )
        services.scan_batch_finish(batch=scan_file.batch)  # marks the batch as processing
        run = _Run(scan_file=scan_file, data=b"", source=None, todo=[], saved=0)
        self.runs.append(run)
        try:
            with scan_file.original.open("rb") as handle:
                run.data = handle.read()
            done_pages = set(scan_file.pages.values_list("index", flat=True))
            run.saved = len(done_pages)
            run.source = page_tools.PageSource(run.data, scan_file.kind)
            run.todo = [i for i in range(run.source.count) if i not in done_pages]
        except Exception as exc:
            self._fail(run, exc)
            return
        self._report(run)
        self._settle(run)  # nothing left to read: a file whose pages were all done before

    def _collect(self, future: Future[_PageResult]) -> None:
        run = self.pending.pop(future)
        run.in_pool -= 1
        if not run.failed:
            try:
                _page_save(run.scan_file, future.result())
            except Exception as exc:
                self._fail(run, exc)
            else:
                run.saved += 1
                self._report(run)
        self._settle(run)

    def _report(self, run: _Run) -> None:
        if self.progress:
            self.progress(run.scan_file, run.saved)

    def _settle(self, run: _Run) -> None:
        """Finish a file once nothing of it is left to render or recognise."""
        if run.todo or run.in_pool:
            return
        if run in self.runs:
            self.runs.remove(run)
        self._release(run)
        if run.failed:
            return
        try:
            made = make_documents(run.scan_file)
        except Exception as exc:
            self._fail(run, exc)
            return
        scan_file = run.scan_file
        with transaction.atomic():
            ScanFile.objects.filter(pk=scan_file.pk).update(
                status=FileStatus.DONE, processed_at=timezone.now()
            )
            audit.record(
                "intake.file.done",
                subject=scan_file,
                jobcenter_id=scan_file.jobcenter_id,
                data={"pages": scan_file.page_count, "documents": len(made)},
            )
        self._close(run)

    def _fail(self, run: _Run, exc: Exception) -> None:
        logger.error("processing %s failed", run.scan_file, exc_info=exc)
        run.failed, run.todo = True, []
        scan_file = run.scan_file
        error = f"{type(exc).__name__}: {exc}"
        with transaction.atomic():
            ScanFile.objects.filter(pk=scan_file.pk).update(
                status=FileStatus.FAILED, error=error[:2000]
            )
            audit.record(
                "intake.file.fail",
                subject=scan_file,
                jobcenter_id=scan_file.jobcenter_id,
                data={"error": error[:500]},
            )
        if run in self.runs and not run.in_pool:
            self.runs.remove(run)
            self._release(run)
        self._close(run)

    def _release(self, run: _Run) -> None:
        if run.source is not None:
            run.source.close()
            run.source = None

    def _close(self, run: _Run) -> None:
        run.data = b""
        services.scan_batch_finish(batch=run.scan_file.batch)
        run.scan_file.refresh_from_db()
        self.finished[run.scan_file.pk] = run.scan_file


def make_documents(scan_file: ScanFile) -> list[int]:
    """Split the file's pages into documents and file or queue each one not done yet."""
    pages = list(scan_file.pages.order_by("index"))
    if len(pages) != scan_file.page_count:
        raise RuntimeError(f"{scan_file}: {len(pages)} of {scan_file.page_count} pages are done")
    covered: set[int] = set()
    for first, last in scan_file.documents.values_list("first_page", "last_page"):
        covered.update(range(first, last + 1))
    made = []
    for first, last in split(pages):
        if covered.intersection(range(first, last + 1)):
            continue
        part = pages[first : last + 1]
        analysis = assembly.analyse(part, jobcenter=scan_file.jobcenter)
        intake = services.intake_document_record(
            scan_file=scan_file, first_page=first, last_page=last, analysis=analysis
        )
        made.append(intake.pk)
    return made


def process_scan_files(
    scan_file_ids: list[int], *, progress: FileProgress | None = None
) -> list[ScanFile | None]:
    """Process files completely, several at once. Safe to run twice; a failed file records
    its error and the others go on. Returns the files in the order given (None: unknown)."""
    return _Scheduler(list(scan_file_ids), progress).run()


def process_scan_file(*, scan_file_id: int, progress: Progress | None = None) -> ScanFile | None:
    """Process one file completely (see ``process_scan_files``)."""

    def per_file(scan_file: ScanFile, saved: int) -> None:
        if progress:
            progress(saved, scan_file.page_count)

    return process_scan_files([scan_file_id], progress=per_file)[0]
