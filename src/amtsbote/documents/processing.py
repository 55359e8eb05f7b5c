"""Turning received files into the e-file's PDF: check, convert, thumbnail, OCR.

Pure functions over bytes: no database, no storage. Every file is checked by its content,
never by its name (§ 36a Abs. 3 SGB I: an unsuitable file is refused at once, naming the
accepted formats).
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

import img2pdf
import pikepdf
import pikepdf.pdfa as pdfa
import pypdfium2 as pdfium
from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

from amtsbote.core.exceptions import UnsupportedUpload

logger = logging.getLogger(__name__)

ACCEPTED = {
    "pdf": "application/pdf",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "heic": "image/heic",
}
_HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"}
A4 = (img2pdf.mm_to_pt(210), img2pdf.mm_to_pt(297))
# PDFium is not thread-safe, not even across documents: every call in this process holds
# this lock (web servers run requests in threads; the mailroom renders in its OCR threads).
PDFIUM_LOCK = threading.RLock()
PDFA_FLAVOUR = "2b"  # ISO 19005-2, level B: what the e-file keeps
THUMBNAIL_WIDTH = 240
THUMBNAIL_MIME_TYPE = "image/jpeg"  # what render_thumbnail writes
JPEG_QUALITY = 88


def accepted_formats_text() -> str:
    return _("Accepted are photos and files in the formats PDF, JPEG, PNG and HEIC.")


def sniff(head: bytes) -> str | None:
    """The kind of file by its first bytes, or None."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if len(head) >= 12 and head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS:
        return "heic"
    return None


@dataclass
class Checked:
    """A received file that passed every check, ready to be converted."""

    filename: str
    data: bytes
    kind: str
    pages: int
    sha256: str
    image: Image.Image | None = field(default=None, repr=False)

    @property
    def mime_type(self) -> str:
        return ACCEPTED[self.kind]


def _refuse(filename: str, reason: str) -> UnsupportedUpload:
    return UnsupportedUpload(f"{filename}: {reason} {accepted_formats_text()}", code="unsupported")


def check_size(filename: str, size: int) -> None:
    """Refuse an empty or too large file before reading it (callers that only know the size)."""
    if size == 0:
        raise _refuse(filename, _("The file is empty."))
    if size > settings.UPLOAD_MAX_FILE_BYTES:
        max_mb = settings.UPLOAD_MAX_FILE_BYTES // (1024 * 1024)
        raise _refuse(filename, _("The file is larger than %(mb)s MB.") % {"mb": max_mb})


def check_file(filename: str, data: bytes) -> Checked:
    """Check one file completely (decodes images, opens PDFs); raise UnsupportedUpload."""
    check_size(filename, len(data))
    kind = sniff(data[:16])
    if kind is None:
        raise _refuse(filename, _("This kind of file cannot be accepted."))
    sha256 = hashlib.sha256(data).hexdigest()
    if kind == "pdf":
        return Checked(filename, data, kind, _check_pdf(filename, data), sha256)
    return Checked(filename, data, kind, 1, sha256, image=_check_image(filename, data))


def _check_pdf(filename: str, data: bytes) -> int:
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            if pdf.is_encrypted:
                raise _refuse(filename, _("The PDF is protected by a password."))
            pages = len(pdf.pages)
    except pikepdf.PasswordError as exc:
        raise _refuse(filename, _("The PDF is protected by a password.")) from exc
    except pikepdf.PdfError as exc:
        raise _refuse(filename, _("The PDF is damaged or incomplete.")) from exc
    if pages == 0:
        raise _refuse(filename, _("The PDF has no pages."))
    if pages > settings.UPLOAD_MAX_PDF_PAGES:
        raise _refuse(
            filename,
            _("The PDF has more than %(max)s pages.") % {"max": settings.UPLOAD_MAX_PDF_PAGES},
        )
    return pages


def _check_image(filename: str, data: bytes) -> Image.Image:
    max_mp = settings.UPLOAD_MAX_PIXELS // 1_000_000
    try:
        image = Image.open(io.BytesIO(data))
        width, height = image.size
        if width * height > settings.UPLOAD_MAX_PIXELS:
            raise _refuse(
                filename,
                _("The picture has more than %(mp)s megapixels (%(w)s × %(h)s).")
                % {"mp": max_mp, "w": width, "h": height},
            )
        # Decode everything, so a truncated file fails here. The flag is process-wide and
        # other libraries flip it on import (WeasyPrint sets it to True): set it every time.
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        image.load()
    except UnsupportedUpload:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise _refuse(filename, _("The picture is damaged or incomplete.")) from exc
    except Image.DecompressionBombError as exc:
        raise _refuse(filename, _("The picture is too large.")) from exc
    return image


def _clean_image(image: Image.Image, kind: str) -> tuple[bytes, str]:
    """Apply EXIF orientation, drop all metadata, flatten transparency; return bytes, kind."""
    image = ImageOps.exif_transpose(image)
    if image.mode in ("RGBA", "LA", "P", "PA"):
        image = image.convert("RGBA")
        background = Image.new("RGB", image.size, "white")
        background.paste(image, mask=image.getchannel("A"))
        image = background
    elif image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    out = io.BytesIO()
    if kind == "png":
        image.save(out, "PNG")
        return out.getvalue(), "png"
    image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=False)
    return out.getvalue(), "jpeg"


