"""Scanned files → page images: check by content, then render every page exactly once.

Pure functions over bytes and Pillow images (no storage; the database only for the audit
event of a virus finding). PDF pages are rendered with pypdfium2 (300 dpi for image pages;
a page that already has a real text layer is only rendered at 150 dpi for barcodes and the
thumbnail, and is not OCRed); TIFF, JPEG, PNG and HEIC pages are used as they are (EXIF
orientation applied).
"""

from __future__ import annotations

import hashlib
import io
import threading
from collections.abc import Collection, Generator
from dataclasses import dataclass, field

import numpy as np
import pikepdf
import pypdfium2 as pdfium
from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from amtsbote.core.exceptions import UnsupportedUpload
from amtsbote.documents import antivirus, processing

MIME_TYPES = processing.SCAN_KINDS
OCR_DPI = 300
TEXT_PAGE_DPI = 150
TEXT_LAYER_MIN_CHARS = 40
THUMBNAIL_WIDTH = processing.THUMBNAIL_WIDTH
A4_INCHES = (210 / 25.4, 297 / 25.4)


def accepted_formats_text() -> str:
    return _("Accepted are scans in the formats PDF, TIFF, JPEG, PNG and HEIC.")


# One implementation for the portal and the mailroom: by content, never by name.
sniff = processing.sniff


@dataclass(frozen=True)
class Inspected:
    kind: str
    page_count: int
    sha256: str

    @property
    def mime_type(self) -> str:
        return MIME_TYPES[self.kind]


def _refuse(filename: str, reason: str) -> UnsupportedUpload:
    return UnsupportedUpload(f"{filename}: {reason} {accepted_formats_text()}", code="unsupported")


def max_file_bytes() -> int:
    return int(getattr(settings, "INTAKE_MAX_FILE_MB", 500)) * 1024 * 1024


def max_pixels() -> int:
    """Scanners make larger pages than phones (A3 at 600 dpi is 70 megapixels)."""
    return int(getattr(settings, "INTAKE_MAX_MEGAPIXELS", 150)) * 1_000_000


def inspect(filename: str, data: bytes) -> Inspected:
    """Check a scanned file by its content; raise UnsupportedUpload with a clear message.

    The checks of ``documents.processing`` (the portal's) with the mailroom's limits: larger
    files and pages, no page limit, TIFF too; the virus scan as for every upload. The file is
    kept as received (the scan's evidence); what reaches the e-file is rendered page by page
    and cleaned again when the document is built (``processing.build_pdf``).
    """
    accepted = accepted_formats_text()
    processing.check_size(filename, len(data), limit=max_file_bytes(), accepted=accepted)
    antivirus.scan_upload(filename, data)
    kind = sniff(data[:16])
    if kind is None:
        raise _refuse(filename, _("This kind of file cannot be accepted."))
    sha256 = hashlib.sha256(data).hexdigest()
    if kind == "pdf":
        count = processing.check_pdf(
            filename,
            data,
            max_pages=0,
            max_pixels=max_pixels(),
            # Scanned pages compress well, but not a thousandfold: that is a bomb.
            max_decoded_bytes=max(
                int(getattr(settings, "UPLOAD_MAX_PDF_DECODED_MB", 400)) * 2**20, 50 * len(data)
            ),
            accepted=accepted,
        )
        return Inspected(kind, count, sha256)
    image = processing.check_image(filename, data, max_pixels=max_pixels(), accepted=accepted)
    count = getattr(image, "n_frames", 1) if kind == "tiff" else 1
    image.close()
    return Inspected(kind, count, sha256)


@dataclass
class RenderedPage:
    """A page image rendered once; reused for barcodes, OCR and thumbnail."""

    index: int
    image: Image.Image = field(repr=False)
    dpi: int
    text: str = ""

    @property
    def has_text_layer(self) -> bool:
        return len("".join(self.text.split())) >= TEXT_LAYER_MIN_CHARS


class PageSource:
    """A scanned file opened once; its pages are rendered on demand, from any thread.

    PDF pages are rendered with PDFium, which is not thread-safe: every PDFium call holds
    ``processing.PDFIUM_LOCK`` (the rendering itself included), while colour detection and
    the conversion to grayscale run outside it. Frames of a TIFF are read one at a time under
    the source's own lock. Use as a context manager, or call ``close()``.
    """

    def __init__(self, data: bytes, kind: str) -> None:
        self.kind = kind
        self._lock = threading.Lock()
        self._pdf: pdfium.PdfDocument | None = None
        self._image: Image.Image | None = None
        if kind == "pdf":
            with processing.PDFIUM_LOCK:
                self._pdf = pdfium.PdfDocument(data)
                self.count = len(self._pdf)
        else:
            self._image = Image.open(io.BytesIO(data))
            self.count = getattr(self._image, "n_frames", 1)

    def __enter__(self) -> PageSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def render(self, index: int) -> RenderedPage:
        """Page ``index`` (0-based): 300 dpi for OCR, 150 dpi if it has a text layer."""
        if self._pdf is not None:
            image, dpi, text = self._render_pdf(index)
            return RenderedPage(index, normalise_mode(image), dpi, text)
        assert self._image is not None
        with self._lock:
            self._image.seek(index)
            frame = self._image.copy()
            dpi = image_dpi(self._image)
        return RenderedPage(index, normalise_mode(ImageOps.exif_transpose(frame)), dpi)

    def _render_pdf(self, index: int) -> tuple[Image.Image, int, str]:
        assert self._pdf is not None
        with processing.PDFIUM_LOCK:
            page = self._pdf[index]
            try:
                textpage = page.get_textpage()
                try:
                    text = textpage.get_text_bounded()
                finally:
                    textpage.close()
                with_text = len("".join(text.split())) >= TEXT_LAYER_MIN_CHARS
                dpi = TEXT_PAGE_DPI if with_text else OCR_DPI
                bitmap = page.render(scale=dpi / 72)
                image = bitmap.to_pil()  # a copy: PDFium renders BGR, Pillow holds RGB
                bitmap.close()
            finally:
                page.close()
        return image, dpi, text.strip() if with_text else ""

    def close(self) -> None:
        if self._pdf is not None:
            with processing.PDFIUM_LOCK:
                self._pdf.close()
            self._pdf = None
        if self._image is not None:
            self._image.close()
            self._image = None


