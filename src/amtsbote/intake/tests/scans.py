"""Scans made on the fly for tests: letter pages, separators, cover sheets, text PDFs, TIFFs."""

from __future__ import annotations

import io

import pikepdf
from PIL import Image

from amtsbote.intake import sheets

DPI = 300


def letter(*lines: str) -> Image.Image:
    return sheets.text_page(list(lines), dpi=DPI)


def image_pdf(*images: Image.Image) -> bytes:
    return sheets.image_pdf(list(images), dpi=DPI)


def tiff(*images: Image.Image) -> bytes:
    out = io.BytesIO()
    first, *rest = [image.convert("1") for image in images]
    first.save(out, "TIFF", save_all=True, append_images=rest, compression="group4", dpi=(DPI, DPI))
    return out.getvalue()


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def text_pdf(*pages: list[str]) -> bytes:
    """A PDF with a real text layer (Helvetica), as office software or e-mail would send."""
    pdf = pikepdf.Pdf.new()
    font = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Font,
            Subtype=pikepdf.Name.Type1,
            BaseFont=pikepdf.Name.Helvetica,
            Encoding=pikepdf.Name.WinAnsiEncoding,
        )
    )
    for lines in pages:
        ops = ["BT", "/F1 12 Tf", "16 TL", "72 770 Td"]
        ops += [f"({_escape(line)}) Tj T*" for line in lines]
        ops.append("ET")
        page = pdf.add_blank_page(page_size=(595, 842))
        page.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
        page.Contents = pdf.make_stream("\n".join(ops).encode("cp1252"))
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def concat_pdfs(*parts: bytes) -> bytes:
    result = pikepdf.Pdf.new()
    opened = [pikepdf.open(io.BytesIO(part)) for part in parts]
    for part in opened:
        result.pages.extend(part.pages)
    out = io.BytesIO()
    result.save(out)
    return out.getvalue()


def text_letter(number_line: str, subject: str = "Kontoauszug", lines: int = 6) -> list[str]:
    return [
        subject,
        "Sparkasse Musterstadt, Postfach 1, 12345 Musterstadt",
        number_line,
        *[f"Buchung {i}: Miete Januar 450,00 EUR Lastschrift" for i in range(lines)],
    ]
