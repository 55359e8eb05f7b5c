"""Tesseract, run directly: one child process per page gives its text and a searchable page.

``tesseract page.jpg out -l deu pdf txt`` recognises the page once and writes both the text
and a PDF page (the image with an invisible text layer), so OCR never runs twice. Each
tesseract runs single-threaded (``OMP_THREAD_LIMIT=1``); parallelism comes from running
``INTAKE_OCR_PROCESSES`` of them at once.
"""

from __future__ import annotations

import io
import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from PIL import Image

JPEG_QUALITY = 75


@dataclass(frozen=True)
class OcrResult:
    text: str
    pdf: bytes


def processes() -> int:
    configured = getattr(settings, "INTAKE_OCR_PROCESSES", None)
    return max(1, int(configured or os.cpu_count() or 1))


def languages() -> str:
    return str(getattr(settings, "INTAKE_OCR_LANGUAGES", "deu"))


def encode_page(image: Image.Image, dpi: int) -> tuple[bytes, str]:
    """The page as tesseract reads it and embeds it into the PDF (JPEG; PNG for 1-bit)."""
    out = io.BytesIO()
    if image.mode == "1":
        image.save(out, "PNG", dpi=(dpi, dpi))
        return out.getvalue(), "png"
    image.convert("L" if image.mode == "L" else "RGB").save(
        out, "JPEG", quality=JPEG_QUALITY, dpi=(dpi, dpi)
    )
    return out.getvalue(), "jpg"


def recognise(image: Image.Image, *, dpi: int, timeout: int = 300) -> OcrResult:
    """Text and a searchable one-page PDF of ``image`` (German by default)."""
    data, suffix = encode_page(image, dpi)
    with tempfile.TemporaryDirectory(prefix="amtsbote-intake-") as tmp:
        source = Path(tmp) / f"page.{suffix}"
        source.write_bytes(data)
        base = Path(tmp) / "out"
        subprocess.run(
            [
                "tesseract",
                str(source),
                str(base),
                "-l",
                languages(),
                "--psm",
                "3",
                "--dpi",
                str(dpi),
                "pdf",
                "txt",
            ],
            check=True,
            env={**os.environ, "OMP_THREAD_LIMIT": "1"},
            timeout=timeout,
            capture_output=True,
        )
        text = base.with_suffix(".txt").read_text(errors="replace")
        return OcrResult(text.replace("\x0c", "").strip(), base.with_suffix(".pdf").read_bytes())


def image_pdf(image: Image.Image, *, dpi: int) -> bytes:
    """A one-page PDF of the image without text (pages that need no OCR)."""
    import img2pdf

    data, _suffix = encode_page(image, dpi)
    layout = img2pdf.get_fixed_dpi_layout_fun((dpi, dpi))
    result = img2pdf.convert(data, layout_fun=layout)
    assert result is not None
    return result
