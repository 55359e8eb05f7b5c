"""Sheets the mailroom reads back: PATCH-T separators and Amtsbote cover sheets.

A PATCH-T sheet is a page with a Code 39 barcode ``PATCHT``; the scanner software and our
splitter cut the batch there and drop the sheet. A cover sheet carries a QR code
``AMTSBOTE:<BG-Nummer>[:<request uuid>]`` and the BG-Nummer in plain text; it starts a
document and stays its first page.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

import img2pdf
import numpy as np
import segno
import zxingcpp
from PIL import Image, ImageDraw

from amtsbote.core.fonts import load_font

from .constants import COVER_PREFIX, PATCH_T_TEXT

if TYPE_CHECKING:
    from amtsbote.cases.models import Case
    from amtsbote.doc_requests.models import DocRequest

A4_MM = (210, 297)


def a4_size(dpi: int) -> tuple[int, int]:
    return round(A4_MM[0] / 25.4 * dpi), round(A4_MM[1] / 25.4 * dpi)


def blank_page(dpi: int = 300) -> Image.Image:
    return Image.new("L", a4_size(dpi), 255)


def cover_payload(bg_number: str, request_uuid: str | None = None) -> str:
    payload = f"{COVER_PREFIX}{bg_number}"
    return f"{payload}:{request_uuid}" if request_uuid else payload


def patch_t_page(dpi: int = 300) -> Image.Image:
    """A PATCH-T separator sheet: a large Code 39 ``PATCHT`` barcode across the page."""
    page = blank_page(dpi)
    width, height = page.size
    module = max(2, dpi // 50)  # 0.5 mm narrow bars at 300 dpi
    barcode = zxingcpp.create_barcode(PATCH_T_TEXT, zxingcpp.BarcodeFormat.Code39)
    bars = Image.fromarray(
        np.asarray(barcode.to_image(scale=module, add_quiet_zones=True, add_hrt=False))
    )
    bars = bars.resize((bars.width, height // 5), Image.Resampling.NEAREST)
    page.paste(bars, ((width - bars.width) // 2, height // 3))
    draw = ImageDraw.Draw(page)
    draw.text(
        (width // 2, height // 3 + bars.height + dpi // 4),
        "PATCH T – Trennblatt",
        fill=0,
        font=load_font(dpi // 6),
        anchor="mt",
    )
    return page


def _qr_image(payload: str, *, module: int) -> Image.Image:
    qr = segno.make(payload, error="m", micro=False)
    matrix = np.array([list(row) for row in qr.matrix], dtype=np.uint8)
    matrix = np.pad(matrix, 4)  # quiet zone of four modules
    pixels = np.where(matrix > 0, 0, 255).astype(np.uint8)
    return Image.fromarray(pixels).resize(
        (pixels.shape[1] * module, pixels.shape[0] * module), Image.Resampling.NEAREST
    )


def cover_sheet_image(
    bg_number: str,
    *,
    request_uuid: str | None = None,
    jobcenter_name: str = "",
    lines: list[str] | None = None,
    dpi: int = 300,
) -> Image.Image:
    """A cover sheet as an image (tests and the corpus compose batches from these)."""
    page = blank_page(dpi)
    width, _height = page.size
    draw = ImageDraw.Draw(page)
    qr = _qr_image(cover_payload(bg_number, request_uuid), module=max(4, dpi // 25))
    page.paste(qr, (width - qr.width - dpi // 3, dpi // 3))
    x, y = dpi * 2 // 3, dpi * 2 // 3
    title, body, big = load_font(dpi // 7), load_font(dpi // 11), load_font(dpi // 5)
    draw.text((x, y), "Deckblatt für Unterlagen", fill=0, font=title)
    y += dpi // 3
    if jobcenter_name:
        draw.text((x, y), jobcenter_name, fill=0, font=body)
    y = max(y + dpi // 2, dpi // 3 + qr.height + dpi // 4)
    draw.text((x, y), "BG-Nummer", fill=0, font=body)
    y += dpi // 6
    draw.text((x, y), bg_number, fill=0, font=big)
    y += dpi // 2
    texts = lines or [
        "Bitte legen Sie dieses Blatt obenauf, wenn Sie uns Unterlagen schicken.",
        "Dann landen Ihre Unterlagen sofort in Ihrer Akte.",
    ]
    for line in texts:
        draw.text((x, y), line, fill=0, font=body)
        y += dpi // 7
    return page


def cover_sheet_pdf(case: Case, request: DocRequest | None = None, *, dpi: int = 300) -> bytes:
    """A printable A4 cover sheet (PDF) for a case, optionally answering a request."""
    lines = None
    if request is not None:
        lines = [
            "Dieses Blatt gehört zu unserer Anforderung von Unterlagen.",
            f"Bitte bis {request.deadline:%d.%m.%Y} zurücksenden.",
            "Bitte legen Sie dieses Blatt obenauf.",
        ]
    image = cover_sheet_image(
        case.bg_number,
        request_uuid=str(request.uuid) if request is not None else None,
        jobcenter_name=case.jobcenter.name,
        lines=lines,
        dpi=dpi,
    )
    return image_pdf([image], dpi=dpi)


def patch_t_pdf(dpi: int = 300) -> bytes:
    return image_pdf([patch_t_page(dpi)], dpi=dpi)


def image_pdf(images: list[Image.Image], *, dpi: int = 300) -> bytes:
    """Images as an image-only PDF (one page each, ``dpi`` sets the page size)."""
    parts = []
    for image in images:
        out = io.BytesIO()
        if image.mode == "1":
            image.save(out, "PNG")
        else:
            image.convert("L" if image.mode == "L" else "RGB").save(out, "JPEG", quality=85)
        parts.append(out.getvalue())
    layout = img2pdf.get_fixed_dpi_layout_fun((dpi, dpi))
    result = img2pdf.convert(parts, layout_fun=layout)
    assert result is not None
    return result


def text_page(lines: list[str], *, dpi: int = 300, heading: bool = True) -> Image.Image:
    """A plain letter page with readable text (for tests and the corpus)."""
    page = blank_page(dpi)
    draw = ImageDraw.Draw(page)
    head, body = load_font(dpi // 7), load_font(dpi // 10)
    x, y = dpi * 2 // 3, dpi * 2 // 3
    for number, line in enumerate(lines):
        font = head if heading and number == 0 else body
        draw.text((x, y), line, fill=0, font=font)
        y += int(getattr(font, "size", dpi // 10) * 1.6)
    return page