def iter_pages(
    data: bytes, kind: str, *, skip: Collection[int] = ()
) -> Generator[RenderedPage, None, None]:
    """Render every page not in ``skip``, one at a time (memory stays at one page)."""
    with PageSource(data, kind) as source:
        for index in range(source.count):
            if index not in skip:
                yield source.render(index)


def image_dpi(image: Image.Image) -> int:
    """The image's resolution if it is plausible, else what makes it fill an A4 page."""
    dpi = image.info.get("dpi")
    try:
        value = round(float(dpi[0])) if dpi else 0
    except (TypeError, ValueError, IndexError):
        value = 0
    if 100 <= value <= 1200:
        return value
    return max(72, round(max(image.width / A4_INCHES[0], image.height / A4_INCHES[1])))


def normalise_mode(image: Image.Image) -> Image.Image:
    """Grayscale (``L``) unless the page really has colour; transparency on white."""
    if image.mode in ("RGBA", "LA", "P", "PA"):
        image = image.convert("RGBA")
        background = Image.new("RGB", image.size, "white")
        background.paste(image, mask=image.getchannel("A"))
        image = background
    elif image.mode in ("1", "I", "I;16", "F"):
        return image.convert("L")
    elif image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    if image.mode == "RGB" and not has_colour(image):
        return image.convert("L")
    return image


def has_colour(image: Image.Image, *, threshold: float = 12.0) -> bool:
    """Whether a page has visible colour (checked on a small copy)."""
    reduced = image.resize((64, 90), Image.Resampling.BILINEAR, reducing_gap=2.0)
    small = np.asarray(reduced, dtype=np.int16)
    spread = small.max(axis=2) - small.min(axis=2)
    return float(np.percentile(spread, 99)) > threshold


def page_hash(image: Image.Image) -> str:
    """SHA-256 over the rendered page's pixels (mode, size and raw bytes)."""
    digest = hashlib.sha256(f"{image.mode}:{image.width}x{image.height}:".encode())
    digest.update(image.tobytes())
    return digest.hexdigest()


def thumbnail_jpeg(image: Image.Image, *, width: int = THUMBNAIL_WIDTH) -> bytes:
    copy = image.copy()
    copy.thumbnail((width, width * 2), Image.Resampling.BILINEAR, reducing_gap=2.0)
    out = io.BytesIO()
    copy.convert("RGB" if copy.mode not in ("RGB", "L") else copy.mode).save(
        out, "JPEG", quality=75
    )
    return out.getvalue()


def turn_jpeg(data: bytes, degrees: int) -> bytes:
    """A JPEG turned clockwise by ``degrees`` (a multiple of 90), unchanged if 0."""
    if not degrees % 360:
        return data
    with Image.open(io.BytesIO(data)) as image:
        turned = image.rotate(-(degrees % 360), expand=True)
    out = io.BytesIO()
    turned.save(out, "JPEG", quality=75)
    return out.getvalue()


def pdf_single_page(data: bytes, index: int) -> bytes:
    """Page ``index`` of a PDF as a PDF of its own, unchanged (keeps its text layer)."""
    with pikepdf.open(io.BytesIO(data)) as source:
        result = pikepdf.Pdf.new()
        result.pages.append(source.pages[index])
        out = io.BytesIO()
        result.save(out, deterministic_id=True)
        return out.getvalue()


def merge_pdfs(parts: list[tuple[bytes, int]]) -> bytes:
    """One PDF of single-page PDFs in order, each turned clockwise by its degrees."""
    result = pikepdf.Pdf.new()
    opened = []
    for data, degrees in parts:
        part = pikepdf.open(io.BytesIO(data))
        opened.append(part)
        for page in part.pages:
            if degrees % 360:
                page.rotate(degrees % 360, relative=True)
            result.pages.append(page)
    result.docinfo["/Producer"] = "Amtsbote"
    out = io.BytesIO()  # made archival (PDF/A) once, where the e-file document is built
    result.save(out, deterministic_id=True)
    for part in opened:
        part.close()
    return out.getvalue()