def build_pdf(files: list[Checked]) -> tuple[bytes, int]:
    """One PDF of all files in order: photos placed on A4 pages, PDFs appended as they are."""
    layout = img2pdf.get_layout_fun(A4, fit=img2pdf.FitMode.into, auto_orient=True)
    result = pikepdf.Pdf.new()
    for checked in files:
        if checked.kind == "pdf":
            part = pikepdf.open(io.BytesIO(checked.data))
        else:
            assert checked.image is not None
            clean, _kind = _clean_image(checked.image, checked.kind)
            part = pikepdf.open(io.BytesIO(img2pdf.convert(clean, layout_fun=layout)))
        result.pages.extend(part.pages)
    result.docinfo["/Producer"] = "Amtsbote"
    return archival_pdf(result), len(result.pages)


def archival_pdf(pdf: pikepdf.Pdf) -> bytes:
    """The document as PDF/A-2b where its pages allow it, else as a plain PDF.

    pikepdf adds the sRGB output intent and the XMP conformance declaration, writes the file
    and validates the bytes written (``pikepdf.pdfa``). Photos placed on pages and scanned
    pages OCRed by the mailroom (a JPEG or PNG under tesseract's invisible text layer with
    its embedded glyphless font) pass; a page taken over from a born-digital PDF may not
    (fonts not embedded, transparency): that document stays a plain PDF, its content
    untouched, and the log says why.
    """
    plain = io.BytesIO()
    pdf.save(plain, deterministic_id=True)
    # A copy is prepared: preparing adds the PDF/A claim (XMP, output intent) even when the
    # result then fails validation, and a plain PDF must not claim what it is not.
    with pikepdf.open(io.BytesIO(plain.getvalue())) as candidate:
        out = io.BytesIO()
        try:
            pdfa.save(
                candidate, out, flavour=PDFA_FLAVOUR, output_intent="sRGB", deterministic_id=True
            )
        except pdfa.PdfaError as exc:
            findings = "; ".join(f"{f.rule}: {f.message}" for f in list(exc.report.findings)[:5])
            logger.info("not PDF/A-%s, kept as plain PDF: %s", PDFA_FLAVOUR, findings)
            return plain.getvalue()
    return out.getvalue()


def is_archival(data: bytes) -> bool:
    """Whether a PDF passes pikepdf's PDF/A-2b validation."""
    return bool(pdfa.validate_written(io.BytesIO(data), PDFA_FLAVOUR).passed)


def html_to_pdf(html: str, *, base_url: str | None = None) -> bytes:
    """A PDF of an HTML page (letters, receipts, records) rendered by WeasyPrint.

    ``base_url`` resolves relative links (default: the collected static files).
    """
    # Imported here: WeasyPrint loads Pango on import, which only PDF rendering needs.
    import weasyprint

    # Importing WeasyPrint sets Pillow's process-wide LOAD_TRUNCATED_IMAGES = True, which
    # would let truncated photos pass the upload checks above: undo it.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    return weasyprint.HTML(string=html, base_url=base_url or str(settings.STATIC_ROOT)).write_pdf()


def render_page(pdf: bytes, index: int, *, width: int, quality: int = 80) -> bytes:
    """Page ``index`` as a JPEG ``width`` pixels wide."""
    with PDFIUM_LOCK:
        document = pdfium.PdfDocument(pdf)
        try:
            page = document[index]
            scale = width / page.get_width()
            bitmap = page.render(scale=scale)
            image = bitmap.to_pil().convert("RGB")
        finally:
            document.close()
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality)
    return out.getvalue()


def render_thumbnail(pdf: bytes) -> bytes:
    return render_page(pdf, 0, width=THUMBNAIL_WIDTH, quality=75)


def page_count(pdf: bytes) -> int:
    with PDFIUM_LOCK:
        document = pdfium.PdfDocument(pdf)
        try:
            return len(document)
        finally:
            document.close()


def ocr_text(pdf: bytes, *, languages: str = "deu+eng", timeout: int = 600) -> str:
    """Recognised text of a PDF, by ocrmypdf/tesseract in a child process.

    Pages that already carry text keep it (``--skip-text``). ``OMP_THREAD_LIMIT=1`` keeps
    tesseract from fighting itself on small machines.
    """
    with tempfile.TemporaryDirectory(prefix="amtsbote-ocr-") as tmp:
        source = Path(tmp) / "in.pdf"
        source.write_bytes(pdf)
        sidecar = Path(tmp) / "text.txt"
        env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
        subprocess.run(
            [
                sys.executable,
                "-m",
                "ocrmypdf",
                "--skip-text",
                "--output-type",
                "pdf",
                "--jobs",
                "1",
                "--language",
                languages,
                "--sidecar",
                str(sidecar),
                "--quiet",
                str(source),
                str(Path(tmp) / "out.pdf"),
            ],
            check=True,
            env=env,
            timeout=timeout,
            capture_output=True,
        )
        return sidecar.read_text(errors="replace").replace("\x0c", "\n").strip()
