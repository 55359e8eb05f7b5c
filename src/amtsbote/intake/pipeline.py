"""Processing one scanned file: render each page once, read it, split, identify, file.

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
from PIL import Image

from amtsbote import audit
from amtsbote.core.storage import StoredFiles

from . import assembly, barcodes, ocr, services
from . import pages as page_tools
from .constants import FileStatus
from .models import ScanFile, ScanPage
from .split import split

logger = logging.getLogger(__name__)

Progress = Callable[[int, int], None]


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


def _ocr_page(image: Image.Image, dpi: int, result: _PageResult) -> _PageResult:
    """Runs in a pool thread: straighten, OCR (text + searchable page), thumbnail."""
    from . import imaging

    prepared = imaging.prepare(image)
    recognised = ocr.recognise(prepared.image, dpi=dpi)
    result.text, result.pdf = recognised.text, recognised.pdf
    result.thumbnail = page_tools.thumbnail_jpeg(prepared.image)
    result.rotated_by, result.straightened = int(prepared.rotated_by), bool(prepared.straightened)
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


def recognise_pages(scan_file: ScanFile, data: bytes, *, progress: Progress | None = None) -> None:
    """Render, read and OCR every page not done yet; each page is committed when done."""
    done_pages = set(scan_file.pages.values_list("index", flat=True))
    total = scan_file.page_count
    counter = [len(done_pages)]
    if progress:
        progress(counter[0], total)
    workers = ocr.processes()
    pending: dict[Future[_PageResult], int] = {}

    def saved(result: _PageResult) -> None:
        _page_save(scan_file, result)
        counter[0] += 1
        if progress:
            progress(counter[0], total)

    def drain(keep: int) -> None:
        while len(pending) > keep:
            finished, _running = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                pending.pop(future)
                saved(future.result())

    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="intake-ocr") as pool:
        try:
            for rendered in page_tools.iter_pages(data, scan_file.kind, skip=done_pages):
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
                    saved(result)
                elif rendered.has_text_layer:
                    result.has_text_layer, result.text = True, rendered.text
                    result.pdf = page_tools.pdf_single_page(data, rendered.index)
                    result.thumbnail = page_tools.thumbnail_jpeg(image)
                    saved(result)
                else:
                    pending[pool.submit(_ocr_page, image, rendered.dpi, result)] = rendered.index
                del image, rendered
                drain(workers)
            drain(0)
        finally:
            for future in pending:
                future.cancel()


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


def process_scan_file(*, scan_file_id: int, progress: Progress | None = None) -> ScanFile | None:
    """Process one file completely. Safe to run twice; a failed file records its error."""
    scan_file = (
        ScanFile.objects.select_related("batch", "jobcenter").filter(pk=scan_file_id).first()
    )
    if scan_file is None or scan_file.status == FileStatus.DONE:
        return scan_file
    ScanFile.objects.filter(pk=scan_file.pk).update(
        status=FileStatus.PROCESSING,
        attempts=F("attempts") + 1,
        error="",
        updated_at=timezone.now(),
    )
    services.scan_batch_finish(batch=scan_file.batch)  # marks the batch as processing
    try:
        with scan_file.original.open("rb") as handle:
            data = handle.read()
        recognise_pages(scan_file, data, progress=progress)
        made = make_documents(scan_file)
    except Exception as exc:
        logger.exception("processing %s failed", scan_file)
        with transaction.atomic():
            ScanFile.objects.filter(pk=scan_file.pk).update(
                status=FileStatus.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000]
            )
            audit.record(
                "intake.file.fail",
                subject=scan_file,
                jobcenter_id=scan_file.jobcenter_id,
                data={"error": f"{type(exc).__name__}: {exc}"[:500]},
            )
    else:
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
    services.scan_batch_finish(batch=scan_file.batch)
    scan_file.refresh_from_db()
    return scan_file
