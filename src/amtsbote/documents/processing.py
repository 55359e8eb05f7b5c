"""Turning received files into the e-file's PDF: check, clean, convert, thumbnail, OCR.

The one checking path for files from outside (portal uploads, message attachments, the
mailroom's scans, see docs/security.md). Every file is treated as hostile and checked by its
content, never by its name or the content type the client claims (§ 36a Abs. 3 SGB I: an
unsuitable file is refused at once, naming the accepted formats), in this order:

1. the file name is cleaned (``sanitise_filename``);
2. size: empty and too large files are refused before anything parses them;
3. virus scan by ClamAV (``antivirus.scan_upload``; fails closed);
4. the kind by its first bytes (allowlist), then the whole file parsed: limits on pixels
   (decompression bombs), pages, page size, decoded stream sizes;
5. cleaning: photos are decoded and encoded anew without any metadata (EXIF/GPS, XMP, ICC,
   comments, anything after the image data); PDFs are rewritten without JavaScript, actions,
   embedded files, forms (flattened) or anything after the document, and the result is
   checked again.

Only the cleaned form is kept (also as the "original"). Pure functions over bytes: no
storage; the database only for the audit event of a malware finding.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import re
import subprocess
import sys
import tempfile
import threading
import unicodedata
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import img2pdf
import pikepdf
import pikepdf.pdfa as pdfa
import pypdfium2 as pdfium
from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, ImageCms, ImageFile, ImageOps, UnidentifiedImageError

from amtsbote.core.exceptions import UnsupportedUpload

from . import antivirus

logger = logging.getLogger(__name__)

ACCEPTED = {
    "pdf": "application/pdf",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "heic": "image/heic",
}
# What the mailroom accepts from scanners (the portal's kinds plus multi-page TIFF).
SCAN_KINDS = {**ACCEPTED, "tiff": "image/tiff"}
_HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"}
A4 = (img2pdf.mm_to_pt(210), img2pdf.mm_to_pt(297))
# PDFium is not thread-safe, not even across documents: every call in this process holds
# this lock (web servers run requests in threads; the mailroom renders in its OCR threads).
PDFIUM_LOCK = threading.RLock()
PDFA_FLAVOUR = "2b"  # ISO 19005-2, level B: what the e-file keeps
THUMBNAIL_WIDTH = 240
THUMBNAIL_MIME_TYPE = "image/jpeg"  # what render_thumbnail writes
JPEG_QUALITY = 88
FILENAME_MAX_CHARS = 150
# A page larger than this (either side, in PDF points: 1/72 inch) is refused: 2 m.
PAGE_MAX_POINTS = 2000 / 25.4 * 72


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
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return "tiff"
    return None


# --- file names ---------------------------------------------------------------------------------

# Bidirectional overrides and isolates (U+202A–U+202E, U+2066–U+2069) and every other
# invisible format character (zero-width, marks) are dropped with the control characters.
_SPACES = re.compile(r"\s+")


def sanitise_filename(name: str, *, default: str = "upload") -> str:
    """A file name safe to store and show: no path, no control or bidi characters.

    Keeps letters of any script (umlauts), digits, punctuation; drops directory parts
    (``../``, ``C:\\``), NUL and other control characters, bidirectional overrides and
    zero-width characters; no leading dot; at most ``FILENAME_MAX_CHARS`` characters, the
    extension kept.
    """
    name = unicodedata.normalize("NFC", str(name or ""))
    # Like Django's upload parser: invisible characters are dropped, not replaced.
    name = "".join(
        c for c in name if unicodedata.category(c) not in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp")
    )
    name = PurePosixPath(name.replace("\\", "/")).name
    if len(name) >= 2 and name[1] == ":" and name[0].isalpha():
        name = name[2:]  # a Windows drive ("C:datei.pdf")
    name = _SPACES.sub(" ", name).strip(" .")
    if not name:
        return default
    if len(name) > FILENAME_MAX_CHARS:
        stem, dot, ext = name.rpartition(".")
        if dot and 0 < len(ext) <= 10 and stem:
            name = stem[: FILENAME_MAX_CHARS - len(ext) - 1].rstrip(" .") + "." + ext
        else:
            name = name[:FILENAME_MAX_CHARS].rstrip(" .")
    return name or default


# --- the check ---------------------------------------------------------------------------------


@dataclass
class Checked:
    """A received file that passed every check, in its cleaned form, ready to be filed.

    ``data`` is what is stored (the cleaned file; ``kind`` and ``sha256`` describe it);
    ``received_*`` describe the file as it arrived; ``removed`` names what cleaning took out.
    """

    filename: str
    data: bytes
    kind: str
    pages: int
    sha256: str
    image: Image.Image | None = field(default=None, repr=False)
    received_kind: str = ""
    received_sha256: str = ""
    received_size: int = 0
    removed: tuple[str, ...] = ()

    @property
    def mime_type(self) -> str:
        return SCAN_KINDS[self.kind]


def _refuse(filename: str, reason: str, accepted: str | None = None) -> UnsupportedUpload:
    return UnsupportedUpload(
        f"{filename}: {reason} {accepted or accepted_formats_text()}", code="unsupported"
    )


def check_size(
    filename: str, size: int, *, limit: int | None = None, accepted: str | None = None
) -> None:
    """Refuse an empty or too large file before reading it (callers that only know the size)."""
    limit = settings.UPLOAD_MAX_FILE_BYTES if limit is None else limit
    if size == 0:
        raise _refuse(filename, _("The file is empty."), accepted)
    if size > limit:
        max_mb = limit // (1024 * 1024)
        raise _refuse(filename, _("The file is larger than %(mb)s MB.") % {"mb": max_mb}, accepted)


def check_file(filename: str, data: bytes) -> Checked:
    """Check and clean one file from outside; raise UnsupportedUpload with a clear message."""
    return _check(filename, data, scan=True)


def check_generated(filename: str, data: bytes) -> Checked:
    """The same checks and cleaning for a file Amtsbote made itself (a form's PDF, a thread's
    record, demo pages): no virus scan, so that closing a thread or sending a form does not
    depend on clamd. Never for anything that came from outside."""
    return _check(filename, data, scan=False)


def _check(filename: str, data: bytes, *, scan: bool) -> Checked:
    filename = sanitise_filename(filename)
    check_size(filename, len(data))
    if scan:
        antivirus.scan_upload(filename, data)
    kind = sniff(data[:16])
    if kind not in ACCEPTED:
        raise _refuse(filename, _("This kind of file cannot be accepted."))
    received_sha256 = hashlib.sha256(data).hexdigest()
    if kind == "pdf":
        clean, pages, removed = clean_pdf(filename, data)
        return Checked(
            filename,
            clean,
            "pdf",
            pages,
            hashlib.sha256(clean).hexdigest(),
            received_kind=kind,
            received_sha256=received_sha256,
            received_size=len(data),
            removed=removed,
        )
    image = check_image(filename, data)
    clean, clean_kind, cleaned_image, removed = clean_image(image, kind, data)
    # The encoded bytes are what is kept and built on; the decoded pixels need not wait in
    # memory until the send is filed (30 photos of 40 megapixels would be gigabytes).
    image.close()
    cleaned_image.close()
    return Checked(
        filename,
        clean,
        clean_kind,
        1,
        hashlib.sha256(clean).hexdigest(),
        received_kind=kind,
        received_sha256=received_sha256,
        received_size=len(data),
        removed=removed,
    )


# --- PDFs ----------------------------------------------------------------------------------------

# Actions that stay: jumps inside the document. Everything else (JavaScript, Launch, URI,
# SubmitForm, ImportData, GoToR/GoToE, RichMedia, Rendition …) is removed.
_SAFE_ACTIONS = {"/GoTo"}
# Keys removed wherever they occur.
_DROP_KEYS = (
    "/JS",
    "/JavaScript",
    "/AA",
    "/OpenAction",
    "/AcroForm",
    "/XFA",
    "/EmbeddedFiles",
    "/EmbeddedFile",
    "/EF",
    "/AF",  # associated files (PDF 2.0, PDF/A-3)
    "/RichMediaContent",
    "/Collection",
    "/AlternatePresentations",
)
# Annotations that carry files, forms or active content are removed from the pages.
_DROP_ANNOTATIONS = {"/FileAttachment", "/Widget", "/Screen", "/Movie", "/Sound", "/RichMedia"}
_DROP_ANNOTATIONS |= {"/3D"}


def _walk(pdf: pikepdf.Pdf):  # type: ignore[no-untyped-def]
    """Every dictionary and stream reachable from the trailer, once."""
    seen: set[tuple[int, int]] = set()
    stack: list[object] = [pdf.trailer]
    while stack:
        obj = stack.pop()
        if isinstance(obj, pikepdf.Object) and obj.is_indirect:
            key = obj.objgen
            if key in seen:
                continue
            seen.add(key)
        if isinstance(obj, pikepdf.Array):
            stack.extend(obj)
        elif isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)):
            yield obj
            stack.extend(obj.get(key) for key in obj.keys())  # noqa: SIM118 (streams too)


def sanitise_pdf(pdf: pikepdf.Pdf) -> list[str]:
    """Remove active and hidden content in place; return what was removed (names)."""
    removed: set[str] = set()
    root = pdf.Root
    if "/AcroForm" in root:
        # Filled-in forms keep what was filled in: the fields become part of the page.
        try:
            pdf.generate_appearance_streams()
            pdf.flatten_annotations("all")
        except pikepdf.PdfError:
            logger.info("form could not be flattened; its fields are dropped")
        removed.add("forms")
    for page in pdf.pages:
        annots = page.obj.get("/Annots")
        if isinstance(annots, pikepdf.Array):
            keep = [
                a
                for a in annots
                if isinstance(a, pikepdf.Dictionary)
                and str(a.get("/Subtype", "")) not in _DROP_ANNOTATIONS
            ]
            if len(keep) != len(annots):
                removed.add("annotations")
                page.obj.Annots = pikepdf.Array(keep)
    names = root.get("/Names")
    if isinstance(names, pikepdf.Dictionary):
        for key in ("/JavaScript", "/EmbeddedFiles", "/AlternatePresentations"):
            if key in names:
                del names[key]
                removed.add(key.strip("/"))
    for obj in list(_walk(pdf)):
        for key in _DROP_KEYS:
            if key in obj:
                del obj[key]
                removed.add(key.strip("/"))
        action = obj.get("/A")
        if isinstance(action, pikepdf.Dictionary):
            if str(action.get("/S", "")) not in _SAFE_ACTIONS:
                del obj["/A"]
                removed.add("actions")
            elif "/Next" in action:
                del action["/Next"]
                removed.add("actions")
        kind = str(obj.get("/S", ""))
        is_action = str(obj.get("/Type", "")) == "/Action" or kind in {"/JavaScript", "/Launch"}
        if is_action and kind not in _SAFE_ACTIONS:
            for key in list(obj.keys()):
                del obj[key]
            removed.add("actions")
    return sorted(removed)


_FORBIDDEN_LEFT: tuple[str, ...] = (
    "/JS",
    "/JavaScript",
    "/Launch",
    "/EmbeddedFile",
    "/EmbeddedFiles",
    "/AA",
    "/OpenAction",
    "/AcroForm",
    "/XFA",
    "/FileAttachment",
    "/AF",
    "/EF",
)


def active_content(pdf: pikepdf.Pdf) -> list[str]:
    """Active or hidden content still in a PDF (should be none after ``sanitise_pdf``)."""
    found = set()
    for obj in _walk(pdf):
        for key in obj.keys():  # noqa: SIM118 (streams too)
            if key in _FORBIDDEN_LEFT:
                found.add(key)
        for key in ("/S", "/Subtype"):
            value = str(obj.get(key, ""))
            if value in _FORBIDDEN_LEFT:
                found.add(value)
    return sorted(found)


def _inflated_size(raw: bytes, budget: int) -> int:
    """How many bytes a Flate stream decodes to, counting at most ``budget`` + 1."""
    inflater = zlib.decompressobj()
    total = 0
    pending = raw
    while pending and total <= budget:
        try:
            out = inflater.decompress(pending, 1024 * 1024)
        except zlib.error:
            return total  # damaged data decodes to what it decodes to
        total += len(out)
        pending = inflater.unconsumed_tail
        if not out and not pending:
            break
    return total


def _check_pdf_resources(
    filename: str, pdf: pikepdf.Pdf, *, max_pixels: int, budget: int, accepted: str | None
) -> None:
    """Decompression bombs inside a PDF: huge images, Flate streams that inflate enormously."""
    max_mp = max_pixels // 1_000_000
    inflated = 0
    for obj in pdf.objects:
        if not isinstance(obj, pikepdf.Stream):
            continue
        if str(obj.get("/Subtype", "")) == "/Image":
            try:
                pixels = int(obj.get("/Width", 0)) * int(obj.get("/Height", 0))
            except (TypeError, ValueError):
                pixels = 0
            if pixels > max_pixels:
                raise _refuse(
                    filename,
                    _("The PDF contains a picture of more than %(mp)s megapixels.")
                    % {"mp": max_mp},
                    accepted,
                )
        filters = obj.get("/Filter")
        if filters == pikepdf.Name.FlateDecode or (
            isinstance(filters, pikepdf.Array) and pikepdf.Name.FlateDecode in list(filters)
        ):
            inflated += _inflated_size(obj.read_raw_bytes(), budget - inflated)
            if inflated > budget:
                raise _refuse(
                    filename,
                    _("The PDF unpacks to more than %(mb)s MB.") % {"mb": budget // 2**20},
                    accepted,
                )


_PARSE_ERRORS = (
    pikepdf.PdfError,
    pdfium.PdfiumError,
    ValueError,
    TypeError,
    KeyError,
    IndexError,
    AttributeError,
    RuntimeError,
)


def clean_pdf(
    filename: str, data: bytes, *, max_pages: int | None = None, accepted: str | None = None
) -> tuple[bytes, int, tuple[str, ...]]:
    """Check a PDF and rewrite it without active content; (bytes, pages, removed)."""
    pages = check_pdf(filename, data, max_pages=max_pages, accepted=accepted)
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            removed = sanitise_pdf(pdf)
            out = io.BytesIO()
            pdf.save(out, deterministic_id=True)
        clean = out.getvalue()
        # The first page must render (the thumbnail is made from it): else it is refused here,
        # not failing later while the document is filed.
        render_page(clean, 0, width=THUMBNAIL_WIDTH // 4, quality=50)
    except _PARSE_ERRORS as exc:
        raise _refuse(filename, _("The PDF is damaged or incomplete."), accepted) from exc
    with pikepdf.open(io.BytesIO(clean)) as written:
        left = active_content(written)
        if left or len(written.pages) != pages:
            logger.warning("PDF could not be cleaned (%s): %s", filename, left)
            raise _refuse(filename, _("The PDF could not be cleaned of active content."), accepted)
    if len(data) - data.rfind(b"%%EOF") > 1024:
        removed.append("trailing data")
    return clean, pages, tuple(removed)


def check_pdf(
    filename: str,
    data: bytes,
    *,
    max_pages: int | None = None,
    max_pixels: int | None = None,
    max_decoded_bytes: int | None = None,
    accepted: str | None = None,
) -> int:
    """Open and check a PDF; its page count. Encrypted, incomplete or too large: refused."""
    max_pages = settings.UPLOAD_MAX_PDF_PAGES if max_pages is None else max_pages
    if b"%%EOF" not in data:
        # Cut off (an interrupted download or copy): its end is missing.
        raise _refuse(filename, _("The PDF is damaged or incomplete."), accepted)
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            if pdf.is_encrypted:
                raise _refuse(filename, _("The PDF is protected by a password."), accepted)
            pages = len(pdf.pages)
            if pages == 0:
                raise _refuse(filename, _("The PDF has no pages."), accepted)
            if max_pages and pages > max_pages:
                raise _refuse(
                    filename,
                    _("The PDF has more than %(max)s pages.") % {"max": max_pages},
                    accepted,
                )
            for page in pdf.pages:
                box = page.mediabox
                width, height = (
                    abs(float(box[2]) - float(box[0])),
                    abs(float(box[3]) - float(box[1])),
                )
                if width > PAGE_MAX_POINTS or height > PAGE_MAX_POINTS or not width * height:
                    raise _refuse(filename, _("The PDF has a page larger than 2 metres."), accepted)
            _check_pdf_resources(
                filename,
                pdf,
                max_pixels=max_pixels or settings.UPLOAD_MAX_PIXELS,
                budget=max_decoded_bytes
                or int(getattr(settings, "UPLOAD_MAX_PDF_DECODED_MB", 400)) * 2**20,
                accepted=accepted,
            )
    except pikepdf.PasswordError as exc:
        raise _refuse(filename, _("The PDF is protected by a password."), accepted) from exc
    except _PARSE_ERRORS as exc:
        raise _refuse(filename, _("The PDF is damaged or incomplete."), accepted) from exc
    return pages


# --- pictures ------------------------------------------------------------------------------------


def check_image(
    filename: str, data: bytes, *, max_pixels: int | None = None, accepted: str | None = None
) -> Image.Image:
    """Open and decode a picture completely (the first frame); refuse bombs and broken files."""
    max_pixels = max_pixels or settings.UPLOAD_MAX_PIXELS
    max_mp = max_pixels // 1_000_000
    too_many_pixels = _("The picture has more than %(mp)s megapixels.") % {"mp": max_mp}
    try:
        image = Image.open(io.BytesIO(data))
        width, height = image.size
        if width * height > max_pixels:
            raise _refuse(
                filename,
                _("The picture has more than %(mp)s megapixels (%(w)s × %(h)s).")
                % {"mp": max_mp, "w": width, "h": height},
                accepted,
            )
        # Decode everything, so a truncated file fails here. The flag is process-wide and
        # other libraries flip it on import (WeasyPrint sets it to True): set it every time.
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        image.load()
    except UnsupportedUpload:
        raise
    except Image.DecompressionBombError as exc:
        raise _refuse(filename, too_many_pixels, accepted) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise _refuse(filename, _("The picture is damaged or incomplete."), accepted) from exc
    except MemoryError as exc:
        raise _refuse(filename, too_many_pixels, accepted) from exc
    return image


_SRGB = ImageCms.createProfile("sRGB")


def _pixels_only(image: Image.Image) -> Image.Image:
    """Upright RGB/L pixels in sRGB, transparency on white, without any metadata."""
    image = ImageOps.exif_transpose(image)
    icc = image.info.get("icc_profile")
    if icc and image.mode in ("RGB", "CMYK"):
        try:
            converted = ImageCms.profileToProfile(
                image, ImageCms.ImageCmsProfile(io.BytesIO(icc)), _SRGB, outputMode="RGB"
            )
            if converted is not None:
                image = converted
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # a broken profile: the pixels as they are
    if image.mode in ("RGBA", "LA", "P", "PA"):
        image = image.convert("RGBA")
        background = Image.new("RGB", image.size, "white")
        background.paste(image, mask=image.getchannel("A"))
        image = background
    elif image.mode in ("1", "I", "I;16", "F"):
        image = image.convert("L")
    elif image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    clean = Image.new(image.mode, image.size)
    clean.paste(image)
    return clean


def clean_image(
    image: Image.Image, kind: str, data: bytes = b""
) -> tuple[bytes, str, Image.Image, tuple[str, ...]]:
    """The picture encoded anew from its pixels: PNG stays PNG, JPEG and HEIC become JPEG.

    Nothing of the received file but its pixels survives: EXIF (GPS, camera, the
    orientation, applied first), XMP, ICC (converted to sRGB), comments, text chunks,
    thumbnails, and whatever was appended after the image data (HTML, ZIP).
    Returns (bytes, kind, the cleaned image, what was removed).
    """
    removed = [
        name
        for name, present in (
            ("exif", "exif" in image.info),
            ("xmp", "xmp" in image.info or "XML:com.adobe.xmp" in image.info),
            ("icc", "icc_profile" in image.info),
            ("comment", "comment" in image.info),
        )
        if present
    ]
    pixels = _pixels_only(image)
    out = io.BytesIO()
    if kind == "png":
        pixels.save(out, "PNG")
        clean_kind = "png"
    else:
        pixels.save(out, "JPEG", quality=JPEG_QUALITY, optimize=False)
        clean_kind = "jpeg"
    if data and kind == "jpeg" and data.rfind(b"\xff\xd9") < len(data) - 2:
        removed.append("trailing data")
    return out.getvalue(), clean_kind, pixels, tuple(removed)


def build_pdf(files: list[Checked]) -> tuple[bytes, int]:
    """One PDF of all files in order: photos placed on A4 pages, PDFs appended.

    The result is cleaned once more (``sanitise_pdf``): files that did not come through
    ``check_file`` (the mailroom's page PDFs) get no active content into the e-file either.
    """
    layout = img2pdf.get_layout_fun(A4, fit=img2pdf.FitMode.into, auto_orient=True)
    result = pikepdf.Pdf.new()
    for checked in files:
        if checked.kind == "pdf":
            part = pikepdf.open(io.BytesIO(checked.data))
        else:
            clean = checked.data
            if not checked.received_kind:  # not from check_file: clean it here
                image = check_image(checked.filename, checked.data)
                clean = clean_image(image, checked.kind)[0]
            part = pikepdf.open(io.BytesIO(img2pdf.convert(clean, layout_fun=layout)))
        result.pages.extend(part.pages)
    result.docinfo["/Producer"] = "Amtsbote"
    sanitise_pdf(result)
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


_OCR_SKIPPED = re.compile(r"\[OCR skipped on page\(s\) [\d, -]+\]")


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
        pages = sidecar.read_text(errors="replace").split("\x0c")
    # ocrmypdf leaves pages that carry text already (our letters, PDFs made by a computer)
    # out of the sidecar, with a placeholder: their own text layer stands in for it.
    if any(_OCR_SKIPPED.fullmatch(page.strip()) for page in pages):
        embedded = page_texts(pdf)
        pages = [
            embedded[index]
            if _OCR_SKIPPED.fullmatch(page.strip()) and index < len(embedded)
            else page
            for index, page in enumerate(pages)
        ]
    return "\n".join(page.strip("\n") for page in pages).strip()


def page_texts(pdf: bytes) -> list[str]:
    """The text layer of each page, as the PDF carries it."""
    with PDFIUM_LOCK:
        document = pdfium.PdfDocument(pdf)
        try:
            texts = []
            for page in document:
                textpage = page.get_textpage()
                texts.append(textpage.get_text_range().replace("\r\n", "\n"))
                textpage.close()
                page.close()
            return texts
        finally:
            document.close()
